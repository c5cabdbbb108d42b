import { allocateBars, type BarColumns } from '../market/bars.js';
import type { InstrumentDraft } from '../market/instrument.js';
import { createRandom } from '../random.js';

/** Describes one synthetic instrument of the demo data set. */
export interface DemoInstrument {
  readonly draft: InstrumentDraft;
  readonly startPrice: number;
  /** Annualized volatility around which the GARCH process mean-reverts. */
  readonly annualVol: number;
  readonly baseVolume: number;
  readonly seed: number;
}

export const DEMO_VENUE = 'SYNTHETIC';
export const DEMO_START_TS = Date.UTC(2025, 0, 1);
export const DEMO_BARS_PER_INSTRUMENT = 525_600;

/** The demo data set: clearly labelled synthetic instruments ("DEMO-" symbols, venue SYNTHETIC). */
export const DEMO_INSTRUMENTS: readonly DemoInstrument[] = [
  {
    draft: { symbol: 'DEMO-BTC', venue: DEMO_VENUE, priceTick: 0.01, quantityStep: 0.00001, quoteCurrency: 'USD', timeZone: 'UTC' },
    startPrice: 42_000,
    annualVol: 0.55,
    baseVolume: 12,
    seed: 20250101,
  },
  {
    draft: { symbol: 'DEMO-ETH', venue: DEMO_VENUE, priceTick: 0.01, quantityStep: 0.0001, quoteCurrency: 'USD', timeZone: 'UTC' },
    startPrice: 2_300,
    annualVol: 0.7,
    baseVolume: 150,
    seed: 20250102,
  },
  {
    draft: { symbol: 'DEMO-SOL', venue: DEMO_VENUE, priceTick: 0.001, quantityStep: 0.001, quoteCurrency: 'USD', timeZone: 'UTC' },
    startPrice: 95,
    annualVol: 0.9,
    baseVolume: 2_500,
    seed: 20250103,
  },
];

const MINUTE_MS = 60_000;
const MINUTES_PER_YEAR = 525_600;

/** Intraday activity by UTC minute: quiet Asian night, busy US/EU overlap (13:00-16:00 UTC). */
function seasonality(minuteOfDay: number): number {
  const hours = minuteOfDay / 60;
  const overlap = Math.exp(-((hours - 14.5) ** 2) / 4);
  const asiaOpen = 0.4 * Math.exp(-((hours - 1.5) ** 2) / 2);
  return 0.6 + overlap + asiaOpen;
}

/**
 * Generates one synthetic instrument's one-minute bars, 24/7, deterministic in its seed:
 * GARCH(1,1) volatility clustering, intraday seasonality of volatility and volume, and
 * a few gaps (missing minutes) so coverage and gap handling have something to show.
 */
export function generateDemoBars(spec: DemoInstrument, count = DEMO_BARS_PER_INSTRUMENT, startTs = DEMO_START_TS): BarColumns {
  const rng = createRandom(spec.seed);
  const bars = allocateBars(count);
  // A few gaps: [bar index, missing minutes], placed by the seed.
  const gaps = new Map<number, number>();
  for (let g = 0; g < 4 && count > 1000; g++) gaps.set(rng.int(1000, count - 1000), rng.int(5, 180));

  const meanVar = (spec.annualVol * spec.annualVol) / MINUTES_PER_YEAR;
  const alpha = 0.06;
  const beta = 0.92;
  const omega = meanVar * (1 - alpha - beta);
  let variance = meanVar;
  let lastReturn = 0;
  let price = spec.startPrice;
  let ts = startTs;
  for (let i = 0; i < count; i++) {
    const skip = gaps.get(i);
    if (skip !== undefined) ts += skip * MINUTE_MS;
    variance = omega + alpha * lastReturn * lastReturn + beta * variance;
    const season = seasonality(Math.floor((ts % 86_400_000) / MINUTE_MS));
    const sigma = Math.sqrt(variance) * season;
    const ret = sigma * rng.normal();
    const open = price;
    const close = open * Math.exp(ret);
    const wickUp = Math.abs(rng.normal()) * sigma * 0.6;
    const wickDown = Math.abs(rng.normal()) * sigma * 0.6;
    bars.ts[i] = ts;
    bars.open[i] = roundTo(open, spec.draft.priceTick);
    bars.close[i] = roundTo(close, spec.draft.priceTick);
    bars.high[i] = roundTo(Math.max(open, close) * Math.exp(wickUp), spec.draft.priceTick);
    bars.low[i] = roundTo(Math.min(open, close) * Math.exp(-wickDown), spec.draft.priceTick);
    // Rounding can push open/close outside the wick by a tick; keep the bar sound.
    bars.high[i] = Math.max(bars.high[i]!, bars.open[i]!, bars.close[i]!);
    bars.low[i] = Math.min(bars.low[i]!, bars.open[i]!, bars.close[i]!);
    const volumeNoise = Math.exp(0.5 * rng.normal());
    bars.volume[i] = roundTo(spec.baseVolume * season * volumeNoise * (1 + 40 * Math.abs(ret)), spec.draft.quantityStep);
    lastReturn = ret / season;
    price = close;
    ts += MINUTE_MS;
  }
  return bars;
}

/** Rounds to the tick; dividing by the whole number 1/tick gives the nearest double to the decimal. */
function roundTo(value: number, tick: number): number {
  const perUnit = Math.round(1 / tick);
  return Math.round(value * perUnit) / perUnit;
}
