import type { RunComparison } from '../../api/contract.js';
import { formatNumber } from '../../app/format.js';
import { compareInstrumentRows } from './compare-instruments.js';
import { runLabel } from './run-label.js';

const pct = (value: number | null): string => (value === null ? 'n/a' : `${formatNumber(value, 2)} %`);
const COLUMNS = ['Trades', 'Win rate', 'Contribution', 'Exposure'] as const;

/**
 * The compared runs' figures per instrument (trades, win rate, contribution to the
 * return, exposure), a row per instrument, a group of columns per run: which instruments
 * made the difference between two portfolio runs. Shown when a portfolio run is compared.
 */
export function CompareInstruments({ comparison }: { comparison: Pick<RunComparison, 'runs' | 'instruments'> }) {
  const rows = compareInstrumentRows(comparison);
  if (rows.length === 0) return null;
  return (
    <div className="table-scroll" data-testid="compare-instruments">
      <h3>Per instrument</h3>
      <table className="grid">
        <thead>
          <tr>
            <th />
            {comparison.runs.map((run, k) => (
              <th key={k} colSpan={COLUMNS.length} className="wrap" style={{ textAlign: 'center' }}>
                {runLabel(run)}
              </th>
            ))}
          </tr>
          <tr>
            <th>Instrument</th>
            {comparison.runs.flatMap((_, k) =>
              COLUMNS.map((column) => (
                <th key={`${k}-${column}`} className="num" title={column === 'Contribution' ? 'Its PnL over the initial cash (a run of one instrument: its total return)' : undefined}>
                  {column}
                </th>
              )),
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.symbol} data-testid="compare-instrument-row" data-symbol={row.symbol}>
              <td>{row.symbol}</td>
              {row.cells.flatMap((cell, k) =>
                cell === null
                  ? COLUMNS.map((column) => (
                      <td key={`${k}-${column}`} className="num muted" title="Not in this run">
                        —
                      </td>
                    ))
                  : [
                      <td key={`${k}-t`} className="num" data-testid="compare-instrument-trades">
                        {cell.trades}
                      </td>,
                      <td key={`${k}-w`} className="num">
                        {pct(cell.winRatePct)}
                      </td>,
                      <td key={`${k}-c`} className={cell.contributionPct >= 0 ? 'num good' : 'num bad'} data-testid="compare-instrument-contribution">
                        {pct(cell.contributionPct)}
                      </td>,
                      <td key={`${k}-e`} className="num">
                        {pct(cell.exposurePct)}
                      </td>,
                    ],
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
