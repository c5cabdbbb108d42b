import { z } from 'zod';
import type { OpenPosition } from '../../domain/engine/types.js';
import type { JobId, RunId } from '../../domain/market/ids.js';
import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import { CONSTRAINT_OPERATORS } from '../../domain/optimize/constraints.js';
import { OBJECTIVE_METRICS, type ObjectiveMetric } from '../../domain/optimize/objective.js';
import { MAX_SWEEP_VARIANTS } from '../../domain/optimize/limits.js';
import {
  idSchema,
  limitSchema,
  nameSchema,
  type NumberColumn,
  offsetSchema,
  type Page,
  rangeShape,
  sortOrderSchema,
  specInputSchema,
  symbolSchema,
  timeframeSchema,
  universeSchema,
} from '../contract/common.js';

/**
 * Optimization over the contract: parameter sweeps (grid, random, genetic), walk-forward
 * analysis and Monte Carlo on a run's trades. Bounds here keep one payload from asking
 * for unbounded work: the handler also caps the number of variants a sweep may plan.
 */

/** Largest number of variants one sweep or one walk-forward window may plan (a domain fact: the form says it too). */
export { MAX_SWEEP_VARIANTS };
/** Values one optimized parameter may take (a list, or a range once expanded). */
export const MAX_PARAM_VALUES = 10_000;
export const MAX_SWEEP_PARAMS = 12;
export const MAX_MONTE_CARLO_SIMULATIONS = 100_000;
/**
 * Simulations times trades one Monte Carlo may compound (about 10 s of one worker here:
 * docs/RELIABILITY.md); more is refused with what to lower.
 */
export const MAX_MONTE_CARLO_STEPS = 500_000_000;
/** Cells of a heatmap (x values times y values). */
export const MAX_HEATMAP_CELLS = 250_000;
/** Points of the stitched walk-forward equity sent to the UI. */
export const MAX_WALK_FORWARD_POINTS = 2_000;

const finite = z.number().finite();
const seedSchema = z.number().int().min(0).max(2 ** 32 - 1);
/** A template parameter ('fast') or a JSON path into a spec ('entry.long.children[0].left.params.period'). */
export const paramNameSchema = z.string().min(1).max(200);

const paramRangeSchema = z.union([
  z.strictObject({ name: paramNameSchema, min: finite, max: finite, step: finite.positive() }),
  z.strictObject({ name: paramNameSchema, values: z.array(finite).min(1).max(MAX_PARAM_VALUES) }),
]);

/** `left op right`: right is another parameter or a constant; a string like 'fast<slow' is accepted too. */
const constraintSchema = z.union([
  z.strictObject({ left: paramNameSchema, operator: z.enum(CONSTRAINT_OPERATORS), right: z.union([paramNameSchema, finite]) }),
  z.string().min(3).max(400),
]);

const templateBaseSchema = z.strictObject({
  name: nameSchema.optional(),
  direction: z.enum(['long', 'short', 'both']).optional(),
  initialCash: finite.positive().max(1e15).optional(),
  costs: z
    .strictObject({
      commissionPct: finite.min(0).max(100),
      commissionFixed: finite.min(0).max(1e9),
      slippageBps: finite.min(0).max(10_000),
    })
    .optional(),
  sizing: z
    .union([
      z.strictObject({ kind: z.literal('fixedQuantity'), quantity: finite.positive() }),
      z.strictObject({ kind: z.literal('fixedCash'), cash: finite.positive() }),
      z.strictObject({ kind: z.literal('percentEquity'), percent: finite.positive().max(10_000) }),
    ])
    .optional(),
});

const sourceSchema = z.union([
  z.strictObject({
    kind: z.literal('template'),
    templateId: idSchema,
    /** Settings of the built spec that are not template parameters. */
    base: templateBaseSchema.optional(),
    /** Values of template parameters that are not optimized. */
    fixed: z.record(paramNameSchema, finite).optional(),
  }),
  /** A full spec; optimized parameter names are JSON paths into it. */
  z.strictObject({ kind: z.literal('spec'), spec: specInputSchema }),
]);

