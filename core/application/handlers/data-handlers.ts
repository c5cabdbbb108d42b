import type { Instrument } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import { MAX_CHART_POINTS } from '../contract/common.js';
import type { DataHandlers } from '../contract/data.js';
import { NotFoundError } from '../errors.js';
import type { BarStore } from '../ports/bar-store.js';
import { downsampleOhlc } from './downsample.js';
import type { HandlerDeps } from './handler-deps.js';

/** Returns the stored instrument of `symbol` or throws NotFoundError. */
export function requireInstrument(barStore: BarStore, symbol: string): Instrument {
  const instrument = barStore.findInstrument(symbol);
  if (!instrument) throw new NotFoundError(`No instrument "${symbol}"; import its bars first`, { symbol });
  return instrument;
}

export function dataHandlers(deps: HandlerDeps): DataHandlers {
  const { barStore, jobs, events } = deps;
  return {
    'data/listSeries': async () => barStore.listSeries(),

    'data/import': async (args) => {
      const title = `Import ${args.symbol} ${args.timeframe}`;
      const job = jobs.start({
        kind: 'import',
        title,
        run: async (context) => {
          const report = await deps.importer.importFile(
            {
              file: args.path,
              symbol: args.symbol,
              timeframe: args.timeframe,
              ...(args.venue === undefined ? {} : { venue: args.venue }),
              ...(args.quoteCurrency === undefined ? {} : { quoteCurrency: args.quoteCurrency }),
              ...(args.priceTick === undefined ? {} : { tick: args.priceTick }),
              ...(args.quantityStep === undefined ? {} : { qtyStep: args.quantityStep }),
            },
            {
              onProgress: (p) => context.progress({ done: p.bytesRead, total: p.totalBytes, message: `${p.rowsRead} rows read` }),
              onCancel: (listener) => context.onCancel(listener),
            },
          );
          events.emit('data/changed', { kind: 'series', ids: [args.symbol] });
          return report;
        },
      });
      return { jobId: job.id };
    },

    'data/export': async (args) => {
      requireInstrument(barStore, args.symbol);
      return deps.exporter.exportCsv(args);
    },

    'data/coverage': async (args) => {
      const instrument = requireInstrument(barStore, args.symbol);
      return barStore.coverage(instrument.id, args.timeframe, args.gapThresholdBars);
    },

    'data/bars': async (args) => {
      const instrument = requireInstrument(barStore, args.symbol);
      const bars = barStore.readBars(instrument.id, args.timeframe, args.fromTs, args.toTs);
      const count = bars.ts.length;
      // Without maxPoints the answer is still capped, so one call cannot ship a year of minutes.
      const maxPoints = args.maxPoints ?? MAX_CHART_POINTS;
      const columns = downsampleOhlc(bars, 0, count, maxPoints);
      return {
        symbol: instrument.symbol,
        timeframe: args.timeframe satisfies Timeframe,
        ...columns,
        sourceBars: count,
        downsampled: count > maxPoints,
      };
    },
  };
}
