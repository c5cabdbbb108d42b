import type { BarColumns } from '../../domain/market/bars.js';
import { timeframeMs, type Timeframe } from '../../domain/market/timeframe.js';
import { CancelledError, ConflictError, ImportRejectedError, MarketDataError } from '../errors.js';
import { importBars, type ImportBarsOptions } from './import-bars.js';
import type { BarStore } from './bar-store.js';
import { PendingBars, SliceSource } from './candle-slices.js';
import { planDownload, type Span } from './download-plan.js';
import type { MarketDataSource, MarketFacts } from './market-data-source.js';
import { Retrier, type RetryControl } from './retrier.js';

export { DEFAULT_RETRY, type RetryPolicy } from './retrier.js';

/** What to download: a market's candles of one timeframe over a range, into an instrument. */
export interface DownloadRequest {
  /** The exchange's id ('binance', 'upbit'). */
  readonly exchange: string;
  /** The market as BASE/QUOTE ('BTC/USDT'). */
  readonly market: string;
  readonly timeframe: Timeframe;
  /** Open time of the first candle wanted, epoch ms UTC. */
  readonly fromTs: number;
  /** End of the range (exclusive); default: now. Candles still forming are never stored. */
  readonly toTs?: number;
  /** The instrument to store into (default: the market's name, 'BTC/USDT'). */
  readonly symbol?: string;
  /**
   * Fetch every candle of the range, also where bars are stored (they are replaced): fills
   * a gap. Without it only what lies before the first or after the last stored bar is fetched.
   */
  readonly wholeRange?: boolean;
}

/**
 * Bars per committed slice. A cancelled or failed download keeps whole committed slices
 * (each is one import through the importer: validated, all or nothing) and drops nothing
 * it has fetched: the pages in hand are committed as a last slice before it stops.
 */
export const SLICE_BARS = 20_000;

export interface DownloadProgress {
  /** Milliseconds of the planned spans covered so far, and in all. */
  readonly doneMs: number;
  readonly totalMs: number;
  readonly barsFetched: number;
  /** Bars committed to the store so far. */
  readonly barsStored: number;
  readonly requests: number;
  readonly retries: number;
  /** Open time of the newest candle fetched so far. */
  readonly reachedTs: number | null;
  /** Time left at the pace so far, or null before there is a pace. */
  readonly etaMs: number | null;
  /** A passing condition worth telling (waiting after a rate-limit answer). */
  readonly note?: string;
}

export interface DownloadControl extends RetryControl {
  /** Wall clock, epoch ms UTC: which candles are closed, the default end, durations. */
  now(): number;
  onProgress?(progress: DownloadProgress): void;
  /** Bars per committed slice (default SLICE_BARS). */
  readonly sliceBars?: number;
}

export interface DownloadReport {
  readonly symbol: string;
  readonly exchange: string;
  readonly venue: string;
  readonly market: string;
  readonly timeframe: Timeframe;
  /** The range asked for, on the timeframe's grid, closed candles only. */
  readonly fromTs: number;
  readonly toTs: number;
  /** The spans fetched. */
  readonly fetched: readonly Span[];
  /** The stored span inside the range that was not fetched again (a resumed download), or null. */
  readonly alreadyStored: Span | null;
  readonly barsWritten: { readonly inserted: number; readonly replaced: number };
  /** Open times of the first and last bar downloaded, null when there was nothing new. */
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  /** Set when the exchange had nothing newer than this before the range's end. */
  readonly dataEndsTs: number | null;
  readonly requests: number;
  readonly retries: number;
  readonly slices: number;
  /** The instrument's steps after the download (null only when the exchange gave none and nothing is stored). */
  readonly priceTick: number | null;
  readonly quantityStep: number | null;
  readonly quoteCurrency: string;
  readonly durationMs: number;
}

const iso = (ts: number): string => new Date(ts).toISOString().replace(':00.000Z', 'Z');
const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Downloads candles from an exchange into the store: pages forward from the start of each
 * planned span (resume and update come from the plan, see planDownload), each request
 * paced by the exchange library's rate limiter, passing failures retried with backoff.
 * Bars are written through the importer (validation, chunks, coverage) in slices of
 * SLICE_BARS, each committed on its own, so a download that is cancelled or fails keeps
 * whole committed slices and says what was stored.
 */
