import type { Timeframe } from '../../domain/market/timeframe.js';
import { MAX_CHART_POINTS } from '../contract/common.js';
import type { DataHandlers } from './contract.js';
import { requireInstrument, requireStoredTimeframe } from './instruments.js';
import { ValidationError } from '../errors.js';
import { downsampleOhlc } from '../charts/downsample.js';
import { readSeriesBars, seriesSource, warmUpStart } from './series-bars.js';
import { lastPerBucket, MAX_INDICATOR_BARS, operandsWarmUpBars, operandValues } from './indicator-columns.js';
import { lowerBound, sliceBars, type BarColumns } from '../../domain/market/bars.js';
import type { VariableOperand } from '../../domain/strategy/spec.js';
import type { HandlerDeps } from '../handler-deps.js';

/** Chart answers kept: a few series at a few ranges (each is at most MAX_CHART_POINTS bars). */
const BAR_ANSWERS_KEPT = 16;

/**
 * The operands' values per bucket of bars [first, end), computed from the bars before
 * `first` too (their warm-up) while that stays within MAX_INDICATOR_BARS: a long warm-up
 * is cut at its oldest bars first (the indicators then start less settled), a range longer
 * than the budget is refused (operandValues).
 */
function indicatorColumns(bars: BarColumns, first: number, end: number, buckets: number, operands: readonly VariableOperand[], timeframe: Timeframe) {
  const start = Math.min(first, Math.max(0, end - MAX_INDICATOR_BARS));
  return operandValues(sliceBars(bars, start, end), operands, timeframe).map(({ key, values }) => ({ key, values: lastPerBucket(values, first - start, end - start, buckets) }));
}

