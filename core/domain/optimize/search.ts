import { DomainError } from '../errors.js';
import { createRandom, type Random } from '../random.js';
import { satisfiesAll, type Constraint } from './constraints.js';
import { compareScored, type Objective, type Scored } from './objective.js';
import { gridSize, pointKey, valuesAt, type GridPoint, type ParamRange, type ParamValues } from './param-space.js';

/** How a sweep picks its variants. */
export type SearchMethod =
  | { readonly kind: 'grid' }
  | { readonly kind: 'random'; readonly samples: number; readonly seed: number }
  | {
      readonly kind: 'genetic';
      readonly population: number;
      readonly generations: number;
      readonly seed: number;
      /** Probability that a child mixes two parents (uniform crossover) rather than copying one; default 0.9. */
      readonly crossoverRate?: number;
      /** Per-parameter probability of a mutation; default 1 / parameter count (at least 0.1). */
      readonly mutationRate?: number;
      /** Best members copied unchanged into the next generation; default 10 % of the population (at least 1). */
      readonly elite?: number;
      /** Members drawn per tournament; default 3. */
      readonly tournament?: number;
    };

/** A variant to evaluate: its grid point, values and the generation that proposed it (0 outside genetic). */
export interface Candidate {
  readonly key: string;
  readonly point: GridPoint;
  readonly values: ParamValues;
  readonly generation: number;
}

/**
 * Ask/tell search: `next()` proposes variants not evaluated yet; the caller evaluates
 * them and `tell()`s their outcomes before asking again. Every random choice comes from
 * the seeded generator and depends only on the outcomes told, so the same seed and the
 * same outcomes give the same variants.
 */
export interface SearchPlan {
  /** The next variants to run (possibly none this time), or null when the plan has no more. */
  next(): readonly Candidate[] | null;
  tell(outcomes: readonly { readonly key: string; readonly scored: Scored }[]): void;
  /** Distinct points that broke a constraint and were never proposed. */
  readonly rejected: number;
  /** Variants the plan expects to propose in all (exact for grid and random, an upper bound for genetic). */
  readonly plannedTotal: number;
  /** Whether `tell` shapes what `next` proposes (genetic); grid and random ignore it. */
  readonly learns: boolean;
}

/** Largest grid an exhaustive sweep will enumerate; beyond it use random or genetic search. */
export const MAX_GRID_POINTS = 2_000_000;

/** Points a plan looks at between two pause points of `searchPlanSteps`. */
export const PLAN_STEP_POINTS = 4_096;

/** Creates the plan for a method over a space. */
export function createSearchPlan(space: readonly ParamRange[], constraints: readonly Constraint[], method: SearchMethod, o: Objective): SearchPlan {
  return drain(searchPlanSteps(space, constraints, method, o));
}

/**
 * Builds the plan like createSearchPlan, pausing (a bare `yield`) every PLAN_STEP_POINTS
 * points it enumerates or draws: a grid of 200,000 points takes a few hundred ms to
 * enumerate, which a caller serving a UI spreads over its event loop. The same steps in
 * the same order: the plan is identical.
 */
export function* searchPlanSteps(space: readonly ParamRange[], constraints: readonly Constraint[], method: SearchMethod, o: Objective): Generator<void, SearchPlan> {
  if (method.kind === 'grid') return yield* gridPlan(space, constraints);
  if (method.kind === 'random') return yield* randomPlan(space, constraints, method.samples, method.seed);
  return yield* geneticPlan(space, constraints, method, o);
}

/** Runs a stepped computation to its end. */
function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Every point of the grid in order (last parameter fastest), with the constraint check. */
export function* gridPoints(space: readonly ParamRange[]): Generator<GridPoint> {
  const size = gridSize(space);
  if (size > MAX_GRID_POINTS) throw new DomainError(`The grid has ${size} points (more than ${MAX_GRID_POINTS}); use random or genetic search`);
  const idx = space.map(() => 0);
  for (let n = 0; n < size; n++) {
    yield [...idx];
    for (let d = space.length - 1; d >= 0; d--) {
      if (++idx[d]! < space[d]!.values.length) break;
      idx[d] = 0;
    }
  }
}

