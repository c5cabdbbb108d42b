import { boolFlag, type CommandCode } from '../command.js';
import { call, withWorkstation } from '../workstation.js';
import { printJson, printLine, printTable } from '../output.js';
import { isoOf } from '../time-args.js';

export const dataListCommand: CommandCode = {
  run: (input) =>
    withWorkstation(input, async (workstation) => {
      const series = await call(workstation, 'data/listSeries');
      if (boolFlag(input, 'json')) {
        printJson({
          series: series.map((s) => ({
            symbol: s.instrument.symbol,
            venue: s.instrument.venue,
            timeframe: s.timeframe,
            first: isoOf(s.firstTs) || null,
            last: isoOf(s.lastTs) || null,
            firstTs: s.firstTs,
            lastTs: s.lastTs,
            barCount: s.barCount,
            gapCount: s.gapCount,
            weekendClosures: s.weekendClosures,
            sessionClosures: s.sessionClosures,
            priceTick: s.instrument.priceTick,
            quantityStep: s.instrument.quantityStep,
            quoteCurrency: s.instrument.quoteCurrency,
            // The exchange and market a downloaded instrument is updated from (bws data update).
            source: s.instrument.source ?? null,
          })),
        });
        return;
      }
      if (series.length === 0) {
        printLine(
          'No data yet. Import a CSV with `bws data import FILE --symbol SYM`, download from an exchange with ' +
            '`bws data download --exchange binance --symbol BTC/USDT --timeframe 1m --from 2024-01-01`, or seed demo data with `bws demo`.',
        );
        return;
      }
      printTable(
        ['symbol', 'venue', 'tf', 'first', 'last', 'bars', 'gaps', 'weekends closed', 'nights closed'],
        series.map((s) => [s.instrument.symbol, s.instrument.venue, s.timeframe, isoOf(s.firstTs), isoOf(s.lastTs), s.barCount, s.gapCount, s.weekendClosures, s.sessionClosures]),
      );
    }),
};
