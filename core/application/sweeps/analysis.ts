import { runId as toRunId } from '../../domain/market/ids.js';
import type { Distribution } from '../../domain/optimize/monte-carlo.js';
import { compareScored, scoreOf, type Objective } from '../../domain/optimize/objective.js';
import type { Page } from '../contract/common.js';
import type {
  Histogram,
  MonteCarloDistribution,
  MonteCarloReport,
  MonteCarloRunArgs,
  SweepHeatmap,
  SweepHeatmapArgs,
  SweepVariantRow,
  SweepVariantsArgs,
} from './contract.js';
import { MAX_HEATMAP_CELLS } from './contract.js';
import { ValidationError } from '../errors.js';
import { toVariantRow } from './sweep-wire.js';
import type { RunStore } from '../runs/run-store.js';
import { runMonteCarlo } from './monte-carlo.js';
import type { SweepStore, SweepSummary, SweepVariant } from './ports.js';
import { getSweep } from './sweep-queries.js';

/**
 * The analyses too heavy for the thread that answers calls: Monte Carlo on a run's trades,
 * and views over every variant of a sweep (any sort order, heatmaps). A worker in the app
 * (infrastructure/analysis), so that a trivial call answers at once while one runs.
 */
export interface AnalysisRunner {
  monteCarlo(args: MonteCarloRunArgs): Promise<MonteCarloReport>;
  /** A page of a sweep's variants in an order the store has no index for. */
  sweepVariants(args: SweepVariantsArgs): Promise<Page<SweepVariantRow>>;
  sweepHeatmap(args: SweepHeatmapArgs): Promise<SweepHeatmap>;
  /** Drops what is kept of a sweep's variants (one was opened as a run, or the sweep deleted). */
  forget(sweepId: string): void;
}

const DEFAULT_BINS = 40;
const DEFAULT_SIMULATIONS = 1000;
const DEFAULT_PAGE = 50;
/** The store pages at most this many variants per read. */
const STORE_PAGE = 100_000;
/** Sweeps whose variants are held in memory for re-sorting and heatmaps. */
const CACHED_SWEEPS = 4;

/** Equal-width histogram of ascending values over [first, last]; all in one bin when they are equal. */
export function histogram(sorted: ArrayLike<number>, bins: number): Histogram {
  const n = sorted.length;
  if (n === 0) return { edges: [], counts: [] };
  const lo = sorted[0]!;
  const hi = sorted[n - 1]!;
  const width = (hi - lo) / bins;
  const edges: number[] = [];
  for (let b = 0; b <= bins; b++) edges.push(b === bins ? hi : lo + b * width);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const b = width > 0 ? Math.min(bins - 1, Math.floor((sorted[i]! - lo) / width)) : bins - 1;
    counts[b]!++;
  }
  return { edges, counts };
}

function toDistribution(d: Distribution, bins: number): MonteCarloDistribution {
  return { mean: d.mean, min: d.min, max: d.max, percentiles: { ...d.percentiles }, histogram: histogram(d.sorted, bins) };
}

/** `montecarlo/run`: a seeded Monte Carlo of a stored run's trades, as the wire carries it. */
export function monteCarloReport(runs: Pick<RunStore, 'get'>, args: MonteCarloRunArgs): MonteCarloReport {
  const bins = args.bins ?? DEFAULT_BINS;
  const result = runMonteCarlo(runs, {
    runId: toRunId(args.runId),
    simulations: args.simulations ?? DEFAULT_SIMULATIONS,
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.method === undefined ? {} : { method: args.method }),
    ...(args.drawdownThresholdsPct === undefined ? {} : { drawdownThresholdsPct: args.drawdownThresholdsPct }),
  });
  return {
    runId: result.runId,
    method: result.method,
    simulations: result.simulations,
    seed: result.seed,
    trades: result.trades,
    original: result.original,
    openPositionPnl: result.openPositionPnl,
    runFinalEquity: result.runFinalEquity,
    finalEquity: toDistribution(result.finalEquity, bins),
    maxDrawdownPct: toDistribution(result.maxDrawdownPct, bins),
    probabilityOfLossPct: result.probabilityOfLossPct,
    drawdownExceedance: result.drawdownExceedance,
  };
}

/** Ascending comparison with nulls last whatever the order; ties by variant index. */
function byValue(value: (v: SweepVariant) => number | null, order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (a: SweepVariant, b: SweepVariant): number => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? a.index - b.index : x === null ? 1 : -1;
    return x !== y ? sign * (x - y) : a.index - b.index;
  };
}

function sortVariants(sweep: SweepSummary, all: readonly SweepVariant[], args: SweepVariantsArgs): SweepVariant[] {
  const sort = args.sort ?? { by: 'objective' };
  const order = args.order ?? (sort.by === 'index' ? 'asc' : 'desc');
  const rows = args.eligibleOnly ? all.filter((v) => v.eligible) : [...all];
  const objective = sweep.config.objective;
  switch (sort.by) {
    case 'objective': {
      // Best first for desc: the same ranking the store and the CLI use.
      rows.sort((a, b) => compareScored(a, b, objective));
      return order === 'desc' ? rows : rows.reverse();
    }
    case 'index':
      return rows.sort((a, b) => (order === 'asc' ? a.index - b.index : b.index - a.index));
    case 'metric': {
      const metric = sort.name;
      return rows.sort(byValue((v) => scoreOf(v.metrics, { ...objective, metric }), order));
    }
    case 'param': {
      const name = sort.name;
      if (!sweep.config.space.some((p) => p.name === name)) {
        throw new ValidationError(`Sweep ${sweep.id} does not optimize "${name}"; its parameters are ${sweep.config.space.map((p) => p.name).join(', ')}`);
      }
      return rows.sort(byValue((v) => v.params[name] ?? null, order));
    }
  }
}