export function dataHandlers(deps: HandlerDeps): DataHandlers {
  const { barStore, jobs, events } = deps;
  // Every run's price chart asks for its whole range (a year of minutes is ~60-90 ms to
  // read and reduce on this thread); runs repeated on the same series ask the same
  // question. Keyed by the series' version, so an import never leaves a stale answer.
  const barAnswers = new Map<string, Awaited<ReturnType<DataHandlers['data/bars']>>>();
  return {
    'data/listSeries': async () => barStore.listSeries(),

    'data/setTags': async (args) => {
      const instrument = requireInstrument(barStore, args.symbol);
      barStore.setInstrumentTags(instrument.id, args.tags);
      events.emit('data/changed', { kind: 'series', ids: [String(instrument.id)] });
      const tags = barStore.listSeries().find((s) => s.instrument.id === instrument.id)?.tags ?? [...new Set(args.tags.map((t) => t.trim()))];
      return { symbol: instrument.symbol, tags };
    },

    'data/import': async (args) => {
      const timeframe = args.timeframe ?? 'auto';
      // One file (path) or several (files): several are one import, named by their count in messages.
      const given = args.files ?? (args.path === undefined ? [] : [{ path: args.path, ...(args.fileName === undefined ? {} : { name: args.fileName }) }]);
      const [first] = given;
      if (!first) throw new ValidationError('Nothing to import: give a file');
      // Each path is checked now, so one that may not be read is answered at once, not as a failed job;
      // messages name a file as the caller did (not by its resolved path).
      const files = given.map((file) => ({ ...deps.files.importSource(file.path), name: file.name ?? file.path }));
      const showContent = files.every((file) => file.showContent);
      const several = files.length > 1;
      const fileName = several ? `${files.length} files` : (first.name ?? args.fileName);
      const title = `Import ${args.symbol} ${timeframe === 'auto' ? '(timeframe from the file)' : timeframe}${fileName ? ` from ${fileName}` : ''}`;
      const job = jobs.start({
        kind: 'import',
        title,
        run: async (context) => {
          const report = await deps.importer.importFile(
            {
              file: files[0]!.path,
              fileName: fileName ?? files[0]!.name,
              ...(several ? { files: files.map(({ path, name }) => ({ path, name })) } : {}),
              ...(showContent ? {} : { showContent: false }),
              symbol: args.symbol,
              timeframe,
              ...(args.forceTimeframe === undefined ? {} : { forceTimeframe: args.forceTimeframe }),
              ...(args.skipBadRows === undefined ? {} : { skipBadRows: args.skipBadRows }),
              ...(args.venue === undefined ? {} : { venue: args.venue }),
              ...(args.quoteCurrency === undefined ? {} : { quoteCurrency: args.quoteCurrency }),
              ...(args.priceTick === undefined ? {} : { tick: args.priceTick }),
              ...(args.quantityStep === undefined ? {} : { qtyStep: args.quantityStep }),
            },
            {
              // Rows are counted in `items` and worded by the UI (its number format), not here.
              onProgress: (p) => context.progress({ done: p.bytesRead, total: p.totalBytes, items: p.rowsRead }),
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
      requireStoredTimeframe(barStore, args.symbol, args.timeframe);
      const target = deps.files.exportTarget(args.path);
      const written = await deps.exporter.exportCsv({ ...args, path: target.path });
      return { ...written, ...(target.relativeTo === undefined ? {} : { relativeTo: target.relativeTo }) };
    },

    'data/coverage': async (args) => {
      const instrument = requireInstrument(barStore, args.symbol);
      return { ...barStore.coverage(instrument.id, args.timeframe, args.gapThresholdBars), priceTick: instrument.priceTick, quantityStep: instrument.quantityStep };
    },

    'data/delete': async (args) => {
      const deletion = deps.deletions.delete(args.symbol, args.timeframe);
      events.emit('data/changed', { kind: 'series', ids: [args.symbol] });
      return deletion;
    },

    'data/undoDelete': async (args) => {
      const deletion = deps.deletions.undo(args.deletionId);
      events.emit('data/changed', { kind: 'series', ids: [deletion.symbol] });
      return deletion;
    },

    'data/bars': async (args) => {
      const instrument = requireInstrument(barStore, args.symbol);
      // Without maxPoints the answer is still capped, so one call cannot ship a year of minutes.
      const maxPoints = args.maxPoints ?? MAX_CHART_POINTS;
      // The version is read before the bars: an answer is never filed under a newer version than its bars.
      const source = seriesSource(barStore, instrument.id, args.timeframe);
      const operands = args.operands ?? [];
      const key = [instrument.id, args.timeframe, source.resampled ? 'resampled' : 'stored', source.version, args.fromTs ?? '', args.toTs ?? '', maxPoints, JSON.stringify(operands)].join('|');
      const kept = barAnswers.get(key);
      if (kept) {
        barAnswers.delete(key);
        barAnswers.set(key, kept);
        return kept;
      }
      // Indicators are computed from the bars before the range too (their warm-up), so
      // they are defined from the first bar shown, as in a run over that range.
      const readFrom = operands.length === 0 ? args.fromTs : warmUpStart(barStore, instrument.id, args.timeframe, source, args.fromTs, operandsWarmUpBars(operands, args.timeframe));
      const bars = readSeriesBars(barStore, instrument.id, args.timeframe, source, readFrom, args.toTs);
      const first = readFrom === args.fromTs ? 0 : lowerBound(bars.ts, args.fromTs!);
      const end = bars.ts.length;
      const count = end - first;
      const answer = {
        symbol: instrument.symbol,
        timeframe: args.timeframe satisfies Timeframe,
        ...downsampleOhlc(bars, first, end, maxPoints),
        ...(operands.length === 0
          ? {}
          : { indicators: indicatorColumns(bars, first, end, maxPoints, operands, args.timeframe) }),
        sourceBars: count,
        downsampled: count > maxPoints,
      };
      barAnswers.set(key, answer);
      if (barAnswers.size > BAR_ANSWERS_KEPT) barAnswers.delete(barAnswers.keys().next().value!);
      return answer;
    },
  };
}
