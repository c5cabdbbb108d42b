import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAR_FIELDS } from '../../core/domain/market/bars.js';
import type { Instrument } from '../../core/domain/market/instrument.js';
import { randomWalkBars, seedStore } from '../../core/infrastructure/workers/test-kit/bar-fixture.js';
import { tempDir } from '../../core/infrastructure/sqlite/test-kit/temp-db.js';
import type { Storage } from '../../core/infrastructure/sqlite/storage.js';
import { BarSource } from './bar-source.js';

const BARS = 10_000;
const START = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;
let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let instrument: Instrument;

beforeAll(() => {
  dir = tempDir('bws-bar-source-');
  ({ storage, instrument } = seedStore(dir.dir, BARS, 'TEST', START));
});
afterAll(() => {
  storage.close();
  dir.cleanup();
});

describe('BarSource', () => {
  const at = (minute: number) => START + minute * MINUTE;
  const request = (fromTs?: number, toTs?: number) => ({ dbFile: storage.file, instrument, timeframe: '1m' as const, fromTs, toTs });

  it('serves a range inside a cached one as views of it, equal to reading it; a range reaching outside is read', () => {
    const source = new BarSource(64 * 1024 * 1024);
    const year = source.series(request(at(0), at(8_000)));
    expect(year.fromCache).toBe(false);

    const inside = source.series(request(at(1_440) + 1, at(7_000)));
    expect(inside.fromCache).toBe(true);
    expect(source.stats().misses).toBe(1);
    expect(inside.key).not.toBe(year.key); // derived caches (indicators, hashes) key by the range
    expect(inside.bars.ts.buffer).toBe(year.bars.ts.buffer);
    const read = new BarSource(64 * 1024 * 1024).series(request(at(1_440) + 1, at(7_000))).bars;
    expect(inside.bars.ts[0]).toBe(at(1_441));
    for (const field of BAR_FIELDS) expect(Array.from(inside.bars[field])).toEqual(Array.from(read[field]));

    // To the end of the series (no toTs) is not inside a range that stops at 8,000.
    const tail = source.series(request(at(7_000)));
    expect(tail.fromCache).toBe(false);
    expect(tail.bars.ts.length).toBe(BARS - 7_000);
    // ... but inside the read that has no end.
    expect(source.series(request(at(9_000), at(9_500))).bars.ts.length).toBe(500);
    expect(source.stats().misses).toBe(2);
    source.close();
  });

  it('does not serve a range from a read of an older version of the series', () => {
    const source = new BarSource(64 * 1024 * 1024);
    const before = source.series(request(at(0), at(BARS)));
    // Re-import the last bars with other prices: the series version changes.
    storage.barStore.mergeBars(instrument.id, '1m', randomWalkBars(100, at(BARS - 100), 7));
    const after = source.series(request(at(BARS - 200), at(BARS)));
    expect(after.fromCache).toBe(false);
    expect(after.bars.close[150]).not.toBe(before.bars.close[BARS - 50]);
    source.close();
  });
});
