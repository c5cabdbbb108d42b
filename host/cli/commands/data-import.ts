import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../../core/application/errors.js';
import type { ImportBarsOptions } from '../../../core/application/data/import-bars.js';
import { runImportInWorker } from '../../../core/infrastructure/csv/import-runner.js';
import { databasePath } from '../../../core/infrastructure/data-dir.js';
import { FilePolicy } from '../../../core/infrastructure/files/file-policy.js';
import { openStorage } from '../../../core/infrastructure/sqlite/storage.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type CommandCode } from '../command.js';
import { dataDirOf } from '../context.js';
import { printJson, printLine } from '../output.js';
import { createProgress } from '../progress.js';
import { isoOf, parseNumberArg } from '../time-args.js';

/** Kinds of file a folder given to `data import` is read for. */
const IMPORTABLE = /\.(zip|csv|txt)$/i;

/**
 * The files to import, as absolute paths: each FILE as given, and the CSVs and zip
 * archives directly inside each FOLDER (sorted by name; the import orders them by date).
 */
function importFilesOf(positionals: readonly string[]): string[] {
  return positionals.flatMap((given) => {
    const absolute = path.resolve(given);
    // A missing file is passed on: the import names it.
    if (!statSync(absolute, { throwIfNoEntry: false })?.isDirectory()) return [absolute];
    const inside = readdirSync(absolute, { withFileTypes: true })
      .filter((entry) => entry.isFile() && IMPORTABLE.test(entry.name))
      .map((entry) => path.join(absolute, entry.name))
      .sort();
    if (inside.length === 0) throw new UsageError(`${given} is a folder with no .zip or .csv files in it`);
    return inside;
  });
}

export const dataImportCommand: CommandCode = {
  async run(input, command) {
    if (input.positionals.length === 0) throw new UsageError(`expected a FILE (or several, or a folder)\nusage: ${command.usage}`);
    const given = importFilesOf(input.positionals);
    const symbol = stringFlag(input, 'symbol');
    if (!symbol) throw new UsageError('--symbol is required');
    const duplicates = stringFlag(input, 'duplicates');
    if (duplicates !== undefined && duplicates !== 'reject' && duplicates !== 'last-wins') {
      throw new UsageError(`--duplicates: expected reject or last-wins, got "${duplicates}"`);
    }
    const qtyStep = parseNumberArg('--qty-step', stringFlag(input, 'qty-step'));
    const tickFlag = stringFlag(input, 'tick');
    const tick = tickFlag === undefined || tickFlag === 'auto' ? undefined : parseNumberArg('--tick', tickFlag);
    const venue = stringFlag(input, 'venue');
    const quoteCurrency = stringFlag(input, 'currency');
    const dataDir = dataDirOf(input);
    // The same path policy as the app's, for each file: regular files only, never the store's own files.
    const policy = new FilePolicy({ dataDir });
    const files = given.map((file) => ({ path: policy.importSource(file).path, name: file }));
    const options: ImportBarsOptions = {
      file: files[0]!.path,
      fileName: files.length > 1 ? `${files.length} files` : files[0]!.name,
      ...(files.length > 1 ? { files: files.map((f) => ({ path: f.path, name: path.basename(f.name) })) } : {}),
      symbol,
      timeframe: stringFlag(input, 'timeframe') ?? 'auto',
      forceTimeframe: boolFlag(input, 'force-timeframe'),
      skipBadRows: boolFlag(input, 'skip-bad-rows'),
      duplicates: duplicates === 'last-wins' ? 'lastWins' : 'reject',
      ...(qtyStep === undefined ? {} : { qtyStep }),
      ...(tick === undefined ? {} : { tick }),
      ...(venue === undefined ? {} : { venue }),
      ...(quoteCurrency === undefined ? {} : { quoteCurrency }),
    };
    const json = boolFlag(input, 'json');
    const dbFile = databasePath(dataDir);
    // Create and migrate the database here so the worker finds the current schema.
    openStorage({ file: dbFile }).close();
    const progress = createProgress('import', !json);
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      const report = await runImportInWorker(dbFile, options, {
        signal: abort.signal,
        onProgress: (p) => progress.update(p.bytesRead, p.totalBytes, `${p.rowsRead.toLocaleString('en-US')} rows, ${Math.round(p.rowsPerSecond).toLocaleString('en-US')} rows/s`),
      }).catch((error: unknown) => {
        // The check's message names the detected and chosen timeframes; the flag is the CLI's own.
        if (error instanceof ValidationError && (error.details as { chosenTimeframe?: string } | undefined)?.chosenTimeframe !== undefined) {
          throw new ValidationError(`${error.message} (or pass --force-timeframe to import it as ${options.timeframe} anyway)`);
        }
        throw error;
      });
      progress.stop();
      if (json) {
        printJson(report);
        return;
      }
      printLine(
        `Imported ${report.symbol} ${report.timeframe}: ${report.rowsRead.toLocaleString('en-US')} rows read, ` +
          `${report.barsWritten.inserted.toLocaleString('en-US')} bars inserted, ${report.barsWritten.replaced.toLocaleString('en-US')} replaced ` +
          `(${isoOf(report.firstTs)} .. ${isoOf(report.lastTs)}) in ${Math.round(report.durationMs)} ms`,
      );
      if (report.priceTickSource === 'inferred') printLine(`Price tick ${report.priceTick} (from the file's prices)`);
      for (const warning of report.warnings) printLine(`Warning: ${warning}`);
      if (report.duplicates > 0) printLine(`${report.duplicates} duplicate timestamp(s): the last row won`);
      if (report.skippedCount > 0) {
        printLine(`${report.skippedCount} bad ${report.skippedCount === 1 ? 'row' : 'rows'} skipped:`);
        for (const r of report.skipped) printLine(`  ${r.file}:${r.line}: ${r.message}`);
      }
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
    }
  },
};
