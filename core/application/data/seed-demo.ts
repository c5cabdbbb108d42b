import { DEMO_BASKET_TAG, DEMO_BASKET_TIMEFRAME, DEMO_TAG, generateDemoBasket } from '../../domain/demo/basket.js';
import { DEMO_INSTRUMENTS, generateDemoBars } from '../../domain/demo/synthetic-bars.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { BarStore } from './bar-store.js';

export interface DemoSeedReport {
  readonly seeded: boolean;
  readonly instruments: readonly { readonly symbol: string; readonly timeframe: Timeframe; readonly bars: number }[];
}

/**
 * Writes the synthetic demo data set in one transaction: one year of 1-minute bars per
 * DEMO- coin, and the demo basket, ten correlated instruments of hourly bars tagged
 * 'demo-basket' (a universe to try a portfolio on: two years of hours cost a third of one
 * minute year to write). Re-seeding rewrites the same bars: the generators are seeded, so
 * the result is identical every time.
 */
export function seedDemoData(store: BarStore, barsPerInstrument?: number): DemoSeedReport {
  const instruments = store.transaction(() => [
    ...DEMO_INSTRUMENTS.map((demo) => {
      const instrument = store.upsertInstrument(demo.draft);
      const bars = generateDemoBars(demo, barsPerInstrument);
      store.mergeBars(instrument.id, '1m', bars);
      store.setInstrumentTags(instrument.id, [DEMO_TAG]);
      return { symbol: instrument.symbol, timeframe: '1m' as const, bars: bars.ts.length };
    }),
    ...generateDemoBasket().map(({ draft, bars }) => {
      const instrument = store.upsertInstrument(draft);
      store.mergeBars(instrument.id, DEMO_BASKET_TIMEFRAME, bars);
      store.setInstrumentTags(instrument.id, [DEMO_TAG, DEMO_BASKET_TAG]);
      return { symbol: instrument.symbol, timeframe: DEMO_BASKET_TIMEFRAME, bars: bars.ts.length };
    }),
  ]);
  return { seeded: true, instruments };
}

/** Seeds the demo data set only on a first start: never into a store whose instruments were all deleted. */
export function seedDemoDataIfEmpty(store: BarStore, barsPerInstrument?: number): DemoSeedReport {
  if (store.everHeldInstruments()) return { seeded: false, instruments: [] };
  return seedDemoData(store, barsPerInstrument);
}
