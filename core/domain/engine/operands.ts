import { DomainError } from '../errors.js';
import { allocateBars, type BarColumns } from '../market/bars.js';
import { bucketStart, timeframeMs, type Timeframe } from '../market/timeframe.js';
import { createSeriesKernel, type SeriesKernel } from '../indicators/compute.js';
import { findOutput, findVariable, withDefaults } from '../strategy/catalog.js';
import type { VariableOperand } from '../strategy/spec.js';

/** The position-state variables the engine computes inside its loop, by slot. */
export const POSITION_VARIABLES = ['unrealizedPnlPct', 'barsInTrade', 'entryPrice'] as const;
export type PositionVariable = (typeof POSITION_VARIABLES)[number];

/**
 * A canonical key of an operand: variable, resolved params (catalog defaults filled in,
 * sorted), output id and timeframe (omitted when it is the run's timeframe). Two operands
 * with the same key are the same series; `BacktestConfig.series` is keyed by it.
 */
export function operandKey(operand: VariableOperand, runTimeframe?: Timeframe): string {
  const def = findVariable(operand.variable);
  if (!def) throw new DomainError(`Unknown variable "${operand.variable}"`);
  const out = findOutput(def, operand.output);
  if (!out) throw new DomainError(`Variable "${operand.variable}" has no output "${operand.output}"`);
  const params = withDefaults(def, operand.params);
  const sorted = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join(',');
  const tf = operand.timeframe !== undefined && operand.timeframe !== runTimeframe ? `@${operand.timeframe}` : '';
  return `${operand.variable}(${sorted}).${out.id}${tf}`;
}

/**
 * The values of one operand for the current block of bars: bar i of the chunk (within
 * the block) is values[offset + i].
 */
export interface ChunkValues {
  values: Float64Array;
  offset: number;
}

/**
 * Produces an operand's values block by block (a few thousand bars at a time, so the
 * buffers stay small and in cache and memory does not grow with history); the
 * indicator state carries across blocks and chunks.
 */
export interface SeriesSource {
  readonly current: ChunkValues;
  /** Computes the values of chunk bars [from, to) of `bars`; the chunk starts at bar globalStart of the run. */
  advance(bars: BarColumns, from: number, to: number, globalStart: number): void;
}

/** A streaming kernel on the run's own timeframe. */
class KernelSource implements SeriesSource {
  readonly current: ChunkValues = { values: new Float64Array(0), offset: 0 };
  constructor(private readonly kernel: SeriesKernel) {}

  advance(bars: BarColumns, from: number, to: number): void {
    if (this.current.values.length < to - from) this.current.values = new Float64Array(to - from);
    this.kernel.fill(bars, from, to, this.current.values, 0);
    this.current.offset = -from;
  }
}

/** A whole-run series computed elsewhere (a cache): chunks are views into it. */
class PrecomputedSource implements SeriesSource {
  readonly current: ChunkValues;
  constructor(private readonly key: string, series: Float64Array) {
    this.current = { values: series, offset: 0 };
  }

  advance(_bars: BarColumns, _from: number, to: number, globalStart: number): void {
    if (globalStart + to > this.current.values.length) {
      throw new DomainError(`Precomputed series ${this.key} has ${this.current.values.length} values; the run needs ${globalStart + to}`);
    }
    this.current.offset = globalStart;
  }
}

/**
 * A variable on a higher timeframe. Base bars are aggregated into UTC-aligned buckets
 * as they stream in (the same buckets as `resampleBars`); a bucket is fed to the kernel
 * once it is complete: when a base bar's close time reaches the bucket's end, or when a
 * bar of a later bucket arrives (a gap). Each base bar then sees the value of the last
 * completed bucket only, so an HTF bar is never visible before its end time. Streaming
 * rather than resampling the whole array keeps chunked and whole runs identical; a test
 * checks the values against resampleBars + computeSeries.
 */
class HigherTimeframeSource implements SeriesSource {
  readonly current: ChunkValues = { values: new Float64Array(0), offset: 0 };
  private readonly bucket: BarColumns = allocateBars(1);
  private bucketTs = Number.NaN;
  private bucketFed = true;
  private visible = Number.NaN;
  private readonly baseMs: number;
  private readonly htfMs: number;

  constructor(
    private readonly kernel: SeriesKernel,
    baseTf: Timeframe,
    private readonly htf: Timeframe,
  ) {
    this.baseMs = timeframeMs(baseTf);
    this.htfMs = timeframeMs(htf);
  }

  advance(bars: BarColumns, from: number, to: number): void {
    if (this.current.values.length < to - from) this.current.values = new Float64Array(to - from);
    this.current.offset = -from;
    const out = this.current.values;
    const b = this.bucket;
    for (let i = from; i < to; i++) {
      const ts = bars.ts[i]!;
      const start = bucketStart(ts, this.htf);
      if (start !== this.bucketTs) {
        if (!this.bucketFed) this.feed();
        this.bucketTs = start;
        this.bucketFed = false;
        b.ts[0] = start;
        b.open[0] = bars.open[i]!;
        b.high[0] = bars.high[i]!;
        b.low[0] = bars.low[i]!;
        b.volume[0] = bars.volume[i]!;
      } else {
        if (bars.high[i]! > b.high[0]!) b.high[0] = bars.high[i]!;
        if (bars.low[i]! < b.low[0]!) b.low[0] = bars.low[i]!;
        b.volume[0] = b.volume[0]! + bars.volume[i]!;
      }
      b.close[0] = bars.close[i]!;
      if (ts + this.baseMs >= start + this.htfMs) this.feed();
      out[i - from] = this.visible;
    }
  }

  private feed(): void {
    this.visible = this.kernel.update(this.bucket, 0);
    this.bucketFed = true;
  }
}

/** Builds the source of a non-position variable operand. */
export function createSeriesSource(
  operand: VariableOperand,
  runTimeframe: Timeframe,
  precomputed: ReadonlyMap<string, Float64Array> | undefined,
): SeriesSource {
  const key = operandKey(operand, runTimeframe);
  const cached = precomputed?.get(key);
  if (cached) return new PrecomputedSource(key, cached);
  const kernel = createSeriesKernel(operand.variable, operand.params ?? {}, operand.output);
  const tf = operand.timeframe;
  if (tf === undefined || tf === runTimeframe) return new KernelSource(kernel);
  if (timeframeMs(tf) < timeframeMs(runTimeframe)) {
    throw new DomainError(`Operand ${key} asks for timeframe ${tf}, lower than the run's ${runTimeframe}`);
  }
  return new HigherTimeframeSource(kernel, runTimeframe, tf);
}

/** True for the variables the engine computes itself (unrealized PnL %, bars in trade, entry price). */
export function isPositionVariable(variable: string): variable is PositionVariable {
  return findVariable(variable)?.kind === 'position';
}
