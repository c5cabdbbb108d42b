import type { PortfolioBarFeed, PortfolioSeriesRequest, PortfolioWindow } from '../../application/backtest/execute-run.js';
import { ValidationError } from '../../application/errors.js';
import { allocateBars, type BarColumns } from '../../domain/market/bars.js';
import type { Instrument } from '../../domain/market/instrument.js';
import { resampleBars } from '../../domain/market/resample.js';
import { bucketCeil, bucketStart, timeframeMs } from '../../domain/market/timeframe.js';
import type { SqliteBarStore } from './bar-store.js';
import { ReusableBars } from './chunk-codec.js';
import type { Connection } from './database.js';

/**
 * Bars of the run's timeframe (or of 1 minute, when read for resampling or the magnifier)
 * per instrument in one window: 32,768 minutes x 10 instruments is ~16 MB of bars in
 * memory at a time, whatever the run's length (a year of ten 1m series would be 250 MB).
 */
export const WINDOW_BARS = 32_768;

/** How one instrument of the universe is read. */
interface MemberPlan {
  readonly instrument: Instrument;
  /** 'resampled': its timeframe is built from its 1m series (no stored series of the timeframe). */
  readonly origin: 'stored' | 'resampled';
  /** The run's bars: [from, to) of the series read. */
  readonly from: number;
  readonly to: number;
  /** Its 1-minute bars for the magnifier (or for resampling): [minuteFrom, minuteTo). */
  readonly minuteFrom: number;
  readonly minuteTo: number;
  readonly versions: string;
}

/**
 * A portfolio's bars from the store, window by window (PortfolioBarFeed): the warm-up of
 * each instrument first (read up front: a few hundred bars each), then windows of whole
 * buckets in time order, each instrument's bars of the span read from its stored chunks
 * (or its 1m bars resampled). Nothing is cached: the run holds one window at a time. An
 * import that changes a series while the windows are read fails the run (its hash would
 * name bars it did not read) rather than mixing two versions.
 */
export class StoredPortfolioFeed implements PortfolioBarFeed {
  readonly warmUp: BarColumns[];
  readonly keys: string[];
  readonly origin: 'stored' | 'resampled';
  readonly barsEstimate: number;
  /** Stored bars the windows read in all (an upper bound, whole chunks): the series', or its 1m bars when resampled, and the magnifier's 1m bars. */
  readonly barsRead: number;
  private readonly plans: MemberPlan[];
  private readonly windowMs: number;
  private readonly first: number;
  private readonly last: number;

  constructor(
    private readonly db: Connection,
    private readonly store: SqliteBarStore,
    dbFile: string,
    private readonly request: PortfolioSeriesRequest,
  ) {
    const { timeframe } = request;
    const tfMs = timeframeMs(timeframe);
    const minutes = request.magnifier && timeframe !== '1m';
    // One read transaction: versions, extents and warm-up bars from one snapshot.
    const planned = db.transaction(() =>
      request.instruments.map((instrument) => {
        const stored = timeframe === '1m' || this.hasSeries(instrument, timeframe);
        const origin: MemberPlan['origin'] = stored ? 'stored' : 'resampled';
        const from = request.fromTs ?? Number.MIN_SAFE_INTEGER;
        const to = request.toTs ?? Number.MAX_SAFE_INTEGER;
        const minuteFrom = request.fromTs === undefined ? from : bucketCeil(request.fromTs, timeframe);
        const minuteTo = request.toTs === undefined ? to : bucketCeil(request.toTs, timeframe);
        const plan: MemberPlan = {
          instrument,
          origin,
          from: stored ? from : minuteFrom,
          to: stored ? to : minuteTo,
          minuteFrom,
          minuteTo,
          versions: `${store.seriesVersion(instrument.id, stored ? timeframe : '1m')}${minutes || !stored ? `/${store.seriesVersion(instrument.id, '1m')}` : ''}`,
        };
        const extent = this.extent(instrument, stored ? timeframe : '1m', plan.from, plan.to);
        const magnifierBars = minutes && stored ? this.extent(instrument, '1m', minuteFrom, minuteTo).bars : 0;
        return { plan, extent, magnifierBars, warmUp: this.readWarmUp(plan), estimate: stored ? extent.bars : Math.ceil(extent.bars / (tfMs / 60_000)) };
      }),
    )();
    this.plans = planned.map((p) => p.plan);
    this.warmUp = planned.map((p) => p.warmUp);
    this.keys = this.plans.map((p) => [dbFile, p.instrument.id, timeframe, p.origin, p.versions, request.fromTs ?? '', request.toTs ?? ''].join('|'));
    this.origin = this.plans.some((p) => p.origin === 'resampled') ? 'resampled' : 'stored';
    this.barsEstimate = Math.max(0, ...planned.map((p) => p.estimate));
    this.barsRead = planned.reduce((sum, p) => sum + p.extent.bars + p.magnifierBars, 0);
    const readsMinutes = minutes || this.origin === 'resampled';
    // Whole buckets of the timeframe, about WINDOW_BARS of what is read per instrument.
    this.windowMs = tfMs * Math.max(1, Math.ceil((WINDOW_BARS * (readsMinutes ? 60_000 : tfMs)) / tfMs));
    const firsts = planned.filter((p) => p.extent.bars > 0).map((p) => Math.max(p.extent.first, p.plan.from));
    const lasts = planned.filter((p) => p.extent.bars > 0).map((p) => p.extent.last);
    this.first = firsts.length > 0 ? bucketStart(Math.min(...firsts), timeframe) : 0;
    this.last = lasts.length > 0 ? Math.max(...lasts) : -1;
  }

