import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../../domain/strategy/templates.js';
import { batchJobId, checkSweepKey, CLUSTER_PROTOCOL, clusterBatchSize, type SweepBatchJob } from './cluster-protocol.js';
import { datasetHash, packPart, unpackPart, type DatasetMeta } from './dataset-format.js';
import { randomWalkBars } from '../test-kit/bar-fixture.js';

const job = (fast: number): SweepBatchJob => ({
  protocol: CLUSTER_PROTOCOL,
  engineVersion: '1.0.0',
  sweepKey: 'abc123',
  data: { dataset: '0'.repeat(24), timeframe: '1m', fromTs: 0 },
  variants: [
    { index: 8, spec: buildTemplate('sma-cross', { fast, slow: 50 }) },
    { index: 9, spec: buildTemplate('sma-cross', { fast: fast + 1, slow: 50 }) },
  ],
});

describe('the cluster protocol', () => {
  it('names a batch by its sweep, first variant and content: the same batch gets the same id, another content another', () => {
    expect(batchJobId(job(5))).toBe(batchJobId(job(5)));
    expect(batchJobId(job(5))).toMatch(/^abc123\.8\.[0-9a-f]{16}$/);
    expect(batchJobId(job(6))).not.toBe(batchJobId(job(5)));
    expect(batchJobId({ ...job(5), engineVersion: '1.0.1' })).not.toBe(batchJobId(job(5)));
    expect(batchJobId(job(5))).not.toContain(':');
  });

  it('cuts calls into about 64 batches of 4 to 32 variants, from the size alone', () => {
    expect([1, 60, 256, 1_000, 2_048, 200_000].map(clusterBatchSize)).toEqual([4, 4, 4, 16, 32, 32]);
  });

  it('accepts only keys usable in job ids and Redis keys', () => {
    expect(checkSweepKey('01a24e07f7200000f775f159819b')).toBe('01a24e07f7200000f775f159819b');
    expect(() => checkSweepKey('a:b')).toThrow('Invalid sweep key');
  });

  it('packs bars into parts that unpack to the same numbers, and hashes the dataset by its content', () => {
    const bars = randomWalkBars(1_000, Date.UTC(2024, 0, 1));
    const part = packPart(bars);
    // A socket's Buffer need not be 8-byte aligned: unpack copies.
    const shifted = Buffer.alloc(part.length + 1);
    part.copy(shifted, 1);
    const back = unpackPart(shifted.subarray(1));
    for (const field of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(back[field])).toEqual(Array.from(bars[field]));
    const meta: DatasetMeta = { protocol: CLUSTER_PROTOCOL, instrument: { venue: 'X', priceTick: 0.01, quantityStep: 1, quoteCurrency: 'USD', timeZone: 'UTC' }, series: [{ timeframe: '1m', bars: 1_000, parts: 1 }] };
    const hash = datasetHash(meta, [part]);
    expect(hash).toMatch(/^[0-9a-f]{24}$/);
    expect(datasetHash(meta, [packPart(bars)])).toBe(hash);
    bars.close[500] = bars.close[500]! + 0.01;
    expect(datasetHash(meta, [packPart(bars)])).not.toBe(hash);
    expect(datasetHash({ ...meta, instrument: { ...meta.instrument, priceTick: 0.001 } }, [part])).not.toBe(hash);
    expect(() => unpackPart(new Uint8Array(47))).toThrow('not whole bars');
  });
});
