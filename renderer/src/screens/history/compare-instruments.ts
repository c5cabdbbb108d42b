import type { InstrumentFigures, RunComparison } from '../../api/contract.js';

/** What the comparison shows of one instrument in one run. */
export interface InstrumentCell {
  readonly trades: number;
  readonly winRatePct: number | null;
  /** Its PnL over the initial cash (a run of one instrument: the run's total return). */
  readonly contributionPct: number;
  readonly exposurePct: number;
}

export interface InstrumentCompareRow {
  readonly symbol: string;
  /** In the order of the comparison's runs; null where a run did not trade the instrument. */
  readonly cells: readonly (InstrumentCell | null)[];
}

const cellOf = (f: InstrumentFigures): InstrumentCell => ({ trades: f.tradeCount, winRatePct: f.winRatePct, contributionPct: f.contributionPct, exposurePct: f.exposurePct });

/**
 * Returns one row per instrument any of the runs traded, in the order they first appear
 * (a portfolio run's universe order, run by run), with each run's figures of it: a
 * portfolio run's per-instrument figures, a run of one instrument's own metrics on its
 * row. Empty when no run is a portfolio run (the metrics table already says it all).
 */
export function compareInstrumentRows(comparison: Pick<RunComparison, 'runs' | 'instruments'>): InstrumentCompareRow[] {
  if (comparison.instruments.every((figures) => figures === null)) return [];
  const rows = new Map<string, (InstrumentCell | null)[]>();
  const rowOf = (symbol: string): (InstrumentCell | null)[] => {
    let row = rows.get(symbol);
    if (!row) rows.set(symbol, (row = comparison.runs.map(() => null)));
    return row;
  };
  comparison.runs.forEach((run, k) => {
    const figures = comparison.instruments[k];
    if (figures) for (const f of figures) rowOf(f.symbol)[k] = cellOf(f);
    else rowOf(run.symbol)[k] = { trades: run.metrics.tradeCount, winRatePct: run.metrics.winRatePct, contributionPct: run.metrics.totalReturnPct, exposurePct: run.metrics.exposurePct };
  });
  return [...rows].map(([symbol, cells]) => ({ symbol, cells }));
}
