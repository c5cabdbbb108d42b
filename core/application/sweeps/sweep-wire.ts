import type { JobId } from '../../domain/market/ids.js';
import type { SweepDetail, SweepListItem, SweepVariantRow } from './contract.js';
import type { SweepSummary, SweepVariant } from './ports.js';

/** Shapes of sweeps on the wire; metrics go as the engine's BacktestMetrics (null where undefined, never NaN). */

export function toVariantRow(v: SweepVariant): SweepVariantRow {
  return {
    index: v.index,
    generation: v.generation,
    params: v.params,
    metrics: v.metrics,
    error: v.error,
    score: v.score,
    eligible: v.eligible,
    runId: v.runId,
    hash: v.hash ?? null,
  };
}

export function toListItem(s: SweepSummary, jobId: JobId | null): SweepListItem {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    symbol: s.symbol,
    universe: s.universe ? { symbols: s.universe.symbols, tag: s.universe.tag ?? null } : null,
    timeframe: s.timeframe,
    fromTs: s.fromTs,
    toTs: s.toTs,
    createdAt: s.createdAt,
    finishedAt: s.finishedAt,
    counts: s.counts,
    error: s.error,
    method: s.config.method.kind,
    objective: { ...s.config.objective },
    params: s.config.space.map((p) => ({ name: p.name, count: p.values.length, min: p.values.reduce((a, b) => Math.min(a, b)), max: p.values.reduce((a, b) => Math.max(a, b)) })),
    jobId,
    runsOn: s.runsOn,
  };
}

export function toDetail(s: SweepSummary, jobId: JobId | null, best: SweepVariant | null): SweepDetail {
  const { source, space, constraints, method, objective } = s.config;
  return {
    ...toListItem(s, jobId),
    magnifier: s.magnifier,
    quantityStep: s.quantityStep,
    config: {
      source: { ...source },
      space: space.map((p) => ({ name: p.name, values: [...p.values] })),
      constraints: constraints.map((c) => ({ ...c })),
      method: { ...method },
      objective: { ...objective },
    },
    best: best ? toVariantRow(best) : null,
  };
}
