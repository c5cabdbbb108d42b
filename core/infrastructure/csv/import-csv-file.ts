import { performance } from 'node:perf_hooks';
import { importBars, type ImportBarsOptions, type ImportControl, type ImportReport } from '../../application/data/import-bars.js';
import type { BarStore } from '../../application/data/bar-store.js';
import { CsvBarSource } from './csv-bar-source.js';

/** Imports a CSV file into `store` in the calling thread (the worker calls this; so do tests and the bench). */
export function importCsvFile(store: BarStore, options: ImportBarsOptions, control: Omit<ImportControl, 'now'> = {}): ImportReport {
  const openSource = () =>
    new CsvBarSource(options.file, options.fileName ?? options.file, {
      showContent: options.showContent !== false,
      ...(control.isCancelled ? { isCancelled: control.isCancelled } : {}),
    });
  return importBars(store, openSource, options, { now: () => performance.now(), ...control });
}