const methodSchema = z.union([
  z.strictObject({ kind: z.literal('grid') }),
  z.strictObject({ kind: z.literal('random'), samples: z.number().int().min(1).max(MAX_SWEEP_VARIANTS), seed: seedSchema.optional() }),
  z.strictObject({
    kind: z.literal('genetic'),
    population: z.number().int().min(2).max(5_000),
    generations: z.number().int().min(1).max(1_000),
    seed: seedSchema.optional(),
    crossoverRate: z.number().min(0).max(1).optional(),
    mutationRate: z.number().min(0).max(1).optional(),
    elite: z.number().int().min(0).max(5_000).optional(),
    tournament: z.number().int().min(1).max(100).optional(),
  }),
]);

const objectiveSchema = z.strictObject({
  metric: z.enum(OBJECTIVE_METRICS),
  direction: z.enum(['maximize', 'minimize']).optional(),
  /** Variants with fewer trades rank after every variant that has enough. */
  minTrades: z.number().int().min(0).max(1_000_000).optional(),
});

/** What a sweep and a walk-forward share: source, space, constraints, method, objective, data. */
const sweepShape = {
  source: sourceSchema,
  space: z.array(paramRangeSchema).min(1).max(MAX_SWEEP_PARAMS),
  constraints: z.array(constraintSchema).max(32).optional(),
  method: methodSchema.optional(),
  objective: objectiveSchema,
  /**
   * One instrument, or a universe traded with one account (every variant runs it whole, as
   * backtest/start runs it); neither: the spec source's own `portfolio.universe`.
   */
  symbol: symbolSchema.optional(),
  universe: universeSchema.optional(),
  timeframe: timeframeSchema,
  ...rangeShape,
  /** Resolve stops/targets inside bars on 1m bars (default true, as for a backtest). */
  magnifier: z.boolean().optional(),
  quantityStep: finite.positive().optional(),
  /** This machine's sweep workers, or the configured cluster's agents (the default when the app has one). */
  target: z.enum(['local', 'cluster']).optional(),
};

const DAY_MS = 86_400_000;
const durationSchema = z.number().int().min(60_000).max(100 * 366 * DAY_MS);

const variantSortSchema = z.union([
  /** The sweep's objective, best first with 'desc' (the default). */
  z.strictObject({ by: z.literal('objective') }),
  z.strictObject({ by: z.literal('index') }),
  z.strictObject({ by: z.literal('metric'), name: z.enum(OBJECTIVE_METRICS) }),
  z.strictObject({ by: z.literal('param'), name: paramNameSchema }),
]);

export const sweepSchemas = {
  'sweeps/start': z.strictObject({ ...sweepShape, name: nameSchema.optional() }),
  'sweeps/list': z.union([z.undefined(), z.strictObject({ offset: offsetSchema.optional(), limit: limitSchema.optional() })]),
  'sweeps/get': z.strictObject({ sweepId: idSchema }),
  'sweeps/variants': z.strictObject({
    sweepId: idSchema,
    sort: variantSortSchema.optional(),
    order: sortOrderSchema.optional(),
    /** Only variants that met the objective's minimum trade count. */
    eligibleOnly: z.boolean().optional(),
    offset: offsetSchema.optional(),
    limit: limitSchema.optional(),
  }),
  'sweeps/heatmap': z.strictObject({
    sweepId: idSchema,
    x: paramNameSchema,
    y: paramNameSchema,
    /** Colour metric; default the sweep's objective metric (with its direction picking the best). */
    metric: z.enum(OBJECTIVE_METRICS).optional(),
  }),
  'sweeps/openVariant': z.strictObject({ sweepId: idSchema, index: z.number().int().min(0).max(1_000_000_000) }),
  'sweeps/delete': z.strictObject({ sweepId: idSchema }),
  'sweeps/resume': z.strictObject({ sweepId: idSchema }),
  'walkforward/start': z.strictObject({
    ...sweepShape,
    schedule: z.strictObject({
      inSampleMs: durationSchema,
      outOfSampleMs: durationSchema,
      /** Default outOfSampleMs: out-of-sample windows tile the data. */
      stepMs: durationSchema.optional(),
      /** Anchored: in-sample windows all start at the first bar and grow; rolling otherwise. */
      anchored: z.boolean(),
    }),
    /** Points of the stitched out-of-sample equity (default and most 2,000). */
    maxPoints: z.number().int().min(2).max(MAX_WALK_FORWARD_POINTS).optional(),
  }),
  'montecarlo/run': z.strictObject({
    runId: idSchema,
    /** Default 1,000. */
    simulations: z.number().int().min(1).max(MAX_MONTE_CARLO_SIMULATIONS).optional(),
    /** Default 1. */
    seed: seedSchema.optional(),
    /** bootstrap: draw trades with replacement; shuffle: reorder the same trades. Default bootstrap. */
    method: z.enum(['bootstrap', 'shuffle']).optional(),
    /** Drawdown depths (percent) to report the probability of exceeding; default 10, 20, 30, 50. */
    drawdownThresholdsPct: z.array(finite.positive().max(100)).min(1).max(20).optional(),
    /** Histogram bins of each distribution; default 40. */
    bins: z.number().int().min(2).max(500).optional(),
  }),
} as const;