function candidate(space: readonly ParamRange[], point: GridPoint, generation: number): Candidate {
  return { key: pointKey(point), point, values: valuesAt(space, point), generation };
}

/**
 * The grid, counted first (one reused record of values per point: nothing is kept), then
 * proposed a window of PLAN_STEP_POINTS points at a time, in grid order: a 200,000-point
 * grid never exists as 200,000 candidate objects at once (their garbage collection alone
 * held the thread that plans for hundreds of ms).
 */
function* gridPlan(space: readonly ParamRange[], constraints: readonly Constraint[]): Generator<void, SearchPlan> {
  let valid = 0;
  let rejected = 0;
  let seen = 0;
  const values: Record<string, number> = {};
  for (const point of gridPoints(space)) {
    for (let d = 0; d < space.length; d++) values[space[d]!.name] = space[d]!.values[point[d]!]!;
    if (satisfiesAll(values, constraints)) valid++;
    else rejected++;
    if (++seen % PLAN_STEP_POINTS === 0) yield;
  }
  const points = gridPoints(space);
  let done = false;
  return {
    next: () => {
      if (done) return null;
      const out: Candidate[] = [];
      for (let examined = 0; examined < PLAN_STEP_POINTS; examined++) {
        const step = points.next();
        if (step.done) {
          done = true;
          break;
        }
        const c = candidate(space, step.value, 0);
        if (satisfiesAll(c.values, constraints)) out.push(c);
      }
      return out.length > 0 || !done ? out : null;
    },
    tell: () => undefined,
    rejected,
    plannedTotal: valid,
    learns: false,
  };
}

/**
 * Draws up to `count` distinct valid points not in `exclude`. Small grids are enumerated
 * and shuffled (exact, no wasted draws); large ones are sampled with rejection.
 */
function* samplePoints(
  space: readonly ParamRange[],
  constraints: readonly Constraint[],
  count: number,
  random: Random,
  exclude: ReadonlySet<string>,
  generation: number,
): Generator<void, { picked: Candidate[]; rejected: number }> {
  const size = gridSize(space);
  let rejected = 0;
  if (size <= Math.max(200_000, count * 4)) {
    const valid: Candidate[] = [];
    let enumerated = 0;
    for (const point of gridPoints(space)) {
      const c = candidate(space, point, generation);
      if (!satisfiesAll(c.values, constraints)) rejected++;
      else if (!exclude.has(c.key)) valid.push(c);
      if (++enumerated % PLAN_STEP_POINTS === 0) yield;
    }
    // Partial Fisher-Yates: the first `count` entries become a uniform sample.
    const n = Math.min(count, valid.length);
    for (let i = 0; i < n; i++) {
      const j = random.int(i, valid.length - 1);
      [valid[i], valid[j]] = [valid[j]!, valid[i]!];
    }
    return { picked: valid.slice(0, n), rejected };
  }
  const picked: Candidate[] = [];
  const seen = new Set(exclude);
  const maxDraws = count * 100;
  for (let draws = 0; picked.length < count && draws < maxDraws; draws++) {
    if (draws % PLAN_STEP_POINTS === PLAN_STEP_POINTS - 1) yield;
    const point = space.map((p) => random.int(0, p.values.length - 1));
    const key = pointKey(point);
    if (seen.has(key)) continue;
    seen.add(key);
    const c = candidate(space, point, generation);
    if (satisfiesAll(c.values, constraints)) picked.push(c);
    else rejected++;
  }
  return { picked, rejected };
}

function* randomPlan(space: readonly ParamRange[], constraints: readonly Constraint[], samples: number, seed: number): Generator<void, SearchPlan> {
  if (!Number.isInteger(samples) || samples < 1) throw new DomainError(`samples must be a whole number >= 1, got ${samples}`);
  const { picked, rejected } = yield* samplePoints(space, constraints, samples, createRandom(seed), new Set(), 0);
  let given = false;
  return {
    next: () => (given ? null : ((given = true), picked)),
    tell: () => undefined,
    rejected,
    plannedTotal: picked.length,
    learns: false,
  };
}

