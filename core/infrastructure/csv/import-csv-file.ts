import { performance } from 'node:perf_hooks';
import { importBars, type BarRowSource, type ImportBarsOptions, type ImportControl, type ImportReport } from '../../application/data/import-bars.js';
import type { BarStore } from '../../application/data/bar-store.js';
import { BarFileSet, describeFiles, orderByFirstBar } from './bar-file-set.js';
import { CsvBarSource, type CsvSourceOptions } from './csv-bar-source.js';

/**
 * Imports bar files into `store` in the calling thread (the worker calls this; so do tests
 * and the bench): a CSV file, a zip archive of CSVs, or several of them (`options.files`)
 * read as one series in the order of their first bars.
 */
export function importCsvFile(store: BarStore, options: ImportBarsOptions, control: Omit<ImportControl, 'now'> = {}): ImportReport {
  const sourceOptions: CsvSourceOptions = {
    showContent: options.showContent !== false,
    ...(control.isCancelled ? { isCancelled: control.isCancelled } : {}),
  };
  return importBars(store, barSourceOpener(options, sourceOptions), options, { now: () => performance.now(), ...control });
}

/** Returns how to open the options' files for one pass of the import. */
function barSourceOpener(options: ImportBarsOptions, sourceOptions: CsvSourceOptions): () => BarRowSource {
  const name = options.fileName ?? options.file;
  if (options.files === undefined) {
    // One file: a plain CSV keeps the direct path (and its messages); an archive is a set of one.
    const [single] = describeFiles([{ path: options.file, name }]);
    if (!single!.zip) return () => new CsvBarSource(options.file, name, sourceOptions);
    return () => new BarFileSet([single!], sourceOptions);
  }
  const files = orderByFirstBar(describeFiles(options.files), sourceOptions);
  return () => new BarFileSet(files, sourceOptions);
}
