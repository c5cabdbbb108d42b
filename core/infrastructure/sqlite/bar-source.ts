import type { Connection } from './database.js';
import { openReadOnly } from './database.js';
import { SqliteBarStore } from './bar-store.js';
import { NotFoundError, ValidationError } from '../../application/errors.js';
import { barBytes, lowerBound, rangeOf, type BarColumns } from '../../domain/market/bars.js';
import type { InstrumentId } from '../../domain/market/ids.js';
import type { Instrument } from '../../domain/market/instrument.js';
import { resampleBars } from '../../domain/market/resample.js';
import { bucketCeil, bucketStart, type Timeframe } from '../../domain/market/timeframe.js';
import { ByteLruCache, type CacheStats } from '../../application/backtest/byte-lru-cache.js';
import type { LoadedSeries, PortfolioBarFeed, PortfolioSeriesRequest, RunBarSource, RunSeriesRequest } from '../../application/backtest/execute-run.js';
import { sharedBarsAllocator } from './chunk-codec.js';
import { StoredPortfolioFeed } from './portfolio-feed.js';
import { FileColumnScratch } from '../backtest/file-column-scratch.js';

/** A series of one database file (RunSeriesRequest names the series, the range and the warm-up). */
export interface SeriesRequest extends RunSeriesRequest {
  readonly dbFile: string;
}

export type { LoadedSeries } from '../../application/backtest/execute-run.js';

/** A stored bar set one thread read into shared memory, offered to the others under its cache key. */
export interface PeerBars {
  readonly key: string;
  /** The stored series version it is a range of (seriesKey), and that range. */
  readonly series: string;
  readonly fromTs: number | undefined;
  readonly toTs: number | undefined;
  readonly bars: BarColumns;
}

/**
 * The other threads of a pool reading the same bars (a sweep's workers): what one reads
 * goes into shared memory and is offered; the others take it instead of reading their
 * own copy (48 bytes a bar each: ~126 MB a worker over five years of minutes).
 */
export interface BarPeers {
  publish(offer: PeerBars): void;
  /** The offers made since the last call, oldest first. */
  receive(): PeerBars[];
}

/** BarSource's cache figures, with the bar sets taken from peers instead of read. */
export interface BarSourceStats extends CacheStats {
  readonly adopted: number;
}

interface OpenFile {
  readonly db: Connection;
  readonly store: SqliteBarStore;
}

/**
 * Reads bars for a worker through its own read-only connection per database file, and
 * keeps recently used bar sets in a byte-bounded LRU cache. Cache keys carry the
 * series' change counter (series_versions, bumped by triggers on every chunk write),
 * so a re-import makes the old entry unreachable instead of serving stale bars.
 * Cached arrays are shared by later runs: callers must treat them as read-only and
 * never transfer them.
 */
export class BarSource {
  private readonly files = new Map<string, OpenFile>();
  private readonly streaming = new Map<string, OpenFile>();
  private readonly cache: ByteLruCache<BarColumns>;
  /** The ranges read of each stored series version, to serve a range inside one as views of it. */
  private readonly readRanges = new Map<string, StoredRange[]>();
  private adopted = 0;

  /** `peers`: stored reads go into shared memory for them, and theirs are taken on a miss. */
  constructor(
    cacheBytes: number,
    private readonly peers: BarPeers | null = null,
  ) {
    this.cache = new ByteLruCache(cacheBytes);
  }

  /** The bars of one database file, for the run use case. */
  forFile(dbFile: string): RunBarSource {
    return {
      series: (request) => this.series({ ...request, dbFile }),
      minuteBarsFor: (request) => this.minuteBarsFor({ ...request, dbFile }),
      portfolio: (request) => this.portfolio(dbFile, request),
      barsToRead: (request, magnifier) => this.barsToRead(dbFile, request, magnifier),
      scratch: (columns) => new FileColumnScratch(columns),
    };
  }

  /**
   * A portfolio's bars window by window from this file, read past the cache: a run holds
   * one window of every instrument at a time, so memory stays flat whatever its length.
   */
  portfolio(dbFile: string, request: PortfolioSeriesRequest): PortfolioBarFeed {
    const { db, store } = this.openStreaming(dbFile);
    return new StoredPortfolioFeed(db, store, dbFile, request);
  }

  /** The stored bars a whole read of `request` touches (its series or 1m bars, the magnifier's 1m bars), counted from the chunk index. */
  private barsToRead(dbFile: string, request: RunSeriesRequest, magnifier: boolean): number {
    const { db, store } = this.openStreaming(dbFile);
    return new StoredPortfolioFeed(db, store, dbFile, { ...request, instruments: [request.instrument], warmUpBars: 0, magnifier }).barsRead;
  }

