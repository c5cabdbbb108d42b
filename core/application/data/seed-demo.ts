import { DEMO_BASKET_TAG, DEMO_BASKET_TIMEFRAME, DEMO_TAG, generateDemoBasket, type DemoBasketSeries } from '../../domain/demo/basket.js';
import { DEMO_INSTRUMENTS, generateDemoBars } from '../../domain/demo/synthetic-bars.js';
import type { BarColumns } from '../../domain/market/bars.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { BarStore } from './bar-store.js';

export interface DemoSeedReport {
  readonly seeded: boolean;
  readonly instruments: readonly { readonly symbol: string; readonly timeframe: Timeframe; readonly bars: number }[];
}

/** The demo data set's bars: each DEMO- coin's minutes (in DEMO_INSTRUMENTS order) and the basket's hours. */
export interface DemoSeries {
  readonly coins: readonly BarColumns[];
  readonly basket: readonly DemoBasketSeries[];
}

/**
 * Generates the demo set's bars: here (generateDemoSeriesHere) or spread over threads by an
 * adapter (core/infrastructure/demo/demo-threads.ts). Seeded generators: the same bars
 * wherever they are made.
 */
export type DemoBarSource = (barsPerInstrument?: number) => Promise<DemoSeries>;

/** Generates the whole demo set on this thread. */
export function generateDemoSeries(barsPerInstrument?: number): DemoSeries {
  return { coins: DEMO_INSTRUMENTS.map((demo) => generateDemoBars(demo, barsPerInstrument)), basket: generateDemoBasket() };
}

export const generateDemoSeriesHere: DemoBarSource = async (barsPerInstrument) => generateDemoSeries(barsPerInstrument);

/**
 * Writes the synthetic demo data set in one transaction: one year of 1-minute bars per
 * DEMO- coin, and the demo basket, ten correlated instruments of hourly bars tagged
 * 'demo-basket' (a universe to try a portfolio on: two years of hours cost a third of one
 * minute year to write). Re-seeding rewrites the same bars.
 */
export function writeDemoData(store: BarStore, series: DemoSeries): DemoSeedReport {
  const instruments = store.transaction(() => [
    ...DEMO_INSTRUMENTS.map((demo, k) => {
      const instrument = store.upsertInstrument(demo.draft);
      const bars = series.coins[k]!;
      store.mergeBars(instrument.id, '1m', bars);
      store.setInstrumentTags(instrument.id, [DEMO_TAG]);
      return { symbol: instrument.symbol, timeframe: '1m' as const, bars: bars.ts.length };
    }),
    ...series.basket.map(({ draft, bars }) => {
      const instrument = store.upsertInstrument(draft);
      store.mergeBars(instrument.id, DEMO_BASKET_TIMEFRAME, bars);
      store.setInstrumentTags(instrument.id, [DEMO_TAG, DEMO_BASKET_TAG]);
      return { symbol: instrument.symbol, timeframe: DEMO_BASKET_TIMEFRAME, bars: bars.ts.length };
    }),
  ]);
  return { seeded: true, instruments };
}

/** Generates (on this thread) and writes the demo data set (see writeDemoData). */
export function seedDemoData(store: BarStore, barsPerInstrument?: number): DemoSeedReport {
  return writeDemoData(store, generateDemoSeries(barsPerInstrument));
}

/** Generates the demo data set with `source` (e.g. over two threads) and writes it in one transaction. */
export async function seedDemoDataFrom(store: BarStore, source: DemoBarSource, barsPerInstrument?: number): Promise<DemoSeedReport> {
  return writeDemoData(store, await source(barsPerInstrument));
}

/** Seeds the demo data set only on a first start: never into a store whose instruments were all deleted. */
export async function seedDemoDataIfEmpty(store: BarStore, source: DemoBarSource = generateDemoSeriesHere, barsPerInstrument?: number): Promise<DemoSeedReport> {
  if (store.everHeldInstruments()) return { seeded: false, instruments: [] };
  return seedDemoDataFrom(store, source, barsPerInstrument);
}
