import type { Page } from '../../application/contract/common.js';
import type { MonteCarloReport, MonteCarloRunArgs, SweepHeatmap, SweepHeatmapArgs, SweepVariantRow, SweepVariantsArgs } from '../../application/sweeps/contract.js';

/**
 * What workers/analysis-worker.ts exposes over comlink. Each call names the database (the
 * worker keeps one read-only connection per file) and, for sweep views, the number of
 * times the sweep was forgotten on the main side, so a view kept from before is dropped.
 */
export interface AnalysisWorkerApi {
  monteCarlo(dbFile: string, args: MonteCarloRunArgs): Promise<MonteCarloReport>;
  sweepVariants(dbFile: string, args: SweepVariantsArgs, generation: number): Promise<Page<SweepVariantRow>>;
  sweepHeatmap(dbFile: string, args: SweepHeatmapArgs, generation: number): Promise<SweepHeatmap>;
}