  *windows(options: { readonly reuse?: boolean } = {}): Generator<PortfolioWindow> {
    const { timeframe, magnifier } = this.request;
    const minutes = magnifier && timeframe !== '1m';
    // Reused: one buffer per instrument (and one for its 1-minute bars) for every window.
    const reused = options.reuse ? this.plans.map(() => ({ bars: new ReusableBars(), minutes: new ReusableBars() })) : null;
    for (let start = this.first; start <= this.last; start += this.windowMs) {
      const end = start + this.windowMs;
      const bars: BarColumns[] = [];
      const minuteBars: (BarColumns | null)[] = [];
      for (let k = 0; k < this.plans.length; k++) {
        const plan = this.plans[k]!;
        const id = plan.instrument.id;
        const mFrom = Math.max(start, plan.minuteFrom);
        const mTo = Math.min(end, plan.minuteTo);
        const oneMinute = (plan.origin === 'resampled' || minutes) && mFrom < mTo ? this.store.readBars(id, '1m', mFrom, mTo, reused?.[k]!.minutes) : null;
        if (plan.origin === 'resampled') bars.push(oneMinute ? resampleBars(oneMinute, '1m', timeframe).bars : allocateBars(0));
        else {
          const from = Math.max(start, plan.from);
          const to = Math.min(end, plan.to);
          bars.push(from < to ? this.store.readBars(id, timeframe, from, to, reused?.[k]!.bars) : allocateBars(0));
        }
        minuteBars.push(minutes && oneMinute && oneMinute.ts.length > 0 ? oneMinute : null);
      }
      yield { bars, magnifierBars: minutes ? minuteBars : null };
    }
    this.checkUnchanged();
  }

  /** Fails the run when a series it read changed meanwhile (an import between two windows). */
  private checkUnchanged(): void {
    const minutes = this.request.magnifier && this.request.timeframe !== '1m';
    for (const plan of this.plans) {
      const stored = plan.origin === 'stored';
      const now = `${this.store.seriesVersion(plan.instrument.id, stored ? this.request.timeframe : '1m')}${minutes || !stored ? `/${this.store.seriesVersion(plan.instrument.id, '1m')}` : ''}`;
      if (now !== plan.versions) throw new ValidationError(`The bars of ${plan.instrument.symbol} changed while the run read them (an import); run it again`, { symbol: plan.instrument.symbol });
    }
  }

  private hasSeries(instrument: Instrument, timeframe: string): boolean {
    return this.db.prepare('SELECT 1 FROM bar_chunks WHERE instrument_id = ? AND timeframe = ? LIMIT 1').get(instrument.id, timeframe) !== undefined;
  }

  /** First and last bar time (chunk bounds) and bar count of the chunks that overlap [from, to). */
  private extent(instrument: Instrument, timeframe: string, from: number, to: number): { first: number; last: number; bars: number } {
    const row = this.db
      .prepare('SELECT min(start_ts) AS first, max(end_ts) AS last, coalesce(sum(bar_count), 0) AS bars FROM bar_chunks WHERE instrument_id = ? AND timeframe = ? AND end_ts >= ? AND start_ts < ?')
      .get(instrument.id, timeframe, from, to) as { first: number | null; last: number | null; bars: number };
    return { first: row.first ?? 0, last: Math.min(row.last ?? -1, to - 1), bars: row.bars };
  }

  /** The member's stored bars before the range its indicators warm up on (as BarSource reads a single run's). */
  private readWarmUp(plan: MemberPlan): BarColumns {
    const count = this.request.warmUpBars;
    const fromTs = this.request.fromTs;
    if (!(count > 0) || fromTs === undefined) return allocateBars(0);
    const { timeframe } = this.request;
    const id = plan.instrument.id;
    if (plan.origin === 'stored') {
      const start = this.store.startOfBarsBefore(id, timeframe, fromTs, count);
      return start === null || start >= fromTs ? allocateBars(0) : this.store.readBars(id, timeframe, start, fromTs);
    }
    const first = bucketCeil(fromTs, timeframe);
    const start = this.store.startOfBarsBefore(id, '1m', first, count, (ts) => bucketStart(ts, timeframe));
    if (start === null || start >= first) return allocateBars(0);
    return resampleBars(this.store.readBars(id, '1m', start, first), '1m', timeframe).bars;
  }
}