function* geneticPlan(
  space: readonly ParamRange[],
  constraints: readonly Constraint[],
  method: Extract<SearchMethod, { kind: 'genetic' }>,
  o: Objective,
): Generator<void, SearchPlan> {
  const { population: size, generations } = method;
  if (!Number.isInteger(size) || size < 2) throw new DomainError(`population must be a whole number >= 2, got ${size}`);
  if (!Number.isInteger(generations) || generations < 1) throw new DomainError(`generations must be a whole number >= 1, got ${generations}`);
  const random = createRandom(method.seed);
  const crossoverRate = method.crossoverRate ?? 0.9;
  const mutationRate = method.mutationRate ?? Math.max(0.1, 1 / space.length);
  const elite = Math.min(size - 1, method.elite ?? Math.max(1, Math.round(size * 0.1)));
  const tournament = Math.max(1, method.tournament ?? 3);
  const scores = new Map<string, Scored>();
  let population: Candidate[] = [];
  let generation = -1;
  let rejected = 0;
  const rejectedKeys = new Set<string>();

  const rank = (members: readonly Candidate[]): Candidate[] =>
    [...members].sort((a, b) => compareScored(scores.get(a.key) ?? { index: Infinity, metrics: null }, scores.get(b.key) ?? { index: Infinity, metrics: null }, o));
  const pick = (ranked: readonly Candidate[]): Candidate => {
    // Tournament: the best of `tournament` random members; ranked order = quality.
    let best = random.int(0, ranked.length - 1);
    for (let i = 1; i < tournament; i++) best = Math.min(best, random.int(0, ranked.length - 1));
    return ranked[best]!;
  };
  const mutate = (point: number[]): void => {
    for (let d = 0; d < point.length; d++) {
      if (random.next() >= mutationRate) continue;
      const n = space[d]!.values.length;
      if (n === 1) continue;
      if (random.next() < 0.5) {
        // A local step of up to a tenth of the range, either way (at least one value).
        const reach = Math.max(1, Math.round(n / 10));
        const delta = random.int(1, reach) * (random.next() < 0.5 ? -1 : 1);
        point[d] = Math.min(n - 1, Math.max(0, point[d]! + delta));
      } else point[d] = random.int(0, n - 1);
    }
  };

  const breed = (): Candidate[] => {
    const ranked = rank(population);
    const next: Candidate[] = ranked.slice(0, elite);
    const inNext = new Set(next.map((c) => c.key));
    while (next.length < size) {
      let child: Candidate | null = null;
      for (let attempt = 0; attempt < 20 && child === null; attempt++) {
        const a = pick(ranked).point;
        const b = pick(ranked).point;
        const point = random.next() < crossoverRate ? a.map((x, d) => (random.next() < 0.5 ? x : b[d]!)) : [...a];
        mutate(point);
        const c = candidate(space, point, generation);
        if (inNext.has(c.key)) continue;
        if (!satisfiesAll(c.values, constraints)) {
          if (!rejectedKeys.has(c.key)) {
            rejectedKeys.add(c.key);
            rejected++;
          }
          continue;
        }
        child = c;
      }
      if (child === null) {
        // Converged or boxed in by constraints: a fresh random member keeps diversity.
        const fresh = drain(samplePoints(space, constraints, 1, random, inNext, generation)).picked[0];
        if (!fresh) break;
        child = fresh;
      }
      next.push(child);
      inNext.add(child.key);
    }
    return next;
  };

  // The first generation is drawn now (the random stream's first draws either way), so its
  // enumeration of the grid is stepped like the other methods' plans.
  const first = yield* samplePoints(space, constraints, size, random, new Set(), 0);
  rejected += first.rejected;
  return {
    next() {
      while (++generation < generations) {
        population = generation === 0 ? first.picked : breed();
        const fresh = population.filter((c) => !scores.has(c.key));
        if (fresh.length > 0) return fresh;
      }
      return null;
    },
    tell(outcomes) {
      for (const { key, scored } of outcomes) scores.set(key, scored);
    },
    get rejected() {
      return rejected;
    },
    plannedTotal: size * generations,
    learns: true,
  };
}