export type StartSweepArgs = z.infer<(typeof sweepSchemas)['sweeps/start']>;
export type ListSweepsArgs = z.infer<(typeof sweepSchemas)['sweeps/list']>;
export type SweepIdArgs = z.infer<(typeof sweepSchemas)['sweeps/get']>;
export type SweepVariantsArgs = z.infer<(typeof sweepSchemas)['sweeps/variants']>;
export type SweepVariantSort = NonNullable<SweepVariantsArgs['sort']>;
export type SweepHeatmapArgs = z.infer<(typeof sweepSchemas)['sweeps/heatmap']>;
export type OpenSweepVariantArgs = z.infer<(typeof sweepSchemas)['sweeps/openVariant']>;
export type StartWalkForwardArgs = z.infer<(typeof sweepSchemas)['walkforward/start']>;
export type MonteCarloRunArgs = z.infer<(typeof sweepSchemas)['montecarlo/run']>;
export type SweepSourceArgs = StartSweepArgs['source'];
export type SweepMethodArgs = NonNullable<StartSweepArgs['method']>;
export type SweepObjectiveArgs = StartSweepArgs['objective'];

/** 'interrupted': the app stopped while it ran (found so at the next start); the variants it finished are kept. */
export type SweepStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';

export interface SweepCounts {
  /** Variants the method planned (an upper bound for genetic search). */
  readonly planned: number;
  readonly done: number;
  /** Variants that ran and failed (a per-variant error). */
  readonly failed: number;
  /** Points a constraint dropped; never run. */
  readonly rejected: number;
  /** Points whose spec was invalid; never run. */
  readonly invalid: number;
}

/** An optimized parameter as the lists show it. */
export interface SweepParamInfo {
  readonly name: string;
  readonly count: number;
  readonly min: number;
  readonly max: number;
}

export interface SweepObjectiveInfo {
  readonly metric: ObjectiveMetric;
  readonly direction: 'maximize' | 'minimize';
  readonly minTrades: number;
}

/** A row of the sweeps list. */
export interface SweepListItem {
  readonly id: string;
  readonly name: string;
  readonly status: SweepStatus;
  /** The instrument; a portfolio sweep's first. */
  readonly symbol: string;
  /** A portfolio sweep's instruments (in run order) and the tag that chose them; null for one instrument. */
  readonly universe: { readonly symbols: readonly string[]; readonly tag: string | null } | null;
  readonly timeframe: Timeframe;
  readonly fromTs: number | null;
  readonly toTs: number | null;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly counts: SweepCounts;
  readonly error: string | null;
  readonly method: 'grid' | 'random' | 'genetic';
  readonly objective: SweepObjectiveInfo;
  readonly params: readonly SweepParamInfo[];
  /** The job running it, while this process runs it (cancel with `jobs/cancel`). */
  readonly jobId: JobId | null;
  /** The cluster it runs on (its address, no credentials), or null for this machine's workers. */
  readonly runsOn: string | null;
}


