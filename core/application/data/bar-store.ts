import type { BarColumns } from '../../domain/market/bars.js';
import type { InstrumentId } from '../../domain/market/ids.js';
import type { Instrument, InstrumentDraft } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';

export interface Gap {
  /** Open time of the last bar before the gap. */
  readonly afterTs: number;
  /** Open time of the first bar after the gap. */
  readonly beforeTs: number;
  /** Bars missing between the two; for a market that does not trade on weekends, only those of weekdays. */
  readonly missingBars: number;
}

export interface Coverage {
  readonly instrumentId: InstrumentId;
  readonly timeframe: Timeframe;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  readonly barCount: number;
  /** Holes in the data, weekend closures left out (below). */
  readonly gaps: readonly Gap[];
  /**
   * Holes shaped like the weekend closure of a market that does not trade on weekends
   * (domain/market/weekend-closures.ts); 0 for a series that trades on weekends, whose
   * weekend holes are gaps.
   */
  readonly weekendClosures: number;
  /**
   * Holes in the closed hours of an intraday series' sessions (nights, a daily break;
   * domain/market/session-closures.ts): the market closed, not data missing.
   */
  readonly sessionClosures: number;
}

export interface SeriesSummary {
  readonly instrument: Instrument;
  /** The instrument's tags (a universe can be every instrument with a tag), in alphabetical order. */
  readonly tags: readonly string[];
  readonly timeframe: Timeframe;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  readonly barCount: number;
  /** Holes of more than one missing bar, market closures left out (see Coverage). */
  readonly gapCount: number;
  readonly weekendClosures: number;
  readonly sessionClosures: number;
}

export interface MergeResult {
  readonly inserted: number;
  readonly replaced: number;
  readonly totalAfter: number;
}

/** A delete of stored bars not purged yet: the series it hides (and the instrument, when whole). */
export interface BarDeletion {
  readonly id: string;
  readonly instrument: Instrument;
  readonly timeframes: readonly Timeframe[];
  /** Every series of the instrument and the instrument itself. */
  readonly wholeInstrument: boolean;
  readonly deletedAt: number;
  /** When it became final (no undo any more; its bars are being removed); null while it can be undone. */
  readonly finalAt: number | null;
}

/**
 * One import's write into a series. Chunks are written as bars arrive, in short
 * transactions no reader sees; `commit` makes all of them visible at once (with the
 * instrument) in one short transaction. Until then the store reads as before, and a
 * `discard`, a failed commit or a killed process leaves it so.
 */
export interface StagedSeriesWrite {
  /**
   * Merges the next bars (sorted, validated, every one later than the bars added before)
   * into the staged series; bars at stored timestamps will replace them. Returns how many
   * of these bars are new and how many replace stored ones.
   */
  add(bars: BarColumns): { readonly inserted: number; readonly replaced: number };
  /**
   * Makes the staged bars visible and upserts `instrument` in one transaction. Refuses
   * (ConflictError, nothing visible) when the series changed since the write began.
   */
  commit(instrument: InstrumentDraft): MergeResult & { readonly instrument: Instrument };
  /** Drops what was staged. Safe after a failed add or commit; a no-op after a commit. */
  discard(): void;
}

/** Reads and writes bars and instruments. Times are epoch ms UTC; ranges are [fromTs, toTs). */
export interface BarStore {
  upsertInstrument(draft: InstrumentDraft): Instrument;
  findInstrument(symbol: string): Instrument | null;
  listInstruments(): Instrument[];
  /** Replaces an instrument's tags (trimmed, case-insensitive, duplicates dropped). */
  setInstrumentTags(instrumentId: InstrumentId, tags: readonly string[]): void;
  /** Instruments with this tag (case-insensitive), by symbol. */
  instrumentsTagged(tag: string): Instrument[];
  /** True once the store has held an instrument, even one deleted since: a first start has none. */
  everHeldInstruments(): boolean;
  /** Instruments with every stored timeframe and its coverage summary. */
  listSeries(): SeriesSummary[];
  /** A number that changes whenever the series' bars change (0 when it has none to read: never written, or deleted): a key for derived caches. */
  seriesVersion(instrumentId: InstrumentId, timeframe: Timeframe): number;
  /** Returns the bars in [fromTs, toTs) as fresh columnar arrays. */
  readBars(instrumentId: InstrumentId, timeframe: Timeframe, fromTs?: number, toTs?: number): BarColumns;
  /**
   * The open time from which `count` bars lie before `beforeTs` (with `bucketOf`, `count`
   * distinct buckets, from the first bucket's start); the earliest stored when there are
   * fewer; null when nothing is stored before `beforeTs`. Where an indicator's warm-up starts.
   */
  startOfBarsBefore(instrumentId: InstrumentId, timeframe: Timeframe, beforeTs: number, count: number, bucketOf?: (ts: number) => number): number | null;
  /** Yields the bars in [fromTs, toTs) one stored chunk at a time. */
  iterateChunks(instrumentId: InstrumentId, timeframe: Timeframe, fromTs?: number, toTs?: number): Iterable<BarColumns>;
  /**
   * Merges sorted, validated bars into the series in one transaction: bars at existing
   * timestamps replace them, the rest are inserted. All or nothing.
   */
  mergeBars(instrumentId: InstrumentId, timeframe: Timeframe, bars: BarColumns): MergeResult;
  /**
   * Starts an import's staged write into the series of `symbol` (which need not exist yet)
   * and `timeframe`. `tag` names it for its owner (see StagedSeriesWrite).
   */
  stageSeries(symbol: string, timeframe: Timeframe, tag?: string): StagedSeriesWrite;
  coverage(instrumentId: InstrumentId, timeframe: Timeframe, gapThresholdBars?: number): Coverage;
  /** Runs `fn` in one transaction (nested calls become savepoints): all of it or none. */
  transaction<T>(fn: () => T): T;
  /**
   * Hides the series (and the instrument, when `wholeInstrument`) from every read and
   * write, in one short write whatever their size: a delete that can still be undone.
   * ConflictError when one of them is hidden already.
   */
  hideSeries(deletion: Omit<BarDeletion, 'instrument'> & { readonly instrumentId: InstrumentId }): void;
  /** Brings a deletion's series back exactly as they were; false when there is none to bring back (final, purged, or unknown). */
  restoreDeletion(id: string): boolean;
  /** Makes a deletion final at `at` (no undo from then on); false when there is none. */
  finalizeDeletion(id: string, at: number): boolean;
  /**
   * Removes up to `maxChunks` stored chunks of a final deletion's series in one short write;
   * with none left, the deletion itself (and a whole instrument's row). Returns the chunks
   * left (0 for a deletion that is not final or not there).
   */
  purgeDeletion(id: string, maxChunks: number): number;
  /** Deletions not purged yet, oldest first. */
  listDeletions(): BarDeletion[];
}
