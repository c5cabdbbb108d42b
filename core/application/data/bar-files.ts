import type { Timeframe } from '../../domain/market/timeframe.js';
import type { ExportBarsResult } from './contract.js';
import type { ImportBarsOptions, ImportProgress, ImportReport } from './import-bars.js';

/** Imports a bar file off the calling thread (a worker in the app). */
export interface BarImporter {
  importFile(
    options: ImportBarsOptions,
    control: { onProgress(progress: ImportProgress): void; onCancel(listener: () => void): () => void },
  ): Promise<ImportReport>;
}

export interface BarExportRequest {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  /** Absolute, resolved by FileAccess.exportTarget. */
  readonly path: string;
  /** Replace a file already there; without it an existing file is a ConflictError. */
  readonly overwrite?: boolean;
}

/** Writes bars of a range to a CSV file. */
export interface BarExporter {
  /** `request.path` is absolute, already resolved and checked by FileAccess.exportTarget. */
  exportCsv(request: BarExportRequest): Promise<ExportBarsResult>;
}

/**
 * Which files a caller may name: the one path policy of every transport (regular files
 * only, never the store's own files; in web mode only uploads and named folders).
 * Refusals are ValidationError / NotFoundError naming the path.
 */
export interface FileAccess {
  /** The file to import from, resolved; `showContent` false: messages must not quote its text. */
  importSource(path: string): { readonly path: string; readonly showContent: boolean };
  /** The file to export to (absolute, `~/...`, or relative to the folder named in `relativeTo`), resolved. */
  exportTarget(path: string): { readonly path: string; readonly relativeTo?: string };
}
