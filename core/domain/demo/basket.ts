import { sliceBars, type BarColumns } from '../market/bars.js';
import type { InstrumentDraft } from '../market/instrument.js';
import type { Timeframe } from '../market/timeframe.js';
import { generateCorrelatedBars, type CorrelatedMember } from './correlated-bars.js';
import { DEMO_VENUE } from './synthetic-bars.js';

/** The tag of the demo basket: a universe a portfolio can run on at first start. */
export const DEMO_BASKET_TAG = 'demo-basket';
/** Every demo instrument (the basket and the 1-minute coins) carries this tag too. */
export const DEMO_TAG = 'demo';
export const DEMO_BASKET_TIMEFRAME: Timeframe = '1h';
export const DEMO_BASKET_START_TS = Date.UTC(2024, 0, 1);
/** Two years of hourly bars, 24/7: 17,544 per instrument, 175,000 for the basket (a third of one 1-minute year). */
export const DEMO_BASKET_BARS = 17_544;
const HOUR_MS = 3_600_000;
const SEED = 20240101;
/** Hourly volatility of the shared market factor (about 50 % a year). */
const MARKET_VOL = 0.005;

interface BasketMember extends CorrelatedMember {
  readonly symbol: string;
  /** Hours after the basket's start at which it lists (a late listing: the clock has no bar of it before). */
  readonly listsAfter?: number;
}

// Ten synthetic instruments that move with one market factor (betas 0.7-1.4) plus their
// own moves, with different drifts so that ranking by momentum has something to find.
const MEMBERS: readonly BasketMember[] = [
  { symbol: 'DEMO-ALFA', startPrice: 120, beta: 1.0, ownVol: 0.004, drift: 0.00003, priceTick: 0.01, baseVolume: 5_000 },
  { symbol: 'DEMO-BRAVO', startPrice: 45, beta: 1.2, ownVol: 0.006, drift: 0.00005, priceTick: 0.01, baseVolume: 12_000 },
  { symbol: 'DEMO-CHARLIE', startPrice: 8.5, beta: 1.4, ownVol: 0.008, drift: -0.00002, priceTick: 0.001, baseVolume: 60_000 },
  { symbol: 'DEMO-DELTA', startPrice: 310, beta: 0.8, ownVol: 0.003, drift: 0.00001, priceTick: 0.01, baseVolume: 1_500 },
  { symbol: 'DEMO-ECHO', startPrice: 27, beta: 1.1, ownVol: 0.005, drift: 0.00004, priceTick: 0.01, baseVolume: 20_000 },
  { symbol: 'DEMO-FOXTROT', startPrice: 64, beta: 0.9, ownVol: 0.005, drift: -0.00003, priceTick: 0.01, baseVolume: 8_000 },
  { symbol: 'DEMO-GOLF', startPrice: 1.9, beta: 1.3, ownVol: 0.009, drift: 0.00006, priceTick: 0.0001, baseVolume: 250_000 },
  { symbol: 'DEMO-HOTEL', startPrice: 150, beta: 0.7, ownVol: 0.004, drift: 0, priceTick: 0.01, baseVolume: 3_000 },
  { symbol: 'DEMO-INDIA', startPrice: 12, beta: 1.2, ownVol: 0.007, drift: 0.00002, priceTick: 0.001, baseVolume: 40_000 },
  { symbol: 'DEMO-JULIET', startPrice: 88, beta: 1.0, ownVol: 0.006, drift: 0.00004, priceTick: 0.01, baseVolume: 6_000, listsAfter: 91 * 24 },
];

/** One basket instrument: its draft and its hourly bars. */
export interface DemoBasketSeries {
  readonly draft: InstrumentDraft;
  readonly bars: BarColumns;
}

/** The instruments of the demo basket, as stored (clearly labelled: DEMO- symbols, venue SYNTHETIC). */
export const DEMO_BASKET_DRAFTS: readonly InstrumentDraft[] = MEMBERS.map((m) => ({
  symbol: m.symbol,
  venue: DEMO_VENUE,
  priceTick: m.priceTick,
  quantityStep: 0.001,
  quoteCurrency: 'USD',
  timeZone: 'UTC',
}));

/**
 * Generates the demo basket: ten correlated instruments of hourly bars (one market factor
 * plus each one's own moves), deterministic in its seed; one lists three months late.
 */
export function generateDemoBasket(count = DEMO_BASKET_BARS): DemoBasketSeries[] {
  const series = generateCorrelatedBars(MEMBERS, count, HOUR_MS, DEMO_BASKET_START_TS, SEED, MARKET_VOL);
  return MEMBERS.map((m, k) => {
    const bars = series[k]!;
    const from = Math.min(count, m.listsAfter ?? 0);
    return { draft: DEMO_BASKET_DRAFTS[k]!, bars: from === 0 ? bars : sliceBars(bars, from, count) };
  });
}