/**
 * Views over every variant of a few recent sweeps: orders the store has no index for
 * (any metric or parameter, ascending) and heatmaps. A sweep's variants are read once
 * and kept until its done count or status moves, so a running sweep's table and heatmap
 * fill in as results arrive; the last sort is kept too (paging through it sorts once).
 */
export class VariantViews {
  private readonly entries = new Map<string, { done: number; status: string; variants: readonly SweepVariant[]; sorted: Map<string, SweepVariant[]> }>();

  constructor(private readonly store: SweepStore) {}

  page(args: SweepVariantsArgs): Page<SweepVariantRow> {
    const sweep = this.sweep(args.sweepId);
    const limit = args.limit ?? DEFAULT_PAGE;
    const offset = args.offset ?? 0;
    const entry = this.entry(sweep);
    const key = JSON.stringify([args.sort ?? null, args.order ?? null, args.eligibleOnly ?? false]);
    let rows = entry.sorted.get(key);
    if (!rows) {
      rows = sortVariants(sweep, entry.variants, args);
      entry.sorted.clear();
      entry.sorted.set(key, rows);
    }
    return { items: rows.slice(offset, offset + limit).map(toVariantRow), total: rows.length, offset, limit };
  }

  heatmap(args: SweepHeatmapArgs): SweepHeatmap {
    const sweep = this.sweep(args.sweepId);
    if (args.x === args.y) throw new ValidationError('Pick two different parameters for the heatmap');
    const axis = (name: string) => {
      const p = sweep.config.space.find((q) => q.name === name);
      if (!p) throw new ValidationError(`Sweep ${sweep.id} does not optimize "${name}"; its parameters are ${sweep.config.space.map((q) => q.name).join(', ')}`);
      return [...p.values].sort((a, b) => a - b);
    };
    const xs = axis(args.x);
    const ys = axis(args.y);
    const cells = xs.length * ys.length;
    if (cells > MAX_HEATMAP_CELLS) throw new ValidationError(`${args.x} x ${args.y} makes ${cells} cells; at most ${MAX_HEATMAP_CELLS}`);
    const objective: Objective = { ...sweep.config.objective, metric: args.metric ?? sweep.config.objective.metric };
    const xAt = new Map(xs.map((v, i) => [v, i]));
    const yAt = new Map(ys.map((v, i) => [v, i]));
    const best: (SweepVariant | undefined)[] = new Array<SweepVariant | undefined>(cells);
    for (const v of this.entry(sweep).variants) {
      const xi = xAt.get(v.params[args.x]!);
      const yi = yAt.get(v.params[args.y]!);
      if (xi === undefined || yi === undefined) continue;
      const cell = yi * xs.length + xi;
      const current = best[cell];
      if (current === undefined || compareScored(v, current, objective) < 0) best[cell] = v;
    }
    const values: (number | null)[] = [];
    const variantIndex: (number | null)[] = [];
    const eligible: boolean[] = [];
    let min: number | null = null;
    let max: number | null = null;
    for (let c = 0; c < cells; c++) {
      const v = best[c];
      const value = v ? scoreOf(v.metrics, objective) : null;
      values.push(value);
      variantIndex.push(v ? v.index : null);
      eligible.push(v ? v.eligible : false);
      if (value !== null) {
        min = min === null ? value : Math.min(min, value);
        max = max === null ? value : Math.max(max, value);
      }
    }
    return {
      sweepId: sweep.id,
      metric: objective.metric,
      direction: objective.direction,
      x: { name: args.x, values: xs },
      y: { name: args.y, values: ys },
      values,
      variantIndex,
      eligible,
      min,
      max,
      done: sweep.counts.done,
      planned: sweep.counts.planned,
    };
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  private sweep(id: string): SweepSummary {
    return getSweep(this.store, id);
  }

  private entry(sweep: SweepSummary) {
    const hit = this.entries.get(sweep.id);
    if (hit && hit.done === sweep.counts.done && hit.status === sweep.status) {
      this.entries.delete(sweep.id);
      this.entries.set(sweep.id, hit);
      return hit;
    }
    const variants: SweepVariant[] = [];
    for (let offset = 0; ; offset += STORE_PAGE) {
      const page = this.store.variants(sweep.id, { offset, limit: STORE_PAGE });
      variants.push(...page.variants);
      if (page.variants.length < STORE_PAGE || variants.length >= page.total) break;
    }
    const entry = { done: sweep.counts.done, status: sweep.status, variants, sorted: new Map<string, SweepVariant[]>() };
    this.entries.delete(sweep.id);
    this.entries.set(sweep.id, entry);
    while (this.entries.size > CACHED_SWEEPS) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}
