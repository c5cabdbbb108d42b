import type { BarColumns } from '../market/bars.js';
import { BAR_FIELDS, type BarField } from '../market/bars.js';
import type { Timeframe } from '../market/timeframe.js';
import type { StrategySpec } from '../strategy/spec.js';
import { ENGINE_VERSION } from './backtest.js';
import type { EngineInstrument } from './types.js';

/**
 * A 64-bit FNV-1a-style hash, written by hand because core/domain may not import
 * node:crypto (or any package) and must give the same answer in every process. It is
 * for identifying runs, not for security. Bar arrays are consumed as 32-bit words
 * (a quarter of the multiplies of byte-wise FNV: ~25 MB of bars hash in tens of ms);
 * typed arrays are little-endian on every platform the app ships on. The 64-bit state
 * is kept as two uint32 halves; the FNV prime 2^40 + 0x1b3 makes the multiply two
 * small products and a shift.
 */
class Fnv64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  word(w: number): void {
    const lo = (this.lo ^ w) >>> 0;
    const a = lo * 0x1b3;
    const carry = Math.floor(a / 0x1_0000_0000);
    this.lo = a >>> 0;
    this.hi = (this.hi * 0x1b3 + ((lo << 8) >>> 0) + carry) >>> 0;
  }

  /**
   * word() over an array with the state in locals, on int32 arithmetic: the low half of
   * lo * 0x1b3 via Math.imul, its carry (< 2^9) from the exact double product scaled by
   * 2^-32 (exact) and truncated; the high half modulo 2^32 via Math.imul. The same
   * numbers as word() (checked by a test), about 5x faster on a year of 1-minute bars.
   */
  words(a: Uint32Array): void {
    let hi = this.hi;
    let lo = this.lo;
    const n = a.length;
    for (let i = 0; i < n; i++) {
      const x = (lo ^ a[i]!) >>> 0;
      const carry = (x * 0x1b3 * 2.3283064365386963e-10) | 0;
      lo = Math.imul(x, 0x1b3) >>> 0;
      hi = (Math.imul(hi, 0x1b3) + (x << 8) + carry) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  string(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    this.word(0xffffffff);
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

/** JSON with object keys sorted at every level, so equal specs serialise equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

export interface RunHashInput {
  readonly spec: StrategySpec;
  readonly instrument: EngineInstrument;
  readonly timeframe: Timeframe;
  readonly bars: BarColumns;
  readonly magnifierBars?: BarColumns;
  readonly magnifier?: boolean;
  /** Leading bars of `bars` that are warm-up only (BacktestConfig.warmUpBars); 0 (the default) leaves the hash as it was. */
  readonly warmUpBars?: number;
}

/**
 * Returns a 16-hex-digit hash of everything a run's outputs depend on: ENGINE_VERSION,
 * the canonical spec, instrument, timeframe, magnifier switch, warm-up count and every
 * byte of the bars (warm-up bars included) and magnifier bars. Equal hashes mean the run reproduces bit for bit.
 */
export function hashRunInputs(input: RunHashInput): string {
  const { bars, magnifierBars, ...rest } = input;
  return hashRunInputsByColumn(rest, wholeColumns(bars), magnifierBars && input.magnifier !== false ? wholeColumns(magnifierBars) : null);
}

/** A series as the run hash reads it: its bar count, then each column in order, in any number of pieces. */
export interface HashedColumns {
  readonly count: number;
  column(field: BarField): Iterable<Float64Array>;
}

/**
 * hashRunInputs over bars read column by column (each column a pass over the series, in
 * pieces): the same hash without the whole series in memory, for a run streamed window
 * by window. The hash chains the columns one after the other, so it cannot be taken in
 * the run's own single pass.
 */
export function hashRunInputsByColumn(input: Omit<RunHashInput, 'bars' | 'magnifierBars'>, bars: HashedColumns, magnifierBars: HashedColumns | null): string {
  const h = new Fnv64();
  h.string(ENGINE_VERSION);
  h.string(
    canonicalJson({
      spec: hashedSpec(input.spec),
      instrument: { priceTick: input.instrument.priceTick, quantityStep: input.instrument.quantityStep },
      timeframe: input.timeframe,
      magnifier: input.magnifier !== false,
      // Only when there are warm-up bars, so runs without any hash as before.
      warmUpBars: input.warmUpBars ? input.warmUpBars : undefined,
    }),
  );
  hashColumns(h, bars);
  if (magnifierBars && input.magnifier !== false) hashColumns(h, magnifierBars);
  return h.hex();
}

function wholeColumns(bars: BarColumns): HashedColumns {
  return { count: bars.ts.length, column: (field) => [bars[field]] };
}

/**
 * The spec as a run's hash takes it: what the engine reads, in the form hashes were first
 * taken in (spec version 1). A spec's parameters only name numbers that sit in their
 * fields already, and a later format version that changes no number the engine reads
 * changes nothing a run computes, so neither moves the hash: a run of a spec without
 * parameters hashes as it did before version 2, and naming a number changes no run.
 */
function hashedSpec(spec: StrategySpec): unknown {
  const { parameters: _names, ...read } = spec;
  return { ...read, version: 1 };
}

function hashColumns(h: Fnv64, bars: HashedColumns): void {
  h.word(bars.count >>> 0);
  for (const field of BAR_FIELDS) {
    for (const a of bars.column(field)) h.words(new Uint32Array(a.buffer, a.byteOffset, a.length * 2));
  }
}

/**
 * Hashes one series as its bars stream in, whatever the chunks: one FNV state per column
 * (each column's words in order, as hashColumns reads them), so a run read window by window
 * hashes as the same bars read whole.
 */
export class SeriesHasher {
  private readonly columns = BAR_FIELDS.map(() => new Fnv64());
  private count = 0;

  add(bars: BarColumns): void {
    const n = bars.ts.length;
    if (n === 0) return;
    this.count += n;
    BAR_FIELDS.forEach((field, f) => {
      const a = bars[field];
      this.columns[f]!.words(new Uint32Array(a.buffer, a.byteOffset, n * 2));
    });
  }

  /** 16 hex digits over the bar count and every column's state. */
  hex(): string {
    const h = new Fnv64();
    h.word(this.count >>> 0);
    for (const column of this.columns) h.string(column.hex());
    return h.hex();
  }
}

/** One instrument of a portfolio run, as its hash sees it. */
export interface PortfolioHashMember {
  readonly symbol: string;
  readonly instrument: EngineInstrument;
  readonly warmUpBars: number;
  /** SeriesHasher.hex() of its bars (warm-up included) and of its 1-minute bars when the magnifier used them. */
  readonly bars: string;
  readonly magnifierBars?: string;
}

/**
 * Returns the 16-hex-digit hash of a portfolio run's inputs: ENGINE_VERSION, the canonical
 * spec, timeframe and magnifier switch, and every member (symbol, tick, step, warm-up)
 * with the hashes of every series it read. Members are taken in symbol order (the
 * engine's), so the order a universe was given in does not change it.
 */
export function hashPortfolioInputs(input: { readonly spec: StrategySpec; readonly timeframe: Timeframe; readonly magnifier: boolean; readonly members: readonly PortfolioHashMember[] }): string {
  const members = [...input.members].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const h = new Fnv64();
  h.string(ENGINE_VERSION);
  h.string(
    canonicalJson({
      portfolio: true,
      spec: input.spec,
      timeframe: input.timeframe,
      magnifier: input.magnifier,
      members: members.map((m) => ({
        symbol: m.symbol,
        priceTick: m.instrument.priceTick,
        quantityStep: m.instrument.quantityStep,
        warmUpBars: m.warmUpBars,
        bars: m.bars,
        magnifierBars: m.magnifierBars,
      })),
    }),
  );
  return h.hex();
}