export async function downloadBars(store: BarStore, source: MarketDataSource, request: DownloadRequest, control: DownloadControl): Promise<DownloadReport> {
  const startedAt = control.now();
  const facts = await new Retrier(control, source.exchange).run(() => source.describeMarket(request.market, request.timeframe));
  const symbol = request.symbol ?? facts.market;
  const known = store.findInstrument(symbol);
  if (known?.source && (known.source.exchange !== facts.exchange || known.source.market !== facts.market)) {
    throw new ConflictError(
      `${symbol} holds bars downloaded from ${known.source.exchange} ${known.source.market}; store ${facts.exchange}'s ${facts.market} under another name`,
      { symbol, source: known.source },
    );
  }
  const coverage = known ? store.coverage(known.id, request.timeframe) : null;
  const plan = planDownload({
    timeframe: request.timeframe,
    fromTs: request.fromTs,
    toTs: request.toTs,
    now: control.now(),
    stored: coverage && coverage.firstTs !== null && coverage.lastTs !== null ? { firstTs: coverage.firstTs, lastTs: coverage.lastTs } : null,
    wholeRange: request.wholeRange === true,
  });
  const run = new DownloadRun(store, source, facts, symbol, request.timeframe, control, startedAt, plan.fetch);
  await run.fetchAll();
  return {
    symbol,
    exchange: facts.exchange,
    venue: facts.venue,
    market: facts.market,
    timeframe: request.timeframe,
    fromTs: plan.range.fromTs,
    toTs: plan.range.toTs,
    fetched: plan.fetch,
    alreadyStored: plan.alreadyStored,
    barsWritten: { inserted: run.inserted, replaced: run.replaced },
    firstTs: run.storedFirst,
    lastTs: run.storedLast,
    dataEndsTs: run.dataEndsTs,
    requests: run.retrier.requests,
    retries: run.retrier.retries,
    slices: run.slices,
    ...run.instrumentFacts(),
    durationMs: control.now() - startedAt,
  };
}

/** One download: pages through the planned spans and commits slices. */
class DownloadRun {
  readonly retrier: Retrier;
  private readonly pending = new PendingBars();
  private readonly step: number;
  private readonly totalMs: number;
  private readonly sliceBars: number;
  private doneMs = 0;
  private barsFetched = 0;
  private reachedTs: number | null = null;
  inserted = 0;
  replaced = 0;
  slices = 0;
  storedFirst: number | null = null;
  storedLast: number | null = null;
  dataEndsTs: number | null = null;
  /** The slice being committed, to name a refused candle by its time. */
  private committing: BarColumns | null = null;

  constructor(
    private readonly store: BarStore,
    private readonly source: MarketDataSource,
    private readonly facts: MarketFacts,
    private readonly symbol: string,
    private readonly timeframe: Timeframe,
    private readonly control: DownloadControl,
    private readonly startedAt: number,
    private readonly spans: readonly Span[],
  ) {
    this.step = timeframeMs(timeframe);
    this.totalMs = spans.reduce((sum, span) => sum + (span.toTs - span.fromTs), 0);
    this.sliceBars = control.sliceBars ?? SLICE_BARS;
    this.retrier = new Retrier(control, facts.exchange, () => this.report());
  }

  /** Fetches every span; on cancel or failure commits what is in hand and rethrows with what was stored. */
  async fetchAll(): Promise<void> {
    try {
      for (const span of this.spans) await this.fetchSpan(span);
      this.commit();
      this.report();
    } catch (error) {
      if (error instanceof ImportRejectedError) throw this.refusedSlice(error);
      try {
        this.commit();
      } catch (commitError) {
        if (commitError instanceof ImportRejectedError) throw this.refusedSlice(commitError);
        throw commitError;
      }
      const kept = this.keptText();
      if (error instanceof CancelledError) throw new CancelledError(`Download cancelled. ${kept}`, this.keptDetails());
      if (error instanceof MarketDataError) throw new MarketDataError(`${error.message}. ${kept}`, { ...(error.details as object), ...this.keptDetails() });
      throw error;
    }
  }

  private async fetchSpan(span: Span): Promise<void> {
    const { market } = this.facts;
    const limit = this.facts.pageLimit;
    let since = span.fromTs;
    let newest: number | null | undefined;
    const doneBefore = this.doneMs;
    while (since < span.toTs) {
      const page = await this.retrier.run(() => this.source.fetchCandles(market, this.timeframe, since, limit));
      // Keep what the exchange sent for this span, in order: it may send older candles, or newer ones than asked.
      let first = 0;
      while (first < page.ts.length && page.ts[first]! < since) first++;
      let end = first;
      while (end < page.ts.length && page.ts[end]! < span.toTs && (end === first || page.ts[end]! > page.ts[end - 1]!)) end++;
      if (end > first) {
        this.pending.append(page, first, end);
        this.barsFetched += end - first;
        this.reachedTs = page.ts[end - 1]!;
        since = page.ts[end - 1]! + this.step;
      } else {
        // Nothing at or after `since` in this page: either the exchange has nothing newer (the
        // series ends), or a stretch without trades (exchanges that page backwards from an end
        // time return nothing for it). Ask once for the newest candle to tell them apart.
        newest ??= await this.retrier.run(() => this.source.newestCandleTs(market, this.timeframe));
        if (newest === null || newest < since) {
          this.dataEndsTs = newest;
          break;
        }
        since += limit * this.step;
      }
      this.doneMs = doneBefore + Math.min(span.toTs, since) - span.fromTs;
      if (this.pending.size >= this.sliceBars) this.commit();
      this.report();
    }
    this.doneMs = doneBefore + (span.toTs - span.fromTs);
    this.report();
  }

