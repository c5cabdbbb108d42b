import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAR_FIELDS } from '../../domain/market/bars.js';
import type { Instrument } from '../../domain/market/instrument.js';
import { randomWalkBars, seedStore } from '../test-kit/bar-fixture.js';
import { tempDir } from '../test-kit/temp-db.js';
import type { Storage } from './storage.js';
import { BarSource, type BarPeers, type PeerBars } from './bar-source.js';

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

  it('shares a read with linked peers: read once into shared memory, taken by the other for the same range and the ranges inside it', () => {
    const inboxes: PeerBars[][] = [[], []];
    const peer = (k: number): BarPeers => ({
      publish: (offer) => inboxes[1 - k]!.push(offer),
      receive: () => inboxes[k]!.splice(0),
    });
    const first = new BarSource(64 * 1024 * 1024, peer(0));
    const second = new BarSource(64 * 1024 * 1024, peer(1));
    const read = first.series(request(at(100), at(9_000)));
    expect(read.fromCache).toBe(false);
    expect(read.bars.ts.buffer).toBeInstanceOf(SharedArrayBuffer);

    const taken = second.series(request(at(100), at(9_000)));
    expect(taken.fromCache).toBe(true);
    expect(taken.key).toBe(read.key);
    expect(taken.bars.close).toBe(read.bars.close); // the same memory, not a copy
    expect(second.stats()).toMatchObject({ adopted: 1, misses: 0, hits: 1 });
    // A range inside the offered one: views of it, no read of its own.
    const inside = second.series(request(at(2_000), at(3_000)));
    expect(inside.bars.ts.buffer).toBe(read.bars.ts.buffer);
    expect(Array.from(inside.bars.ts.subarray(0, 2))).toEqual([at(2_000), at(2_001)]);
    expect(second.stats().misses).toBe(0);
    // Nothing comes back the other way for what the first already holds.
    expect(first.adoptFromPeers()).toBe(0);
    // Without peers the same read is a private one.
    const alone = new BarSource(64 * 1024 * 1024).series(request(at(100), at(9_000)));
    expect(alone.bars.ts.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    for (const field of BAR_FIELDS) expect(Array.from(taken.bars[field])).toEqual(Array.from(alone.bars[field]));
    first.close();
    second.close();
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

  it('reads warm-up bars before fromTs: as many as asked across chunks, as many as stored, whole buckets when resampled', () => {
    const source = new BarSource(64 * 1024 * 1024);
    const plain = source.series(request(at(5_000), at(6_000)));
    expect(plain.warmUpBars).toBe(0);
    // 4,500 earlier bars span the chunk boundary at 4,096; the range's bars follow them unchanged.
    const warmed = source.series({ ...request(at(5_000), at(6_000)), warmUpBars: 4_500 });
    expect(warmed.warmUpBars).toBe(4_500);
    expect(warmed.bars.ts[0]).toBe(at(500));
    expect(warmed.key).not.toBe(plain.key);
    for (const field of BAR_FIELDS) expect(Array.from(warmed.bars[field].subarray(4_500))).toEqual(Array.from(plain.bars[field]));
    // Only 5,000 are stored before: all of them.
    const short = source.series({ ...request(at(5_000), at(6_000)), warmUpBars: 8_000 });
    expect([short.warmUpBars, short.bars.ts[0]]).toEqual([5_000, at(0)]);
    // From the first stored bar (or before it): nothing earlier, the same bars and key as without.
    const first = source.series({ ...request(at(0) - 3_600_000, at(100)), warmUpBars: 30 });
    expect([first.warmUpBars, first.key]).toEqual([0, source.series(request(at(0) - 3_600_000, at(100))).key]);
    // 15m resampled from 1m, from mid-bucket: 10 whole buckets before the first bucket of the range.
    const m15 = { ...request(at(3_000) + 7 * MINUTE, at(4_000)), timeframe: '15m' as const };
    const runOnly = source.series(m15);
    const htf = source.series({ ...m15, warmUpBars: 10 });
    expect(htf.origin).toBe('resampled');
    expect(htf.warmUpBars).toBe(10);
    expect(htf.bars.ts[10]).toBe(runOnly.bars.ts[0]);
    expect(runOnly.bars.ts[0]! - htf.bars.ts[0]!).toBe(10 * 15 * MINUTE);
    for (const field of BAR_FIELDS) expect(Array.from(htf.bars[field].subarray(10))).toEqual(Array.from(runOnly.bars[field]));
    // The magnifier's 1m bars stay those of the range.
    expect(source.minuteBarsFor({ ...m15, warmUpBars: 10 })!.ts[0]).toBe(runOnly.bars.ts[0]);
    source.close();
  });

  it("streams a portfolio's windows into reused buffers: the bars of fresh windows, one buffer per instrument for the whole run", () => {
    // 70,000 minutes: three windows of 32,768 (portfolio-feed.ts); the other instrument ends in the first.
    const long = storage.barStore.upsertInstrument({ symbol: 'LONG', venue: 'TEST', priceTick: 0.0001, quantityStep: 0.001, quoteCurrency: 'USD', timeZone: 'UTC' });
    storage.barStore.mergeBars(long.id, '1m', randomWalkBars(70_000, START, 9));
    const source = new BarSource(1024 * 1024);
    const portfolio = { instruments: [instrument, long], timeframe: '1m' as const, warmUpBars: 0, magnifier: false };
    const bytes = (column: Float64Array) => Buffer.from(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    const fresh = [...source.portfolio(storage.file, portfolio).windows()].map((w) => w.bars.map((b) => BAR_FIELDS.map((f) => Buffer.from(bytes(b[f])))));
    const buffers = new Set<ArrayBufferLike>();
    let k = 0;
    for (const window of source.portfolio(storage.file, portfolio).windows({ reuse: true })) {
      window.bars.forEach((b, m) => BAR_FIELDS.forEach((f, c) => expect(bytes(b[f]).equals(fresh[k]![m]![c]!)).toBe(true)));
      buffers.add(window.bars[1]!.ts.buffer);
      k++;
    }
    expect(k).toBe(3);
    expect(fresh.flat().reduce((n, columns) => n + columns[0]!.length / 8, 0)).toBe(BARS + 70_000);
    expect(buffers.size).toBe(1);
    source.close();
  });
});
