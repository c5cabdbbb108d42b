import { DEMO_INSTRUMENTS, generateDemoBars } from '../../domain/demo/synthetic-bars.js';
import type { BarStore } from './bar-store.js';

export interface DemoSeedReport {
  readonly seeded: boolean;
  readonly instruments: readonly { readonly symbol: string; readonly bars: number }[];
}

/**
 * Writes the synthetic demo data set (one year of 1-minute bars per DEMO- instrument)
 * in one transaction. Re-seeding rewrites the same bars: the generator is seeded, so
 * the result is identical every time.
 */
export function seedDemoData(store: BarStore, barsPerInstrument?: number): DemoSeedReport {
  const instruments = store.transaction(() =>
    DEMO_INSTRUMENTS.map((demo) => {
      const instrument = store.upsertInstrument(demo.draft);
      const bars = generateDemoBars(demo, barsPerInstrument);
      store.mergeBars(instrument.id, '1m', bars);
      return { symbol: instrument.symbol, bars: bars.ts.length };
    }),
  );
  return { seeded: true, instruments };
}

/** Seeds the demo data set only when the store holds no instrument at all (first start). */
export function seedDemoDataIfEmpty(store: BarStore, barsPerInstrument?: number): DemoSeedReport {
  if (store.listInstruments().length > 0) return { seeded: false, instruments: [] };
  return seedDemoData(store, barsPerInstrument);
}
