import type { DownloadProgress, DownloadReport, DownloadRequest } from '../../../core/application/data/download-bars.js';
import { NotFoundError, ValidationError } from '../../../core/application/errors.js';
import { TIMEFRAMES, isTimeframe, timeframeMs, type Timeframe } from '../../../core/domain/market/timeframe.js';
import { nearestTimeframes } from '../../../core/domain/market/timeframe-suggest.js';
import { databasePath } from '../../../core/infrastructure/data-dir.js';
import { runDownloadInWorker } from '../../../core/infrastructure/exchanges/download-runner.js';
import { exchangeConnectionFromEnv } from '../../../core/infrastructure/exchanges/exchange-connection.js';
import { openStorage } from '../../../core/infrastructure/sqlite/storage.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type CommandCode, type CommandInput } from '../command.js';
import { dataDirOf } from '../context.js';
import { printJson, printLine } from '../output.js';
import { createProgress } from '../progress.js';
import { isoOf, parseIsoArg } from '../time-args.js';

/** A --timeframe the workstation stores, or a usage error naming the nearest ones. */
function timeframeArg(value: string | undefined): Timeframe {
  if (value === undefined) throw new UsageError('--timeframe is required');
  if (isTimeframe(value)) return value;
  throw new UsageError(`--timeframe: "${value}" is not a timeframe the workstation stores; nearest: ${nearestTimeframes(value).join(', ')} (all: ${TIMEFRAMES.join(', ')})`);
}

const count = (n: number): string => n.toLocaleString('en-US');
const minutes = (ms: number): string => (ms >= 90_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

/** Runs one download in its worker with a progress bar on a terminal; Ctrl-C cancels it (whole slices are kept). */
async function runDownload(input: CommandInput, request: DownloadRequest, json: boolean): Promise<DownloadReport> {
  const dbFile = databasePath(dataDirOf(input));
  // Create and migrate the database here so the worker finds the current schema.
  openStorage({ file: dbFile }).close();
  const progress = createProgress('download', !json);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await runDownloadInWorker(dbFile, request, {
      connection: exchangeConnectionFromEnv(process.env),
      signal: abort.signal,
      onProgress: (p: DownloadProgress) =>
        progress.update(
          p.doneMs,
          p.totalMs,
          p.note ?? `${count(p.barsFetched)} bars${p.reachedTs === null ? '' : ` to ${isoOf(p.reachedTs).slice(0, 16)}`}${p.etaMs === null ? '' : `, ${minutes(p.etaMs)} left`}`,
        ),
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
}

/** Words a finished download for the terminal. */
function printReport(report: DownloadReport): void {
  const { inserted, replaced } = report.barsWritten;
  const into = report.symbol === report.market ? '' : ` into ${report.symbol}`;
  const what = `${report.market} ${report.timeframe} from ${report.exchange}${into}`;
  if (report.firstTs === null) printLine(`Nothing new to download for ${what} (${isoOf(report.fromTs)} .. ${isoOf(report.toTs)}).`);
  else {
    printLine(
      `Downloaded ${what}: ${count(inserted)} new bars${replaced > 0 ? `, ${count(replaced)} replaced` : ''} ` +
        `(${isoOf(report.firstTs)} .. ${isoOf(report.lastTs)}) in ${count(report.requests)} requests, ${(report.durationMs / 1000).toFixed(1)} s`,
    );
  }
  if (report.alreadyStored) printLine(`Already stored, not fetched again: ${isoOf(report.alreadyStored.fromTs)} .. ${isoOf(report.alreadyStored.toTs - timeframeMs(report.timeframe))}`);
  if (report.dataEndsTs !== null) printLine(`${report.exchange} has nothing newer than ${isoOf(report.dataEndsTs)}`);
  if (report.retries > 0) printLine(`${count(report.retries)} request(s) retried after passing failures`);
  if (report.priceTick !== null && report.quantityStep !== null) printLine(`${report.symbol}: price tick ${report.priceTick}, quantity step ${report.quantityStep}, quoted in ${report.quoteCurrency}`);
}

export const dataDownloadCommand: CommandCode = {
  async run(input, command) {
    if (input.positionals.length > 0) throw new UsageError(`unexpected argument "${input.positionals[0]}"\nusage: ${command.usage}`);
    const exchange = stringFlag(input, 'exchange')?.trim().toLowerCase();
    if (!exchange) throw new UsageError('--exchange is required (e.g. binance, upbit)');
    const market = stringFlag(input, 'symbol')?.trim();
    if (!market) throw new UsageError('--symbol is required (BASE/QUOTE, e.g. BTC/USDT)');
    const timeframe = timeframeArg(stringFlag(input, 'timeframe'));
    const fromTs = parseIsoArg('--from', stringFlag(input, 'from'));
    if (fromTs === undefined) throw new UsageError('--from is required (an ISO date, e.g. 2024-01-01)');
    const toTs = parseIsoArg('--to', stringFlag(input, 'to'));
    if (toTs !== undefined && toTs <= fromTs) throw new UsageError('--to must be after --from');
    const symbol = stringFlag(input, 'as');
    const json = boolFlag(input, 'json');
    const report = await runDownload(
      input,
      {
        exchange,
        market,
        timeframe,
        fromTs,
        ...(toTs === undefined ? {} : { toTs }),
        ...(symbol === undefined ? {} : { symbol }),
        ...(boolFlag(input, 'whole-range') ? { wholeRange: true } : {}),
      },
      json,
    );
    if (json) printJson(report);
    else printReport(report);
  },
};

export const dataUpdateCommand: CommandCode = {
  async run(input) {
    const symbol = stringFlag(input, 'symbol');
    if (!symbol) throw new UsageError('--symbol is required');
    const wanted = stringFlag(input, 'timeframe');
    const only = wanted === undefined ? undefined : timeframeArg(wanted);
    const storage = openStorage({ dataDir: dataDirOf(input), readers: 1 });
    let plan: DownloadRequest[];
    try {
      const instrument = storage.barStore.findInstrument(symbol);
      if (!instrument) throw new NotFoundError(`No instrument "${symbol}"`);
      const source = instrument.source;
      if (!source) throw new ValidationError(`${symbol} was imported from files, not downloaded: there is no exchange to update it from (use bws data download)`);
      plan = storage.barStore.listSeries().flatMap((s) =>
        s.instrument.id === instrument.id && s.lastTs !== null && (only === undefined || s.timeframe === only)
          ? [{ exchange: source.exchange, market: source.market, timeframe: s.timeframe, fromTs: s.lastTs + timeframeMs(s.timeframe), symbol }]
          : [],
      );
      if (plan.length === 0) throw new ValidationError(`${symbol} has no ${only === undefined ? '' : `${only} `}bars to update; download them first`);
    } finally {
      storage.close();
    }
    const json = boolFlag(input, 'json');
    const reports: DownloadReport[] = [];
    for (const request of plan) {
      const report = await runDownload(input, request, json);
      reports.push(report);
      if (!json) printReport(report);
    }
    if (json) printJson(reports);
  },
};
