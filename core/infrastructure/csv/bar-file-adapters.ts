import os from 'node:os';
import path from 'node:path';
import type { BarExporter, BarImporter } from '../../application/data/bar-files.js';
import type { BarStore } from '../../application/data/bar-store.js';
import { exportBarsCsv, resolveExportPath } from './export-csv.js';
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
 * no half file). A relative path is taken from `baseDir` (default: the user's home folder).
 */
export function csvBarExporter(store: BarStore, baseDir?: string): BarExporter {
  return {
    exportCsv: async (request) => {
      const base = baseDir ?? os.homedir();
      const file = resolveExportPath(request.path, base);
      const report = exportBarsCsv(store, request, file, { overwrite: request.overwrite === true });
      return { path: report.file, rows: report.bars, ...(path.isAbsolute(request.path.trim()) ? {} : { relativeTo: base }) };
    },
  };
}