  /** Commits the bars in hand as one slice through the importer (all of it or none of it). */
  private commit(): void {
    if (this.pending.size === 0) return;
    const bars = this.pending.take();
    const n = bars.ts.length;
    const name = `${this.facts.exchange} ${this.facts.market} ${this.timeframe} ${iso(bars.ts[0]!)}..${iso(bars.ts[n - 1]!)}`;
    const options: ImportBarsOptions = {
      file: name,
      symbol: this.symbol,
      timeframe: this.timeframe,
      // The exchange says what the candles are: a sparse stretch (no trades) is not another timeframe.
      forceTimeframe: true,
      duplicates: 'lastWins',
      venue: this.facts.venue,
      quoteCurrency: this.facts.quoteCurrency,
      source: { exchange: this.facts.exchange, market: this.facts.market },
      ...(this.facts.priceTick === null ? {} : { tick: this.facts.priceTick }),
      ...(this.facts.quantityStep === null ? {} : { qtyStep: this.facts.quantityStep }),
    };
    this.committing = bars;
    const report = importBars(this.store, () => new SliceSource(bars, name), options, { now: () => this.control.now() });
    this.committing = null;
    this.slices++;
    this.inserted += report.barsWritten.inserted;
    this.replaced += report.barsWritten.replaced;
    this.storedFirst ??= report.firstTs;
    this.storedLast = report.lastTs;
  }

  private report(): void {
    const elapsed = this.control.now() - this.startedAt;
    const fraction = this.totalMs > 0 ? this.doneMs / this.totalMs : 1;
    this.control.onProgress?.({
      doneMs: this.doneMs,
      totalMs: this.totalMs,
      barsFetched: this.barsFetched,
      barsStored: this.inserted + this.replaced,
      requests: this.retrier.requests,
      retries: this.retrier.retries,
      reachedTs: this.reachedTs,
      etaMs: fraction > 0 && fraction < 1 ? Math.round((elapsed * (1 - fraction)) / fraction) : null,
      ...(this.retrier.note === undefined ? {} : { note: this.retrier.note }),
    });
  }

  /** The facts the instrument holds after the download (the exchange's, unless nothing was ever stored). */
  instrumentFacts(): { priceTick: number | null; quantityStep: number | null; quoteCurrency: string } {
    const stored = this.store.findInstrument(this.symbol);
    if (!stored) return { priceTick: this.facts.priceTick, quantityStep: this.facts.quantityStep, quoteCurrency: this.facts.quoteCurrency };
    return { priceTick: stored.priceTick, quantityStep: stored.quantityStep, quoteCurrency: stored.quoteCurrency };
  }

  private keptText(): string {
    const what = `${this.symbol} ${this.timeframe} from ${this.facts.exchange}`;
    if (this.storedFirst === null || this.storedLast === null) return `Nothing of ${what} was stored by this download.`;
    return (
      `Kept in whole committed slices: ${count(this.inserted + this.replaced)} bars of ${what}, ${iso(this.storedFirst)} to ${iso(this.storedLast)}. ` +
      `Download again to continue from ${iso(this.storedLast + this.step)}.`
    );
  }

  private keptDetails() {
    return { barsStored: this.inserted + this.replaced, firstTs: this.storedFirst, lastTs: this.storedLast };
  }

  /** A slice the importer refused (an unsound candle): name the candle by its time, say what stays stored. */
  private refusedSlice(error: ImportRejectedError): ImportRejectedError {
    const slice = this.committing;
    this.committing = null;
    const rows = error.rowErrors.map((row) => ({ ...row, message: `${slice && row.line >= 1 ? `candle ${iso(slice.ts[row.line - 1]!)}: ` : ''}${row.message}` }));
    const first = rows[0];
    return new ImportRejectedError(
      `${this.facts.exchange} sent ${rows.length === 1 ? 'a candle' : `${count(rows.length)} candles`} that cannot be stored (${first?.message ?? error.message}); ` +
        `nothing of that slice was stored. ${this.keptText()}`,
      rows,
    );
  }
}
