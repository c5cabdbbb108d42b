import type { BarExporter, BarImporter } from '../../application/data/bar-files.js';
import type { BarStore } from '../../application/data/bar-store.js';
import { exportBarsCsv } from './export-csv.js';
import { runImportInWorker } from './import-runner.js';

/** The BarImporter port on the import worker: each import runs in a fresh worker thread on `dbFile`. */
export function workerBarImporter(dbFile: string): BarImporter {
  return {
    importFile: (options, control) => {
      const abort = new AbortController();
      const unsubscribe = control.onCancel(() => abort.abort());
      return runImportInWorker(dbFile, options, { onProgress: control.onProgress, signal: abort.signal }).finally(unsubscribe);
    },
  };
}

/**
 * The BarExporter port on the CSV exporter (streams chunk by chunk; a failed export leaves
 * no half file). The path comes resolved and checked by the FileAccess policy.
 */
export function csvBarExporter(store: BarStore): BarExporter {
  return {
    exportCsv: async (request) => {
      const report = exportBarsCsv(store, request, request.path, { overwrite: request.overwrite === true });
      return { path: report.file, rows: report.bars };
    },
  };
}
