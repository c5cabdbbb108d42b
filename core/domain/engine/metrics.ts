import type { Trade } from './types.js';

/**
 * The run's statistics; every definition is in docs/ENGINE.md. Percentages are in
 * percent (12.5 = 12.5 %); drawdowns are <= 0. A ratio that is undefined for the run
 * (no trades, no losses, zero volatility...) is null, never NaN or Infinity, so the
 * object survives JSON unchanged.
 */
export interface BacktestMetrics {
  readonly start: number | null;
  readonly end: number | null;
  readonly durationMs: number;
  readonly exposurePct: number;
  readonly finalEquity: number;
  readonly peakEquity: number;
  readonly totalReturnPct: number;
  readonly buyAndHoldReturnPct: number | null;
  readonly annualizedReturnPct: number | null;
  readonly annualizedVolatilityPct: number | null;
  readonly cagrPct: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly calmar: number | null;
  readonly maxDrawdownPct: number;
  readonly avgDrawdownPct: number;
  readonly maxDrawdownDurationMs: number;
  readonly avgDrawdownDurationMs: number;
  readonly tradeCount: number;
  readonly winRatePct: number | null;
  readonly bestTradePct: number | null;
  readonly worstTradePct: number | null;
  readonly avgTradePct: number | null;
  readonly maxTradeDurationMs: number | null;
  readonly avgTradeDurationMs: number | null;
  readonly profitFactor: number | null;
  readonly expectancy: number | null;
  readonly sqn: number | null;
  readonly totalFees: number;
}

export interface MetricsInput {
  /** Bar open times. */
  readonly ts: Float64Array;
  /** Equity at each bar's close. */
  readonly equity: Float64Array;
  /** Drawdown from the running peak (initial cash included) at each close, in percent, <= 0. */
  readonly drawdownPct: Float64Array;
  /** Length of one bar. */
  readonly barMs: number;
  readonly initialCash: number;
  readonly trades: readonly Trade[];
  /** The closed trades' tally when the run kept no Trade objects; else computed from `trades`. */
  readonly tally?: TradeTally;
  /** Bars that ended with a position open. */
  readonly exposureBars: number;
  readonly totalFees: number;
  readonly firstClose: number;
  readonly lastClose: number;
  /**
   * The buy-and-hold return when it is not one instrument's last / first close (a
   * portfolio: the universe held in equal weights); default from the closes.
   */
  readonly buyAndHoldReturnPct?: number | null;
}

const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;

/** Returns null for NaN and infinities. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Bars per year implied by the data: (365 days when any bar falls on a UTC Saturday or
 * Sunday, else 252 trading days) x the observed bars per day with data.
 */
export function periodsPerYear(ts: Float64Array): number {
  const days = new DayCounter();
  days.pushAll(ts, 0, ts.length);
  return days.periodsPerYear(ts.length);
}

/** Counts the UTC days with bars and whether any is a weekend, one bar at a time. */
class DayCounter {
  private days = 0;
  private nextDay = Number.NEGATIVE_INFINITY;
  private weekend = false;

  push(t: number): void {
    // A division per new day, not per bar.
    if (t < this.nextDay) return;
    const day = Math.floor(t / DAY_MS);
    this.days++;
    this.nextDay = (day + 1) * DAY_MS;
    // 1970-01-01 was a Thursday: day 0 -> 4.
    const weekday = (((day + 4) % 7) + 7) % 7;
    if (weekday === 0 || weekday === 6) this.weekend = true;
  }

  /**
   * push() over ts[from..to) (sorted): from each new day's first bar it searches for the
   * next day's, so a day of minutes costs a dozen reads instead of 1,440 (a sweep reads
   * the bar times of a year per variant for nothing else).
   */
  pushAll(ts: Float64Array, from: number, to: number): void {
    let i = from;
    while (i < to) {
      this.push(ts[i]!);
      i = firstAtOrAfter(ts, this.nextDay, i + 1, to);
    }
  }