/** One evaluated variant: its parameters and metrics. */
export interface SweepVariantRow {
  readonly index: number;
  /** Genetic generation that proposed it (0 for grid and random). */
  readonly generation: number;
  readonly params: Readonly<Record<string, number>>;
  readonly metrics: BacktestMetrics | null;
  readonly error: string | null;
  /** The objective metric's value (null when undefined or failed). */
  readonly score: number | null;
  /** Met the objective's minimum trade count. */
  readonly eligible: boolean;
  /** Set once opened as a full run. */
  readonly runId: string | null;
  /** A portfolio variant's run hash (its run alone, opened, has the same); null for one instrument. */
  readonly hash: string | null;
}

export interface SweepDetail extends SweepListItem {
  readonly magnifier: boolean;
  readonly quantityStep: number | null;
  /** Source, full space (every value of each parameter), constraints, method, objective. */
  readonly config: {
    readonly source: Readonly<Record<string, unknown>>;
    readonly space: readonly { readonly name: string; readonly values: readonly number[] }[];
    readonly constraints: readonly { readonly left: string; readonly operator: string; readonly right: string | number }[];
    readonly method: Readonly<Record<string, unknown>> & { readonly kind: 'grid' | 'random' | 'genetic' };
    readonly objective: SweepObjectiveInfo;
  };
  readonly best: SweepVariantRow | null;
}

/**
 * The objective (or `metric`) over two parameters: for each (x, y) cell, the best variant
 * over every value of the other parameters. Row-major: cell (xi, yi) is at yi * x.values.length + xi.
 */
export interface SweepHeatmap {
  readonly sweepId: string;
  readonly metric: ObjectiveMetric;
  readonly direction: 'maximize' | 'minimize';
  readonly x: { readonly name: string; readonly values: NumberColumn };
  readonly y: { readonly name: string; readonly values: NumberColumn };
  /** Metric value of the cell's best variant; null where no variant ran yet or the metric is undefined. */
  readonly values: (number | null)[];
  /** Index of the cell's best variant (for `sweeps/openVariant`), or null. */
  readonly variantIndex: (number | null)[];
  /** Whether the cell's best variant met the minimum trade count. */
  readonly eligible: boolean[];
  readonly min: number | null;
  readonly max: number | null;
  /** Variants done so far (the map fills in while the sweep runs). */
  readonly done: number;
  readonly planned: number;
}

/** Opening a variant: an existing run, or a backtest job whose result is `{ runId }`. */
export type OpenVariantResult = { readonly runId: RunId; readonly jobId: null } | { readonly runId: null; readonly jobId: JobId };

export interface WalkForwardWindowInfo {
  readonly index: number;
  readonly inSample: { readonly fromTs: number; readonly toTs: number };
  readonly outOfSample: { readonly fromTs: number; readonly toTs: number };
  readonly bestParams: Readonly<Record<string, number>>;
  readonly bestEligible: boolean;
  /** No in-sample variant made the minimum trades, so the best of all was used: the minimum and the most any made. */
  readonly fallback: { readonly minTrades: number; readonly mostTrades: number } | null;
  /** The position the out-of-sample run held at the window's end (opened in the window): its unrealized PnL is in the window's return. */
  readonly outOfSampleOpenPosition: OpenPosition | null;
  readonly inSampleMetrics: BacktestMetrics;
  readonly outOfSampleMetrics: BacktestMetrics;
  /** Out-of-sample / in-sample annualized return of the window (null when undefined). */
  readonly efficiency: number | null;
  readonly counts: SweepCounts;
  readonly outOfSampleBars: number;
}

/** What a finished `walkforward/start` job carries as its result. */
export interface WalkForwardReport {
  /** The instrument; a portfolio's first. */
  readonly symbol: string;
  /** A portfolio walk-forward's instruments (each window's runs trade them all); null for one instrument. */
  readonly symbols: readonly string[] | null;
  readonly timeframe: Timeframe;
  readonly windows: readonly WalkForwardWindowInfo[];
  /** Out-of-sample equity stitched across windows, min/max-downsampled to at most maxPoints. */
  readonly equity: { readonly ts: NumberColumn; readonly equity: NumberColumn; readonly sourcePoints: number; readonly downsampled: boolean };
  readonly metrics: BacktestMetrics;
  readonly inSampleAnnualizedReturnPct: number | null;
  /** Stitched out-of-sample annualized return / mean in-sample annualized return. */
  readonly efficiency: number | null;
  /** True when a cancel stopped it after at least one window. */
  readonly cancelled: boolean;
  /** Windows the schedule has: more than `windows` in a cancelled run, or in the windows kept of one the app stopped. */
  readonly windowsPlanned: number;
}

