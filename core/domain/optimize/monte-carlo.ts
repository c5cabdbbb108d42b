import { DomainError } from '../errors.js';
import { createRandom } from '../random.js';

export type MonteCarloMethod = 'bootstrap' | 'shuffle';

export interface MonteCarloOptions {
  readonly simulations: number;
  readonly seed: number;
  /** bootstrap: draw N trades with replacement; shuffle: a random permutation of the N trades. */
  readonly method: MonteCarloMethod;
  readonly initialCash: number;
  /** Drawdown depths (positive percent) whose probability of being exceeded is reported; default 10, 20, 30, 50. */
  readonly drawdownThresholdsPct?: readonly number[];
}

export const MONTE_CARLO_PERCENTILES = [5, 25, 50, 75, 95] as const;

/** Value at each of the 5/25/50/75/95th percentiles. */
export type Percentiles = Readonly<Record<`p${(typeof MONTE_CARLO_PERCENTILES)[number]}`, number>>;

export interface Distribution {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly percentiles: Percentiles;
  /** Every simulation's value, sorted ascending (for histograms). */
  readonly sorted: Float64Array;
}

export interface MonteCarloResult {
  readonly method: MonteCarloMethod;
  readonly simulations: number;
  readonly seed: number;
  readonly trades: number;
  /** The actual trade sequence, compounded the same way as the simulations. */
  readonly original: { readonly finalEquity: number; readonly maxDrawdownPct: number };
  readonly finalEquity: Distribution;
  /** Max drawdown of each simulated path, percent, <= 0. */
  readonly maxDrawdownPct: Distribution;
  /** Share of simulations (percent) ending below the initial cash. */
  readonly probabilityOfLossPct: number;
  /** Share of simulations (percent) whose max drawdown is deeper than each threshold. */
  readonly drawdownExceedance: readonly { readonly thresholdPct: number; readonly probabilityPct: number }[];
}

/**
 * Each trade's return on the equity it was taken with: pnl / (initial cash + the pnl of
 * the trades closed before it). Simulations compound these returns, so a resampled path
 * risks the same fraction of equity per trade as the original did.
 */
export function tradeReturns(pnls: readonly number[], initialCash: number): Float64Array {
  const out = new Float64Array(pnls.length);
  let equity = initialCash;
  for (let i = 0; i < pnls.length; i++) {
    if (!(equity > 0)) throw new DomainError(`Equity is ${equity} before trade ${i}; returns on equity are undefined after ruin`);
    out[i] = pnls[i]! / equity;
    equity += pnls[i]!;
  }
  return out;
}

/** Linear-interpolation percentile (the "type 7" definition) of sorted values; p in [0, 100]. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function distribution(values: Float64Array): Distribution {
  const sorted = values.slice().sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const percentiles = Object.fromEntries(MONTE_CARLO_PERCENTILES.map((p) => [`p${p}`, percentile(sorted, p)])) as Percentiles;
  return { mean: sum / sorted.length, min: sorted[0]!, max: sorted[sorted.length - 1]!, percentiles, sorted };
}

/** Final equity and max drawdown (percent, <= 0) of compounding `returns` in the order given by `order`. */
function path(returns: Float64Array, order: ArrayLike<number>, initialCash: number): { finalEquity: number; maxDrawdownPct: number } {
  let equity = initialCash;
  let peak = initialCash;
  let worst = 0;
  for (let i = 0; i < order.length; i++) {
    equity *= 1 + returns[order[i]!]!;
    if (equity > peak) peak = equity;
    const dd = (equity / peak - 1) * 100;
    if (dd < worst) worst = dd;
  }
  return { finalEquity: equity, maxDrawdownPct: worst };
}

/**
 * Monte Carlo over a run's closed trades (pnl in exit order). Bootstrap answers "what if
 * the trades had come in other proportions"; shuffle keeps the same trades and only
 * reorders them, so under compounding every shuffled path ends at the same equity and
 * only the drawdown distribution differs.
 */
export function monteCarlo(pnls: readonly number[], options: MonteCarloOptions): MonteCarloResult {
  const { simulations, seed, method, initialCash } = options;
  if (!Number.isInteger(simulations) || simulations < 1) throw new DomainError(`simulations must be a whole number >= 1, got ${simulations}`);
  if (!(initialCash > 0)) throw new DomainError(`initialCash must be > 0, got ${initialCash}`);
  if (pnls.length === 0) throw new DomainError('The run has no closed trades to resample');
  const returns = tradeReturns(pnls, initialCash);
  const n = returns.length;
  const random = createRandom(seed);
  const finals = new Float64Array(simulations);
  const drawdowns = new Float64Array(simulations);
  const order = new Int32Array(n);
  for (let s = 0; s < simulations; s++) {
    if (method === 'bootstrap') {
      for (let i = 0; i < n; i++) order[i] = random.int(0, n - 1);
    } else {
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = random.int(0, i);
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
    }
    const p = path(returns, order, initialCash);
    finals[s] = p.finalEquity;
    drawdowns[s] = p.maxDrawdownPct;
  }
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  let losses = 0;
  for (const f of finals) if (f < initialCash) losses++;
  const thresholds = options.drawdownThresholdsPct ?? [10, 20, 30, 50];
  return {
    method,
    simulations,
    seed,
    trades: n,
    original: path(returns, identity, initialCash),
    finalEquity: distribution(finals),
    maxDrawdownPct: distribution(drawdowns),
    probabilityOfLossPct: (losses * 100) / simulations,
    drawdownExceedance: thresholds.map((t) => {
      let k = 0;
      for (const d of drawdowns) if (d < -Math.abs(t)) k++;
      return { thresholdPct: Math.abs(t), probabilityPct: (k * 100) / simulations };
    }),
  };
}