  /** Finds an instrument by id or symbol. */
  instrument(dbFile: string, ref: { instrumentId?: InstrumentId | undefined; symbol?: string | undefined }): Instrument {
    const { store } = this.open(dbFile);
    if (ref.symbol !== undefined) {
      const found = store.findInstrument(ref.symbol);
      if (!found) throw new NotFoundError(`No instrument with symbol "${ref.symbol}"`);
      return found;
    }
    if (ref.instrumentId === undefined) throw new ValidationError('A backtest job needs an instrumentId or a symbol');
    const found = store.listInstruments().find((i) => i.id === ref.instrumentId);
    if (!found) throw new NotFoundError(`No instrument with id ${ref.instrumentId}`);
    return found;
  }

  /**
   * Returns the bars of a series: the stored series of that timeframe when there is one,
   * else (above 1m) the 1m bars resampled. Resampled bars are whole buckets whose open
   * time lies in [fromTs, toTs), like a stored series read over the same range.
   */
  series(requested: SeriesRequest): LoadedSeries {
    const { db, store } = this.open(requested.dbFile);
    const { instrument, timeframe } = requested;
    // One read transaction: the version, the warm-up's start and the bars come from the same snapshot.
    return db.transaction((): LoadedSeries => {
      const storedVersion = this.version(db, instrument.id, timeframe);
      const request = this.withWarmUp(store, requested, storedVersion !== null || timeframe === '1m');
      const loaded = this.read(db, store, request, storedVersion);
      const warmUpBars = request === requested ? 0 : lowerBound(loaded.bars.ts, requested.fromTs!);
      return { ...loaded, warmUpBars };
    })();
  }

  /**
   * The request moved back to the start of its warm-up: `warmUpBars` stored bars (whole
   * buckets when resampled from 1m) before fromTs, or as many as there are. The same
   * request when there is no warm-up to read.
   */
  private withWarmUp(store: SqliteBarStore, request: SeriesRequest, stored: boolean): SeriesRequest {
    const count = request.warmUpBars ?? 0;
    if (!(count > 0) || request.fromTs === undefined) return request;
    const { instrument, timeframe, fromTs } = request;
    const start = stored
      ? store.startOfBarsBefore(instrument.id, timeframe, fromTs, count)
      : store.startOfBarsBefore(instrument.id, '1m', bucketCeil(fromTs, timeframe), count, (ts) => bucketStart(ts, timeframe));
    return start === null || start >= fromTs ? request : { ...request, fromTs: start };
  }

  private read(db: Connection, store: SqliteBarStore, request: SeriesRequest, storedVersion: number | null): Omit<LoadedSeries, 'warmUpBars'> {
    const { instrument, timeframe } = request;
    if (storedVersion !== null || timeframe === '1m') {
      const version = storedVersion ?? 0;
      const key = cacheKey(request, timeframe, 'stored', version);
      const cached = () => this.cache.get(key, false) ?? this.insideCachedRange(request, version);
      let hit = cached();
      if (!hit && this.peers && this.adoptFromPeers() > 0) hit = cached();
      this.cache.count(hit !== undefined);
      if (hit) return { bars: hit, origin: 'stored', fromCache: true, key };
      const bars = store.readBars(instrument.id, timeframe, request.fromTs, request.toTs, this.peers ? sharedBarsAllocator : undefined);
      this.cache.set(key, bars, barBytes(bars));
      this.rememberRange(request, version, key);
      this.peers?.publish({ key, series: seriesKey(request, version), fromTs: request.fromTs, toTs: request.toTs, bars });
      return { bars, origin: 'stored', fromCache: false, key };
    }
    const key = cacheKey(request, timeframe, 'resampled', this.version(db, instrument.id, '1m') ?? 0);
    const hit = this.cache.get(key);
    if (hit) return { bars: hit, origin: 'resampled', fromCache: true, key };
    const from = request.fromTs === undefined ? undefined : bucketCeil(request.fromTs, timeframe);
    const to = request.toTs === undefined ? undefined : bucketCeil(request.toTs, timeframe);
    const minutes = store.readBars(instrument.id, '1m', from, to);
    const { bars } = resampleBars(minutes, '1m', timeframe);
    this.cache.set(key, bars, barBytes(bars));
    return { bars, origin: 'resampled', fromCache: false, key };
  }

  /** Returns the stored 1m bars covering the same whole buckets as `series(request)`, or null when there are none. */
  minuteBarsFor(request: SeriesRequest): BarColumns | null {
    if (request.timeframe === '1m') return null;
    const fromTs = request.fromTs === undefined ? undefined : bucketCeil(request.fromTs, request.timeframe);
    const toTs = request.toTs === undefined ? undefined : bucketCeil(request.toTs, request.timeframe);
    const { bars } = this.series({ ...request, timeframe: '1m', fromTs, toTs, warmUpBars: 0 });
    return bars.ts.length === 0 ? null : bars;
  }

  stats(): BarSourceStats {
    return { ...this.cache.stats(), adopted: this.adopted };
  }

