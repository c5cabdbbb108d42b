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
  /** As the user typed it: absolute, or relative to a base folder the exporter names in its answer. */
  readonly path: string;
  /** Replace a file already there; without it an existing file is a ConflictError. */
  readonly overwrite?: boolean;
}

/** Writes bars of a range to a CSV file. */
export interface BarExporter {
  exportCsv(request: BarExportRequest): Promise<ExportBarsResult>;
}
