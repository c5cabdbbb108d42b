import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { InstrumentId } from '../../domain/market/ids.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { Constraint } from '../../domain/optimize/constraints.js';
import type { Objective } from '../../domain/optimize/objective.js';
import type { ParamRange, ParamValues } from '../../domain/optimize/param-space.js';
import type { SearchMethod } from '../../domain/optimize/search.js';
import type { SweepSource } from '../../domain/optimize/variant-spec.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import type { RunUniverse } from '../runs/run-store.js';

/** The bars every variant of a sweep runs on. Ranges are [fromTs, toTs), epoch ms UTC. */
export interface SweepData {
  /** The instrument; a portfolio's first. */
  readonly instrumentId: InstrumentId;
  /**
   * A portfolio sweep: every instrument of the universe, in run order (instrumentId is the
   * first). Each variant then runs the whole universe with one account, as its run alone would.
   */
  readonly universe?: readonly InstrumentId[];
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  /** Default true, as for a single backtest. */
  readonly magnifier?: boolean;
  readonly quantityStep?: number;
}

/** An evaluated variant: its metrics, or why it failed. */
export interface EvaluatedVariant {
  readonly index: number;
  readonly metrics: BacktestMetrics | null;
  readonly error: string | null;
  /** A portfolio variant's run hash: the hash its run alone has (absent for a one-instrument variant). */
  readonly hash?: string;
}

/** The bars one worker call actually read (first/last open time), for range checks. */
export interface BarsRead {
  /** Bars the variants ran on, [firstTs, lastTs]. */
  readonly count: number;
  /** Stored bars before firstTs also read, for the indicators' warm-up (no trades there). */
  readonly warmUpBars: number;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  readonly magnifierFirstTs: number | null;
  readonly magnifierLastTs: number | null;
}

/** Cancel hooks shaped like the job registry's JobContext. */
export interface CancelSignal {
  isCancelled(): boolean;
  /** Calls `listener` once on cancel (at once if already cancelled); returns an unsubscribe. */
  onCancel(listener: () => void): () => void;
}

export interface EvaluateControl {
  /** Each finished batch, as it arrives (any order across workers). */
  onBatch?(items: readonly EvaluatedVariant[]): void;
  /** Variants finished so far in this call (throttled). */
  onProgress?(done: number): void;
  readonly cancel?: CancelSignal;
}

export interface EvaluateOutcome {
  /** True when a cancel stopped the call; the variants finished before it were all delivered. */
  readonly cancelled: boolean;
  readonly barsRead: readonly BarsRead[];
}

/** Variants of a strategy to run on the same bars. */
export interface EvaluateRequest {
  readonly data: SweepData;
  readonly variants: readonly { readonly index: number; readonly spec: StrategySpec }[];
  /**
   * Names the work so that it can be found again: the sweep's id (a walk-forward window's
   * own key). A cluster derives its job ids from it, so a sweep resumed after a restart
   * finds the batches it queued before; the local pool ignores it.
   */
  readonly key?: string;
  /**
   * Variants whose results the caller has already (a resumed sweep's stored ones): never
   * delivered again. They stay in `variants` so that a cluster cuts the same batches as
   * before (finding those that finished meanwhile); it skips the batches they fill.
   */
  readonly finished?: ReadonlySet<number>;
}

/** Runs many variants of a strategy on the same bars, returning only metrics (a worker pool in the app, or a cluster of agents). */
export interface VariantEvaluator {
  evaluate(request: EvaluateRequest, control?: EvaluateControl): Promise<EvaluateOutcome>;
  /** Where the variants run when not on this machine's workers: a cluster's address as shown (no credentials). */
  readonly runsOn?: string;
}

/** What a sweep optimizes and how. */
export interface SweepConfig {
  readonly source: SweepSource;
  readonly space: readonly ParamRange[];
  readonly constraints: readonly Constraint[];
  readonly method: SearchMethod;
  readonly objective: Objective;
}

export type SweepStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';

export interface SweepCounts {
  /** Variants the method planned to run (an upper bound for genetic search). */
  readonly planned: number;
  /** Variants run (with metrics or a per-variant error). */
  readonly done: number;
  readonly failed: number;
  /** Points dropped by a constraint, never run. */
  readonly rejected: number;
  /** Points whose spec was invalid (template bounds, validation errors), never run. */
  readonly invalid: number;
}

export interface NewSweep {
  readonly name: string;
  readonly config: SweepConfig;
  /** The instrument; a portfolio sweep's first (its universe in `universe`). */
  readonly instrumentId: InstrumentId;
  readonly symbol: string;
  /** A portfolio sweep's instruments (every variant runs them all with one account); absent for one instrument. */
  readonly universe?: RunUniverse;
  readonly timeframe: Timeframe;
  readonly fromTs: number | null;
  readonly toTs: number | null;
  readonly magnifier: boolean;
  readonly quantityStep: number | null;
  /** The cluster it runs on (its address as shown), or null for this machine's workers. */
  readonly runsOn: string | null;
}

export interface SweepSummary extends NewSweep {
  readonly id: string;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly status: SweepStatus;
  readonly counts: SweepCounts;
  readonly error: string | null;
}

export interface SweepVariant {
  readonly index: number;
  /** Genetic generation that proposed it (0 for grid and random). */
  readonly generation: number;
  readonly params: ParamValues;
  readonly metrics: BacktestMetrics | null;
  readonly error: string | null;
  /** The objective metric's value (null when undefined or failed). */
  readonly score: number | null;
  /** Met the minimum trade count. */
  readonly eligible: boolean;
  /** Set once the variant was opened as a full run. */
  readonly runId: string | null;
  /** A portfolio variant's run hash (equal to its run's when opened); absent for a one-instrument variant. */
  readonly hash?: string;
}

export interface SweepPage {
  readonly sweeps: readonly SweepSummary[];
  readonly total: number;
}

export interface VariantPage {
  /** Best first (eligible before not, then by objective, null scores last, ties by index). */
  readonly variants: readonly SweepVariant[];
  readonly total: number;
}

export interface PageQuery {
  /** Default 50. */
  readonly limit?: number;
  readonly offset?: number;
}

/** Persists sweeps and their variants. Ids are time-ordered, assigned on create. */
export interface SweepStore {
  create(sweep: NewSweep): SweepSummary;
  /** Appends variants (one transaction) and sets the sweep's counts. */
  addVariants(id: string, variants: readonly SweepVariant[], counts: SweepCounts): void;
  finish(id: string, status: Exclude<SweepStatus, 'running'>, counts: SweepCounts, error?: string | null): void;
  get(id: string): SweepSummary | null;
  /** Newest first. */
  list(query?: PageQuery): SweepPage;
  variants(id: string, query?: PageQuery): VariantPage;
  variant(id: string, index: number): SweepVariant | null;
  setVariantRun(id: string, index: number, runId: string): void;
  delete(id: string): boolean;
  /**
   * Sweeps still running on a cluster whose process is gone (an app or CLI that was
   * stopped or killed), now claimed by this process so that no other one resumes them too.
   */
  claimOrphanedClusterSweeps(): readonly SweepSummary[];
  /**
   * Marks every sweep still 'running' as 'interrupted' (finished at `at`), keeping its
   * variants: a previous process died running it. Call once at startup; returns how many.
   */
  interruptRunning(at: number): number;
  /**
   * Sets an interrupted or cancelled sweep running again (owned by this process) for a
   * resume, keeping its variants; null when it is in no such state (running, completed,
   * failed, or another caller reopened it first).
   */
  reopen(id: string): SweepSummary | null;
}