/** Equal-width bins over [min, max]: edges has counts.length + 1 entries. */
export interface Histogram {
  readonly edges: NumberColumn;
  readonly counts: NumberColumn;
}

export interface MonteCarloDistribution {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly percentiles: { readonly p5: number; readonly p25: number; readonly p50: number; readonly p75: number; readonly p95: number };
  readonly histogram: Histogram;
}

export interface MonteCarloReport {
  readonly runId: RunId;
  readonly method: 'bootstrap' | 'shuffle';
  readonly simulations: number;
  readonly seed: number;
  /** Closed trades resampled (the run's initial cash is in `runs/get` spec.initialCash). */
  readonly trades: number;
  /**
   * The run's closed trades in their own order, compounded like the simulations (each
   * trade's return on the equity it was taken with): ends at initial cash + closed-trade PnL.
   */
  readonly original: { readonly finalEquity: number; readonly maxDrawdownPct: number };
  /** Unrealized PnL of the position the run left open at the end (null: none): in the run's final equity, not resampled. */
  readonly openPositionPnl: number | null;
  /** The run's own final equity (closed trades + open position). */
  readonly runFinalEquity: number | null;
  readonly finalEquity: MonteCarloDistribution;
  /** Max drawdown per simulation, percent, <= 0. */
  readonly maxDrawdownPct: MonteCarloDistribution;
  readonly probabilityOfLossPct: number;
  readonly drawdownExceedance: readonly { readonly thresholdPct: number; readonly probabilityPct: number }[];
}

export interface SweepHandlers {
  /**
   * Checks the request and starts a sweep job (kind 'sweep'). The sweep record exists when
   * this answers: follow it by `sweepId` (`sweep/variants` events, `sweeps/get`); the job
   * (`job/progress`, `jobs/cancel`) finishes with `{ sweepId, counts, best }`.
   */
  'sweeps/start': (args: StartSweepArgs) => Promise<{ jobId: JobId; sweepId: string }>;
  /** Newest first. */
  'sweeps/list': (args?: ListSweepsArgs) => Promise<Page<SweepListItem>>;
  'sweeps/get': (args: SweepIdArgs) => Promise<SweepDetail>;
  /** A page of variants; default best first by the objective. */
  'sweeps/variants': (args: SweepVariantsArgs) => Promise<Page<SweepVariantRow>>;
  'sweeps/heatmap': (args: SweepHeatmapArgs) => Promise<SweepHeatmap>;
  /** Re-runs a variant alone as a full, stored run (or returns the run it was opened as before). */
  'sweeps/openVariant': (args: OpenSweepVariantArgs) => Promise<OpenVariantResult>;
  /** Deletes a sweep and its variants (cancelling it first if it runs); runs opened from it stay. */
  'sweeps/delete': (args: SweepIdArgs) => Promise<{ id: string }>;
  /**
   * Goes on with an interrupted or cancelled sweep on this machine's workers: a job like
   * `sweeps/start`'s that runs only the variants it has not stored (the same plan, indices
   * and results as if it had never stopped).
   */
  'sweeps/resume': (args: SweepIdArgs) => Promise<{ jobId: JobId; sweepId: string }>;
  /**
   * Starts a walk-forward job (kind 'walkforward'); its result is a WalkForwardReport, kept
   * with the job after each window, so a job the app stopped keeps the windows it finished.
   */
  'walkforward/start': (args: StartWalkForwardArgs) => Promise<{ jobId: JobId }>;
  /** Seeded Monte Carlo over a stored run's closed trades. */
  'montecarlo/run': (args: MonteCarloRunArgs) => Promise<MonteCarloReport>;
}
