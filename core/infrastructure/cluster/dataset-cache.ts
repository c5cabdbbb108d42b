import type { Redis } from 'ioredis';
import type { BarStore } from '../../application/data/bar-store.js';
import { concatBars, type BarColumns } from '../../domain/market/bars.js';
import type { InstrumentId } from '../../domain/market/ids.js';
import { CLUSTER_PROTOCOL, clusterKeys } from './cluster-protocol.js';
import { datasetHash, partField, unpackPart, type DatasetMeta } from './dataset-format.js';

/** The symbol a dataset has in an agent's cache: its hash (the app's symbol never leaves the app). */
export const datasetSymbol = (hash: string): string => `ds-${hash}`;

/**
 * An agent's datasets: fetched from Redis once by content hash, checked against it, and
 * kept as an instrument of the agent's own SQLite file, which its sweep workers read like
 * the app's workers read the app's. Concurrent batches of one dataset share one fetch.
 */
export class DatasetCache {
  private readonly fetching = new Map<string, Promise<InstrumentId>>();
  /** Datasets fetched from Redis by this process (the rest were in the cache file already). */
  fetched = 0;

  constructor(
    private readonly redis: Redis,
    private readonly bars: Pick<BarStore, 'findInstrument' | 'upsertInstrument' | 'mergeBars' | 'transaction'>,
  ) {}

  /** The cached instrument holding the dataset, fetching it first when absent. */
  instrumentFor(hash: string): Promise<InstrumentId> {
    if (!/^[0-9a-f]{24}$/.test(hash)) return Promise.reject(new Error(`Invalid dataset hash "${hash}"`));
    const cached = this.bars.findInstrument(datasetSymbol(hash));
    if (cached) return Promise.resolve(cached.id);
    let work = this.fetching.get(hash);
    if (!work) {
      work = this.fetch(hash).finally(() => this.fetching.delete(hash));
      this.fetching.set(hash, work);
    }
    return work;
  }

  private async fetch(hash: string): Promise<InstrumentId> {
    const key = clusterKeys.dataset(hash);
    const metaText = await this.redis.hget(key, 'meta');
    if (metaText === null) throw new Error(`Dataset ${hash} is not in Redis (expired, or Redis lost it); the app publishes it again with its next sweep`);
    const meta = JSON.parse(metaText) as DatasetMeta;
    if (meta.protocol !== CLUSTER_PROTOCOL) throw new Error(`Dataset ${hash} has protocol ${meta.protocol}; this agent reads ${CLUSTER_PROTOCOL}`);
    const parts: Buffer[] = [];
    const series: { timeframe: DatasetMeta['series'][number]['timeframe']; bars: BarColumns }[] = [];
    for (const s of meta.series) {
      const columns: BarColumns[] = [];
      for (let p = 0; p < s.parts; p++) {
        const bytes = await this.redis.hgetBuffer(key, partField(s.timeframe, p));
        if (bytes === null) throw new Error(`Dataset ${hash} lacks part ${partField(s.timeframe, p)}`);
        parts.push(bytes);
        columns.push(unpackPart(bytes));
      }
      const bars = concatBars(columns);
      if (bars.ts.length !== s.bars) throw new Error(`Dataset ${hash}: ${s.timeframe} has ${bars.ts.length} bars, its meta says ${s.bars}`);
      series.push({ timeframe: s.timeframe, bars });
    }
    const actual = datasetHash(meta, parts);
    if (actual !== hash) throw new Error(`Dataset ${hash} arrived with content hash ${actual}: refused`);
    const symbol = datasetSymbol(hash);
    // One transaction: another agent on the same cache file sees all of it or none.
    return this.bars.transaction(() => {
      const present = this.bars.findInstrument(symbol);
      if (present) return present.id;
      const instrument = this.bars.upsertInstrument({ ...meta.instrument, symbol });
      for (const s of series) this.bars.mergeBars(instrument.id, s.timeframe, s.bars);
      this.fetched++;
      return instrument.id;
    });
  }
}
