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
  for (let i = 0; i < ts.length; i++) days.push(ts[i]!);
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

  periodsPerYear(bars: number): number {
    return this.days === 0 ? Number.NaN : (this.weekend ? 365 : 252) * (bars / this.days);
  }
}

const SUM = 0;
const SUM_SQ = 1;
const DOWNSIDE_SQ = 2;
const PEAK = 3;

/**
 * The per-bar pass of computeMetrics: sums of simple returns of equity (the first
 * against the initial cash) with one division per bar, the downside, the peak; drawdown
 * periods and calendar days are fed in the same pass. The sums are of r - shift
 * (shift = the first return) so the variance does not lose digits to cancellation when
 * the mean is far from zero.
 *
 * Why a function of its own, returning numbers in a typed array: V8 (Node 24.21,
 * V8 13.6) replaces a long-running loop's frame with optimized code while it runs
 * (on-stack replacement). With the loop inside computeMetrics, the metrics object was
 * sometimes built by that replaced code, and in about one sweep in 30 one variant's
 * object came out holding the equity figures of the next variant the worker computed
 * (same trades, another equity curve; seen only with both Maglev and TurboFan on,
 * never with either disabled). Building the object in a function without a loop ended
 * it (docs/ENGINE.md, "A V8 miscompile"; core/infrastructure/sweeps/sweep-determinism.test.ts).
 */
function equityPass(
  ts: Float64Array,
  equity: Float64Array,
  drawdownPct: Float64Array,
  initialCash: number,
  shift: number,
  drawdowns: DrawdownTracker,
  days: DayCounter,
): Float64Array {
  let sum = 0;
  let sumSq = 0;
  let downsideSq = 0;
  let peakEquity = initialCash;
  let previous = initialCash;
  const n = equity.length;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const t = ts[i]!;
    drawdowns.push(t, drawdownPct[i]!);
    days.push(t);
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
  const out = new Float64Array(4);
  out[SUM] = sum;
  out[SUM_SQ] = sumSq;
  out[DOWNSIDE_SQ] = downsideSq;
  out[PEAK] = peakEquity;
  return out;
}

/** Computes every metric from the equity curve and the closed trades. */
export function computeMetrics(input: MetricsInput): BacktestMetrics {
  const { ts, equity, drawdownPct, initialCash, trades } = input;
  const n = equity.length;
  const finalEquity = n > 0 ? equity[n - 1]! : initialCash;
  const start = n > 0 ? ts[0]! : null;
  const end = n > 0 ? ts[n - 1]! + input.barMs : null;
  const durationMs = start !== null && end !== null ? end - start : 0;
  const growth = finalEquity / initialCash;

  const shift = n > 0 ? equity[0]! / initialCash - 1 : 0;
  // Drawdown periods and calendar days are tracked in the same pass.
  const drawdowns = new DrawdownTracker(n > 0 ? ts[0]! : 0);
  const days = new DayCounter();
  const sums = equityPass(ts, equity, drawdownPct, initialCash, shift, drawdowns, days);
  const sum = sums[SUM]!;
  const sumSq = sums[SUM_SQ]!;
  const downsideSq = sums[DOWNSIDE_SQ]!;
  const peakEquity = sums[PEAK]!;
  const mean = n > 0 ? shift + sum / n : Number.NaN;
  const std = n > 1 ? Math.sqrt(Math.max(0, (sumSq - (sum * sum) / n) / (n - 1))) : Number.NaN;
  const downside = n > 0 ? Math.sqrt(downsideSq / n) : Number.NaN;
  const periods = days.periodsPerYear(n);
  const annualizedReturnPct = n > 0 ? (Math.pow(growth, periods / n) - 1) * 100 : Number.NaN;
  const cagrPct = durationMs > 0 ? (Math.pow(growth, YEAR_MS / durationMs) - 1) * 100 : Number.NaN;
  drawdowns.finish(n > 0 ? ts[n - 1]! : 0);

  const tradeStats = tradeStatistics(trades);
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
  for (let i = 0; i < n; i++) tracker.push(ts[i]!, drawdownPct[i]!);
  tracker.finish(n > 0 ? ts[n - 1]! : 0);
  return tracker;
}

/** drawdownStats one bar at a time (so computeMetrics needs one pass over the bars). */
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

  push(t: number, dd: number): void {
    if (dd < 0) {
      if (!this.inDrawdown) {
        this.inDrawdown = true;
        this.depth = 0;
      }
      this.depth = dd < this.depth ? dd : this.depth;
      this.max = dd < this.max ? dd : this.max;
    } else {
      if (this.inDrawdown) {
        this.close(t);
        this.inDrawdown = false;
      }
      this.peakTs = t;
    }
  }

  /** Closes a drawdown still open at the last bar. */
  finish(lastTs: number): void {
    if (this.inDrawdown) this.close(lastTs);
    this.inDrawdown = false;
  }

  private close(endTs: number): void {
    this.periods++;
    this.depthSum += this.depth;
    const duration = endTs - this.peakTs;
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
  const count = trades.length;
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
  let wins = 0;
  let best = Number.NEGATIVE_INFINITY;
  let worst = Number.POSITIVE_INFINITY;
  let returnSum = 0;
  let maxDuration = 0;
  let durationSum = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let pnlSum = 0;
  for (const t of trades) {
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
    } else grossLoss -= t.pnl;
    if (t.returnPct > best) best = t.returnPct;
    if (t.returnPct < worst) worst = t.returnPct;
    returnSum += t.returnPct;
    const duration = t.exitTs - t.entryTs;
    durationSum += duration;
    if (duration > maxDuration) maxDuration = duration;
    pnlSum += t.pnl;
  }
  const meanReturn = returnSum / count;
  let sq = 0;
  for (const t of trades) sq += (t.returnPct - meanReturn) * (t.returnPct - meanReturn);
  const stdReturn = count > 1 ? Math.sqrt(sq / (count - 1)) : Number.NaN;
  return {
    tradeCount: count,
    winRatePct: (wins * 100) / count,
    bestTradePct: best,
    worstTradePct: worst,
    avgTradePct: meanReturn,
    maxTradeDurationMs: maxDuration,
    avgTradeDurationMs: durationSum / count,
    profitFactor: grossLoss > 0 ? finite(grossProfit / grossLoss) : null,
    expectancy: pnlSum / count,
    sqn: stdReturn > 0 ? finite((Math.sqrt(count) * meanReturn) / stdReturn) : null,
  };
}
