import path from 'node:path';
import type { BarColumns } from '../../domain/market/bars.js';
import { allocateBars } from '../../domain/market/bars.js';
import { createRandom } from '../../domain/random.js';
import type { Instrument } from '../../domain/market/instrument.js';
import { openStorage, type Storage } from '../sqlite/storage.js';

/** A seeded random walk of `n` sound 1-minute bars from `startTs`. */
export function randomWalkBars(n: number, startTs: number, seed = 42): BarColumns {
  const random = createRandom(seed);
  const bars = allocateBars(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = Math.max(1, open * (1 + (random.next() - 0.5) * 0.004));
    bars.ts[i] = startTs + i * 60_000;
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = Math.max(open, close) * (1 + random.next() * 0.001);
    bars.low[i] = Math.min(open, close) * (1 - random.next() * 0.001);
    bars.volume[i] = 1 + Math.floor(random.next() * 100);
    price = close;
  }
  return bars;
}

/** Creates a database in `dir` with one instrument and `n` 1-minute bars; returns the open storage. */
export function seedStore(dir: string, n: number, symbol = 'TEST', startTs = Date.UTC(2024, 0, 1)): { storage: Storage; instrument: Instrument } {
  const storage = openStorage({ file: path.join(dir, 'workstation.sqlite') });
  const instrument = storage.barStore.upsertInstrument({
    symbol,
    venue: 'TEST',
    priceTick: 0.0001,
    quantityStep: 0.001,
    quoteCurrency: 'USD',
    timeZone: 'UTC',
  });
  storage.barStore.mergeBars(instrument.id, '1m', randomWalkBars(n, startTs));
  return { storage, instrument };
}