  /**
   * Takes the bar sets the peers offered into the cache (each is the same stored version
   * and range its key names, so it serves exactly what a read here would return); returns
   * how many. Cheap when none are waiting.
   */
  adoptFromPeers(): number {
    if (!this.peers) return 0;
    let taken = 0;
    for (const offer of this.peers.receive()) {
      if (this.cache.get(offer.key, false)) continue;
      this.cache.set(offer.key, offer.bars, barBytes(offer.bars));
      this.addRange(offer.series, { fromTs: offer.fromTs, toTs: offer.toTs, key: offer.key });
      taken++;
    }
    this.adopted += taken;
    return taken;
  }

  close(): void {
    for (const { db } of [...this.files.values(), ...this.streaming.values()]) db.close();
    this.files.clear();
    this.streaming.clear();
    this.cache.clear();
    this.readRanges.clear();
  }

  /**
   * The bars of `request` as views into a cached read of the same stored series version
   * whose range covers it, or undefined. A trader moving the start of a run by a day
   * would otherwise re-read the year from SQLite (11-15 ms, more while the UI draws); the
   * views cost a binary search and share the cached memory.
   */
  private insideCachedRange(request: SeriesRequest, version: number): BarColumns | undefined {
    const ranges = this.readRanges.get(seriesKey(request, version));
    if (!ranges) return undefined;
    for (const range of [...ranges]) {
      const covers = (range.fromTs === undefined || (request.fromTs !== undefined && range.fromTs <= request.fromTs)) &&
        (range.toTs === undefined || (request.toTs !== undefined && range.toTs >= request.toTs));
      if (!covers) continue;
      const bars = this.cache.get(range.key, false);
      if (!bars) {
        ranges.splice(ranges.indexOf(range), 1); // evicted
        continue;
      }
      return rangeOf(bars, request.fromTs ?? -Infinity, request.toTs ?? Infinity);
    }
    return undefined;
  }

  private rememberRange(request: SeriesRequest, version: number, key: string): void {
    this.addRange(seriesKey(request, version), { fromTs: request.fromTs, toTs: request.toTs, key });
  }

  private addRange(series: string, range: StoredRange): void {
    const ranges = this.readRanges.get(series) ?? [];
    ranges.push(range);
    // Older ranges are mostly evicted by then; the lookups drop those they meet.
    if (ranges.length > MAX_RANGES_PER_SERIES) ranges.shift();
    this.readRanges.set(series, ranges);
  }

  /**
   * The file's connection for reads streamed past the cache (a portfolio's windows): its
   * own, without mmap, so the hundreds of MB a run reads once do not stay mapped into the
   * worker's memory (the single runs' connection keeps mmap: faster, and what it reads is
   * cached anyway). Costs ~0.1 s per ten years of minutes (bench/portfolio.ts).
   */
  private openStreaming(dbFile: string): OpenFile {
    let file = this.streaming.get(dbFile);
    if (!file) {
      const db = openReadOnly(dbFile, { mmap: false });
      file = { db, store: new SqliteBarStore(db) };
      this.streaming.set(dbFile, file);
    }
    return file;
  }

  private open(dbFile: string): OpenFile {
    let file = this.files.get(dbFile);
    if (!file) {
      const db = openReadOnly(dbFile);
      file = { db, store: new SqliteBarStore(db) };
      this.files.set(dbFile, file);
    }
    return file;
  }

  /** The series' change counter, or null when the series has no stored bars. */
  private version(db: Connection, id: InstrumentId, timeframe: Timeframe): number | null {
    // A series a delete hides has none (the delete may be undone: then its version moves on).
    const exists = db
      .prepare('SELECT 1 FROM bar_chunks WHERE instrument_id = ? AND timeframe = ? AND NOT EXISTS (SELECT 1 FROM bar_deletions WHERE instrument_id = ? AND timeframe = ?) LIMIT 1')
      .get(id, timeframe, id, timeframe);
    if (!exists) return null;
    const row = db.prepare('SELECT version FROM series_versions WHERE instrument_id = ? AND timeframe = ?').get(id, timeframe) as
      | { version: number }
      | undefined;
    return row?.version ?? 0;
  }
}

interface StoredRange {
  readonly fromTs: number | undefined;
  readonly toTs: number | undefined;
  /** Its entry in the bar cache. */
  readonly key: string;
}

const MAX_RANGES_PER_SERIES = 16;

/** One version of one stored series in one file (the request's own timeframe). */
function seriesKey(request: SeriesRequest, version: number): string {
  return [request.dbFile, request.instrument.id, request.timeframe, version].join('|');
}

function cacheKey(request: SeriesRequest, timeframe: Timeframe, origin: string, version: number): string {
  return [request.dbFile, request.instrument.id, timeframe, origin, request.fromTs ?? '', request.toTs ?? '', version].join('|');
}


/** The first bucket boundary at or after `ts`. */