  periodsPerYear(bars: number): number {
    return this.days === 0 ? Number.NaN : (this.weekend ? 365 : 252) * (bars / this.days);
  }
}

/**
 * The first index in [from, to) of sorted `ts` whose time is >= t (`to` when none):
 * steps of 1, 2, 4... from `from`, then a binary search in the last step (daily bars find
 * theirs at the first read, minutes within ~20).
 */
function firstAtOrAfter(ts: Float64Array, t: number, from: number, to: number): number {
  let lo = from;
  let step = 1;
  while (lo < to && ts[lo]! < t) {
    const probe = lo + step;
    if (probe >= to || ts[probe]! >= t) {
      // The answer is in (lo, min(probe, to)].
      let hi = probe < to ? probe : to;
      lo++;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ts[mid]! < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    lo = probe;
    step *= 2;
  }
  return lo;
}

/**
 * The per-bar pass of the metrics, fed the bars in order one stretch at a time: the
 * whole curve at once (computeMetrics), or block by block from a run that keeps no curve
 * (`keep: 'metrics'`, a sweep's variant: its blocks stay in cache and no curve is held).
 * Sums of simple returns of equity (the first against the initial cash) with one division
 * per bar, the downside, the peak; drawdown periods and calendar days. The sums are of
 * r - shift (shift = the first return) so the variance does not lose digits to
 * cancellation when the mean is far from zero. Either feeding gives the same figures,
 * bit for bit (the same operations in the same order).
 *
 * The metrics object is built elsewhere, in a function without a loop: V8 (Node 24.21,
 * V8 13.6) replaces a long-running loop's frame with optimized code while it runs
 * (on-stack replacement). With the loop inside computeMetrics, the metrics object was
 * sometimes built by that replaced code, and in about one sweep in 30 one variant's
 * object came out holding the equity figures of the next variant the worker computed
 * (same trades, another equity curve; seen only with both Maglev and TurboFan on,
 * never with either disabled). Building the object in a function without a loop ended
 * it (docs/ENGINE.md, "A V8 miscompile"; core/infrastructure/sweeps/sweep-determinism.test.ts).
 */
export class EquityCurveStats {
  bars = 0;
  firstTs = Number.NaN;
  lastTs = Number.NaN;
  finalEquity: number;
  peakEquity: number;
  sum = 0;
  sumSq = 0;
  downsideSq = 0;
  shift = 0;
  private previous: number;
  drawdowns = new DrawdownTracker(0);
  readonly days = new DayCounter();

  constructor(readonly initialCash: number) {
    this.finalEquity = initialCash;
    this.peakEquity = initialCash;
    this.previous = initialCash;
  }

  /**
   * Feeds the next `count` bars: their open times, equity and drawdown at the close.
   * `flatRuns` (optional): `runCount` pairs [start, end) of bars, in order, where equity
   * and drawdown hold the value of each run's first bar (a flat stretch of a run): past
   * that bar each contributes a return of exactly 0, which leaves every sum as it is, so
   * only the calendar days are walked there.
   */
  push(ts: Float64Array, equity: Float64Array, drawdownPct: Float64Array, count: number, flatRuns?: Int32Array, runCount = 0): void {
    if (count === 0) return;
    if (this.bars === 0) {
      this.shift = equity[0]! / this.initialCash - 1;
      this.firstTs = ts[0]!;
      this.drawdowns = new DrawdownTracker(ts[0]!);
    }
    let at = 0;
    // A zero return leaves the sums of (r - shift) alone only when the shift is 0 (a single run's, whose first bar is flat).
    if (flatRuns && this.shift === 0) {
      for (let k = 0; k < runCount; k++) {
        const start = flatRuns[2 * k]!;
        const end = flatRuns[2 * k + 1]!;
        this.pushBars(ts, equity, drawdownPct, at, start + 1);
        this.days.pushAll(ts, start + 1, end);
        this.drawdowns.holdUntil(ts[end - 1]!, drawdownPct[start]!);
        at = end;
      }
    }
    this.pushBars(ts, equity, drawdownPct, at, count);
    this.bars += count;
    this.lastTs = ts[count - 1]!;
    this.finalEquity = equity[count - 1]!;
  }

  private pushBars(ts: Float64Array, equity: Float64Array, drawdownPct: Float64Array, from: number, to: number): void {
    this.drawdowns.pushAll(ts, drawdownPct, from, to);
    this.days.pushAll(ts, from, to);
    this.sumReturns(equity, from, to);
  }

  private sumReturns(equity: Float64Array, from: number, to: number): void {
    const shift = this.shift;
    let sum = this.sum;
    let sumSq = this.sumSq;
    let downsideSq = this.downsideSq;
    let peakEquity = this.peakEquity;
    let previous = this.previous;
    for (let i = from; i < to; i++) {
      const e = equity[i]!;
      const r = e / previous - 1;
      previous = e;
      const d = r - shift;
      sum += d;
      sumSq += d * d;
      // min(r, 0) without a branch: (r - |r|) / 2 is exactly r or 0. The sign of r is a
      // coin flip, so a branch (an if, a ternary, Math.min) mispredicts; this made the
      // pass 3x faster on a backtest's equity curve.
      const down = (r - Math.abs(r)) * 0.5;
      downsideSq += down * down;
      if (e > peakEquity) peakEquity = e;
    }
    this.sum = sum;
    this.sumSq = sumSq;
    this.downsideSq = downsideSq;
    this.peakEquity = peakEquity;
    this.previous = previous;
  }
}

/** What the metrics need besides the equity curve's pass. */
export type RunFigures = Omit<MetricsInput, 'ts' | 'equity' | 'drawdownPct'>;

/** Computes every metric from the equity curve and the closed trades. */
export function computeMetrics(input: MetricsInput): BacktestMetrics {
  const curve = new EquityCurveStats(input.initialCash);
  curve.push(input.ts, input.equity, input.drawdownPct, input.equity.length);
  return metricsOf(curve, input);
}

/** Every metric from a curve's pass (fed all of the run's bars) and the run's other figures; call once. */
export function metricsOf(curve: EquityCurveStats, input: RunFigures): BacktestMetrics {
  const initialCash = input.initialCash;
  const n = curve.bars;
  const finalEquity = n > 0 ? curve.finalEquity : initialCash;
  const start = n > 0 ? curve.firstTs : null;
  const end = n > 0 ? curve.lastTs + input.barMs : null;
  const durationMs = start !== null && end !== null ? end - start : 0;
  const growth = finalEquity / initialCash;
  const shift = curve.shift;
  const sum = curve.sum;
  const sumSq = curve.sumSq;
  const downsideSq = curve.downsideSq;
  const peakEquity = curve.peakEquity;
  const mean = n > 0 ? shift + sum / n : Number.NaN;
  const std = n > 1 ? Math.sqrt(Math.max(0, (sumSq - (sum * sum) / n) / (n - 1))) : Number.NaN;
  const downside = n > 0 ? Math.sqrt(downsideSq / n) : Number.NaN;
  const periods = curve.days.periodsPerYear(n);
  const annualizedReturnPct = n > 0 ? (Math.pow(growth, periods / n) - 1) * 100 : Number.NaN;
  const cagrPct = durationMs > 0 ? (Math.pow(growth, YEAR_MS / durationMs) - 1) * 100 : Number.NaN;
  const drawdowns = curve.drawdowns;
  drawdowns.finish(n > 0 ? curve.lastTs : 0);

  const tradeStats = input.tally ? input.tally.stats() : tradeStatistics(input.trades);
  return {
    start,
    end,
    durationMs,
    exposurePct: n > 0 ? (input.exposureBars * 100) / n : 0,
    finalEquity,
    peakEquity,
    totalReturnPct: (growth - 1) * 100,
    buyAndHoldReturnPct: input.buyAndHoldReturnPct !== undefined ? input.buyAndHoldReturnPct : finite((input.lastClose / input.firstClose - 1) * 100),
    annualizedReturnPct: finite(annualizedReturnPct),
    annualizedVolatilityPct: finite(std * Math.sqrt(periods) * 100),
    cagrPct: finite(cagrPct),
    sharpe: std > 0 ? finite((mean / std) * Math.sqrt(periods)) : null,
    sortino: downside > 0 ? finite((mean / downside) * Math.sqrt(periods)) : null,
    calmar: drawdowns.max < 0 ? finite(cagrPct / Math.abs(drawdowns.max)) : null,
    maxDrawdownPct: drawdowns.max,
    avgDrawdownPct: drawdowns.avg,
    maxDrawdownDurationMs: drawdowns.maxDuration,
    avgDrawdownDurationMs: drawdowns.avgDuration,
    ...tradeStats,
    totalFees: input.totalFees,
  };
}

export interface DrawdownStats {
  readonly max: number;
  readonly avg: number;
  readonly maxDuration: number;
  readonly avgDuration: number;
}

/**
 * Drawdown periods: one starts at the last bar at the peak (the run's first bar when
 * equity starts below the initial cash) and ends at the first bar back at or above that
 * peak, or at the last bar if it never recovers. Depth is the period's lowest drawdown.
 */
export function drawdownStats(ts: Float64Array, drawdownPct: Float64Array): DrawdownStats {
  const n = drawdownPct.length;
  const tracker = new DrawdownTracker(n > 0 ? ts[0]! : 0);
  tracker.pushAll(ts, drawdownPct, 0, n);
  tracker.finish(n > 0 ? ts[n - 1]! : 0);
  return tracker;
}

/** drawdownStats fed in stretches of bars (so computeMetrics, and a run fed block by block, need one pass). */
class DrawdownTracker implements DrawdownStats {
  max = 0;
  private depthSum = 0;
  private durationSum = 0;
  maxDuration = 0;
  private periods = 0;
  private inDrawdown = false;
  private depth = 0;

  constructor(private peakTs: number) {}

  get avg(): number {
    return this.periods > 0 ? this.depthSum / this.periods : 0;
  }

  get avgDuration(): number {
    return this.periods > 0 ? this.durationSum / this.periods : 0;
  }

  /**
   * Feeds bars [from, to), the state in locals: V8 keeps an escaping object's fields in
   * memory, and the per-bar depth and maximum made a chain of stores and loads.
   */
  pushAll(ts: Float64Array, drawdownPct: Float64Array, from: number, to: number): void {
    let inDrawdown = this.inDrawdown;
    let depth = this.depth;
    let max = this.max;
    let peakTs = this.peakTs;
    for (let i = from; i < to; i++) {
      const dd = drawdownPct[i]!;
      if (dd < 0) {
        if (!inDrawdown) {
          inDrawdown = true;
          depth = 0;
        }
        depth = dd < depth ? dd : depth;
        max = dd < max ? dd : max;
      } else {
        const t = ts[i]!;
        if (inDrawdown) {
          this.closePeriod(depth, t - peakTs);
          inDrawdown = false;
        }
        peakTs = t;
      }
    }
    this.inDrawdown = inDrawdown;
    this.depth = depth;
    this.max = max;
    this.peakTs = peakTs;
  }

  /**
   * More bars at the drawdown just pushed (equity unchanged): below the peak they change
   * nothing; at it, the peak's time moves to the last of them.
   */
  holdUntil(lastTs: number, dd: number): void {
    if (!(dd < 0)) this.peakTs = lastTs;
  }

  /** Closes a drawdown still open at the last bar. */
  finish(lastTs: number): void {
    if (this.inDrawdown) this.close(lastTs);
    this.inDrawdown = false;
  }

  private close(endTs: number): void {
    this.closePeriod(this.depth, endTs - this.peakTs);
  }

  private closePeriod(depth: number, duration: number): void {
    this.periods++;
    this.depthSum += depth;
    this.durationSum += duration;
    if (duration > this.maxDuration) this.maxDuration = duration;
  }
}

type TradeStats = Pick<
  BacktestMetrics,
  | 'tradeCount'
  | 'winRatePct'
  | 'bestTradePct'
  | 'worstTradePct'
  | 'avgTradePct'
  | 'maxTradeDurationMs'
  | 'avgTradeDurationMs'
  | 'profitFactor'
  | 'expectancy'
  | 'sqn'
>;

function tradeStatistics(trades: readonly Trade[]): TradeStats {
  const tally = new TradeTally();
  for (const t of trades) tally.add(t.pnl, t.returnPct, t.exitTs - t.entryTs);
  return tally.stats();
}

/**
 * The trade statistics fed one closed trade at a time, in trade order: a run that keeps
 * no Trade objects (a sweep's variant, `keep: 'metrics'`) gets the same figures, bit for
 * bit, as one computed from its trades. The returns are kept (8 bytes a trade) for the
 * standard deviation's second pass.
 */
export class TradeTally {
  count = 0;
  private wins = 0;
  private best = Number.NEGATIVE_INFINITY;
  private worst = Number.POSITIVE_INFINITY;
  private returnSum = 0;
  private maxDuration = 0;
  private durationSum = 0;
  private grossProfit = 0;
  private grossLoss = 0;
  private pnlSum = 0;
  private returns = new Float64Array(64);

  add(pnl: number, returnPct: number, durationMs: number): void {
    if (this.count === this.returns.length) {
      const grown = new Float64Array(this.count * 2);
      grown.set(this.returns);
      this.returns = grown;
    }
    this.returns[this.count++] = returnPct;
    if (pnl > 0) {
      this.wins++;
      this.grossProfit += pnl;
    } else this.grossLoss -= pnl;
    if (returnPct > this.best) this.best = returnPct;
    if (returnPct < this.worst) this.worst = returnPct;
    this.returnSum += returnPct;
    this.durationSum += durationMs;
    if (durationMs > this.maxDuration) this.maxDuration = durationMs;
    this.pnlSum += pnl;
  }

  /** Built in a function without a loop (see EquityCurveStats on V8's on-stack replacement). */
  stats(): TradeStats {
    const count = this.count;
    if (count === 0) {
      return {
        tradeCount: 0,
        winRatePct: null,
        bestTradePct: null,
        worstTradePct: null,
        avgTradePct: null,
        maxTradeDurationMs: null,
        avgTradeDurationMs: null,
        profitFactor: null,
        expectancy: null,
        sqn: null,
      };
    }
    const meanReturn = this.returnSum / count;
    const sq = squaredDeviations(this.returns, count, meanReturn);
    const stdReturn = count > 1 ? Math.sqrt(sq / (count - 1)) : Number.NaN;
    return {
      tradeCount: count,
      winRatePct: (this.wins * 100) / count,
      bestTradePct: this.best,
      worstTradePct: this.worst,
      avgTradePct: meanReturn,
      maxTradeDurationMs: this.maxDuration,
      avgTradeDurationMs: this.durationSum / count,
      profitFactor: this.grossLoss > 0 ? finite(this.grossProfit / this.grossLoss) : null,
      expectancy: this.pnlSum / count,
      sqn: stdReturn > 0 ? finite((Math.sqrt(count) * meanReturn) / stdReturn) : null,
    };
  }
}

function squaredDeviations(values: Float64Array, count: number, mean: number): number {
  let sq = 0;
  for (let i = 0; i < count; i++) sq += (values[i]! - mean) * (values[i]! - mean);
  return sq;
}
