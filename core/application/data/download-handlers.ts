import { timeframeMs } from '../../domain/market/timeframe.js';
import type { JobContext } from '../jobs/job-registry.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { HandlerDeps } from '../handler-deps.js';
import type { DownloadProgress, DownloadReport, DownloadRequest } from './download-bars.js';
import type { DownloadHandlers } from './download-contract.js';

/** Runs a download off the calling thread (a worker in the app). */
export interface BarDownloader {
  download(request: DownloadRequest, control: { onProgress(progress: DownloadProgress): void; onCancel(listener: () => void): () => void }): Promise<DownloadReport>;
}

const minute = (ts: number): string => new Date(ts).toISOString().slice(0, 16).replace('T', ' ');

/** The job's progress: range covered in ms, bars fetched (a cancel or failure stores them too), the time left, and a wait or how far it got. */
function jobProgress(p: DownloadProgress) {
  return {
    done: p.doneMs,
    total: p.totalMs,
    items: p.barsFetched,
    ...(p.etaMs === null ? {} : { etaMs: p.etaMs }),
    ...(p.note !== undefined ? { message: p.note } : p.reachedTs === null ? {} : { message: `up to ${minute(p.reachedTs)} UTC` }),
  };
}

export function downloadHandlers(deps: HandlerDeps): DownloadHandlers {
  const { barStore, jobs, events } = deps;

  const start = (request: DownloadRequest, title: string) => {
    const job = jobs.start({
      kind: 'download',
      title,
      run: async (context: JobContext) => {
        let stored = 0;
        try {
          return await deps.downloader.download(request, {
            onProgress: (p) => {
              context.progress(jobProgress(p));
              // A slice was committed: screens showing the series (coverage) follow the download as it goes.
              if (p.barsStored > stored) {
                stored = p.barsStored;
                events.emit('data/changed', { kind: 'series', ids: [request.symbol ?? request.market] });
              }
            },
            onCancel: (listener) => context.onCancel(listener),
          });
        } finally {
          // Whole slices may be stored whatever the outcome: lists showing the series reload.
          events.emit('data/changed', { kind: 'series', ids: [request.symbol ?? request.market] });
        }
      },
    });
    return { jobId: job.id };
  };

  return {
    'data/download': async (args) => {
      const request: DownloadRequest = {
        exchange: args.exchange,
        market: args.market,
        timeframe: args.timeframe,
        fromTs: args.fromTs,
        ...(args.toTs === undefined ? {} : { toTs: args.toTs }),
        ...(args.symbol === undefined ? {} : { symbol: args.symbol }),
        ...(args.wholeRange === undefined ? {} : { wholeRange: args.wholeRange }),
      };
      const into = args.symbol !== undefined && args.symbol !== args.market ? ` into ${args.symbol}` : '';
      return start(request, `Download ${args.market} ${args.timeframe} from ${args.exchange}${into}${args.wholeRange ? ` (${minute(args.fromTs)} to ${args.toTs === undefined ? 'now' : minute(args.toTs)})` : ''}`);
    },

    'data/update': async (args) => {
      const instrument = barStore.findInstrument(args.symbol);
      if (!instrument) throw new NotFoundError(`No instrument "${args.symbol}"`, { symbol: args.symbol });
      if (!instrument.source) {
        throw new ValidationError(`${args.symbol} was imported from files, not downloaded: there is no exchange to update it from. Download it from an exchange instead.`);
      }
      const lastTs = barStore.coverage(instrument.id, args.timeframe).lastTs;
      if (lastTs === null) throw new ValidationError(`${args.symbol} has no ${args.timeframe} bars to update; download them first`);
      const request: DownloadRequest = {
        exchange: instrument.source.exchange,
        market: instrument.source.market,
        timeframe: args.timeframe,
        fromTs: lastTs + timeframeMs(args.timeframe),
        symbol: instrument.symbol,
      };
      return start(request, `Update ${args.symbol} ${args.timeframe} from ${instrument.source.exchange}`);
    },
  };
}
