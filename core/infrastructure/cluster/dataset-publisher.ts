import type { Redis } from 'ioredis';
import type { BarStore } from '../../application/data/bar-store.js';
import { NotFoundError } from '../../application/errors.js';
import type { SweepData } from '../../application/sweeps/ports.js';
import { concatBars, sliceBars, type BarColumns } from '../../domain/market/bars.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import { CLUSTER_PROTOCOL, clusterKeys, DATASET_TTL_S } from './cluster-protocol.js';
import { datasetHash, packPart, PART_BARS, partField, type DatasetMeta, type DatasetSeries } from './dataset-format.js';

export type DatasetSource = Pick<BarStore, 'listInstruments' | 'seriesVersion' | 'iterateChunks'>;

/** Gives the event loop a turn: the app's thread also answers the UI while a dataset is read. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Publishes the bars a sweep reads as a dataset in Redis, named by its content hash, and
 * returns the hash. The dataset holds whole stored series, not the sweep's range: a sweep's
 * warm-up reaches back before its range (as far as its most demanding variant needs), and
 * the next sweep over the same instrument finds the agents' copy already cached. Series:
 * the sweep's timeframe when stored, and the 1m bars when the timeframe is resampled from
 * them or the magnifier reads them (the same reads a local sweep worker makes).
 *
 * Read one stored chunk per event-loop turn. Hashes are remembered by the series' change
 * counters, so later sweeps on unchanged bars cost one EXISTS.
 */
export class DatasetPublisher {
  private readonly known = new Map<string, string>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly redis: Redis,
    private readonly bars: DatasetSource,
  ) {}

  async publish(data: SweepData): Promise<string> {
    const versionKey = this.versionKey(data);
    const hash = this.known.get(versionKey);
    // Each sweep renews the dataset's lease; one that expired (or a Redis that lost it) is written again.
    if (hash !== undefined && (await this.redis.expire(clusterKeys.dataset(hash), DATASET_TTL_S)) === 1) return hash;
    let work = this.pending.get(versionKey);
    if (!work) {
      work = this.build(data).finally(() => this.pending.delete(versionKey));
      this.pending.set(versionKey, work);
    }
    const published = await work;
    this.known.set(versionKey, published);
    return published;
  }

  private versionKey(data: SweepData): string {
    const tfs: Timeframe[] = data.timeframe === '1m' ? ['1m'] : [data.timeframe, '1m'];
    return `${data.instrumentId}|${data.timeframe}|${data.magnifier !== false}|${tfs.map((tf) => this.bars.seriesVersion(data.instrumentId, tf)).join(',')}`;
  }

  private async build(data: SweepData): Promise<string> {
    const instrument = this.bars.listInstruments().find((i) => i.id === data.instrumentId);
    if (!instrument) throw new NotFoundError(`No instrument with id ${data.instrumentId}`);
    for (;;) {
      const before = this.versionKey(data);
      const series: DatasetSeries[] = [];
      const parts: { field: string; bytes: Buffer }[] = [];
      const add = (timeframe: Timeframe, bars: BarColumns): void => {
        const count = Math.ceil(bars.ts.length / PART_BARS);
        for (let p = 0; p < count; p++) {
          const slice = sliceBars(bars, p * PART_BARS, Math.min(bars.ts.length, (p + 1) * PART_BARS));
          parts.push({ field: partField(timeframe, p), bytes: packPart(slice) });
        }
        series.push({ timeframe, bars: bars.ts.length, parts: count });
      };
      const own = await this.readSeries(data.instrumentId, data.timeframe);
      if (own.ts.length > 0) add(data.timeframe, own);
      // A stored timeframe with the magnifier off reads no 1m bars; a resampled one is made of them.
      if (data.timeframe !== '1m' && (own.ts.length === 0 || data.magnifier !== false)) {
        const minutes = await this.readSeries(data.instrumentId, '1m');
        if (minutes.ts.length > 0) add('1m', minutes);
      }
      // A re-import while reading would mix two versions: read again.
      if (this.versionKey(data) !== before) continue;
      const { id: _id, symbol: _symbol, ...fields } = instrument;
      const meta: DatasetMeta = { protocol: CLUSTER_PROTOCOL, instrument: fields, series };
      const hash = datasetHash(
        meta,
        parts.map((p) => p.bytes),
      );
      const key = clusterKeys.dataset(hash);
      if ((await this.redis.expire(key, DATASET_TTL_S)) === 1) return hash;
      // Parts first and meta last, in one transaction: a reader that finds meta finds every part.
      const multi = this.redis.multi();
      for (const part of parts) multi.hset(key, part.field, part.bytes);
      multi.hset(key, 'meta', JSON.stringify(meta));
      multi.expire(key, DATASET_TTL_S);
      await multi.exec();
      return hash;
    }
  }

  private async readSeries(id: SweepData['instrumentId'], timeframe: Timeframe): Promise<BarColumns> {
    const chunks: BarColumns[] = [];
    for (const chunk of this.bars.iterateChunks(id, timeframe)) {
      chunks.push(chunk);
      await nextTurn();
    }
    return concatBars(chunks);
  }
}
