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

/** Reads and writes bars and instruments. Times are epoch ms UTC; ranges are [fromTs, toTs). */
export interface BarStore {
  upsertInstrument(draft: InstrumentDraft): Instrument;
  findInstrument(symbol: string): Instrument | null;
  listInstruments(): Instrument[];
  /** Replaces an instrument's tags (trimmed, case-insensitive, duplicates dropped). */
  setInstrumentTags(instrumentId: InstrumentId, tags: readonly string[]): void;
  /** Instruments with this tag (case-insensitive), by symbol. */
  instrumentsTagged(tag: string): Instrument[];
  /** Instruments with every stored timeframe and its coverage summary. */
  listSeries(): SeriesSummary[];
  /** A number that changes whenever the series' bars change (0 for one never written): a key for derived caches. */
  seriesVersion(instrumentId: InstrumentId, timeframe: Timeframe): number;
  /** Returns the bars in [fromTs, toTs) as fresh columnar arrays. */
  readBars(instrumentId: InstrumentId, timeframe: Timeframe, fromTs?: number, toTs?: number): BarColumns;
  /** Yields the bars in [fromTs, toTs) one stored chunk at a time. */
  iterateChunks(instrumentId: InstrumentId, timeframe: Timeframe, fromTs?: number, toTs?: number): Iterable<BarColumns>;
  /**
   * Merges sorted, validated bars into the series in one transaction: bars at existing
   * timestamps replace them, the rest are inserted. All or nothing.
   */
  mergeBars(instrumentId: InstrumentId, timeframe: Timeframe, bars: BarColumns): MergeResult;
  coverage(instrumentId: InstrumentId, timeframe: Timeframe, gapThresholdBars?: number): Coverage;
  /** Runs `fn` in one transaction (nested calls become savepoints): all of it or none. */
  transaction<T>(fn: () => T): T;
}
