import { useMemo } from 'react';
import { List, type RowComponentProps } from 'react-window';
import type { RunComparison } from '../../api/contract.js';
import { formatNumber } from '../../app/format.js';
import { vrowClass } from '../../components/vrow.js';
import { compareInstrumentRows, type InstrumentCompareRow } from './compare-instruments.js';
import { runLabel } from './run-label.js';

const pct = (value: number | null): string => (value === null ? 'n/a' : `${formatNumber(value, 2)} %`);
const COLUMNS = ['Trades', 'Win rate', 'Contribution', 'Exposure'] as const;
const ROW_HEIGHT = 26;
/** Rows shown before the list scrolls: the demo basket's ten fit. */
const VISIBLE_ROWS = 12;
const SYMBOL_WIDTH = 140;
const CELL_WIDTH = 92;
const GAP = 8;
const GROUP_WIDTH = COLUMNS.length * (CELL_WIDTH + GAP);

interface RowProps {
  readonly rows: readonly InstrumentCompareRow[];
}

/** One instrument: its figures in each run, a group of cells per run ('—' where the run did not trade it). */
function CompareRow({ index, style, ariaAttributes, rows }: RowComponentProps<RowProps>) {
  const row = rows[index]!;
  const cell = (key: string, text: string, extra?: { className?: string; testId?: string; title?: string }) => (
    <span key={key} className={extra?.className ?? 'num'} style={{ width: CELL_WIDTH, flex: 'none' }} data-testid={extra?.testId} title={extra?.title}>
      {text}
    </span>
  );
  return (
    <div className={vrowClass(index)} style={{ ...style, cursor: 'default' }} {...ariaAttributes} data-testid="compare-instrument-row" data-symbol={row.symbol}>
      <span style={{ width: SYMBOL_WIDTH, flex: 'none' }}>{row.symbol}</span>
      {row.cells.flatMap((c, k) =>
        c === null
          ? COLUMNS.map((column) => cell(`${k}-${column}`, '—', { className: 'num muted', title: 'Not in this run' }))
          : [
              cell(`${k}-t`, String(c.trades), { testId: 'compare-instrument-trades' }),
              cell(`${k}-w`, pct(c.winRatePct)),
              cell(`${k}-c`, pct(c.contributionPct), { className: c.contributionPct >= 0 ? 'num good' : 'num bad', testId: 'compare-instrument-contribution' }),
              cell(`${k}-e`, pct(c.exposurePct)),
            ],
      )}
    </div>
  );
}

/**
 * The compared runs' figures per instrument (trades, win rate, contribution to the
 * return, exposure), a row per instrument (virtualized: a universe holds up to 500), a
 * group of columns per run: which instruments made the difference between two portfolio
 * runs. Shown when a portfolio run is compared.
 */
export function CompareInstruments({ comparison }: { comparison: Pick<RunComparison, 'runs' | 'instruments'> }) {
  const rows = useMemo(() => compareInstrumentRows(comparison), [comparison]);
  const rowProps = useMemo(() => ({ rows }), [rows]);
  if (rows.length === 0) return null;
  const width = SYMBOL_WIDTH + comparison.runs.length * GROUP_WIDTH + 24;
  return (
    <div className="col" style={{ gap: 4 }} data-testid="compare-instruments">
      <h3 style={{ margin: 0 }}>Per instrument</h3>
      <div className="vlist col" style={{ gap: 0, overflowX: 'auto' }}>
        <div className="vhead" style={{ minWidth: width }}>
          <span style={{ width: SYMBOL_WIDTH, flex: 'none' }} />
          {comparison.runs.map((run, k) => (
            <span key={k} className="ellipsis" style={{ width: GROUP_WIDTH - GAP, flex: 'none', textAlign: 'center' }} title={runLabel(run)}>
              {runLabel(run)}
            </span>
          ))}
        </div>
        <div className="vhead" style={{ minWidth: width }}>
          <span style={{ width: SYMBOL_WIDTH, flex: 'none' }}>Instrument</span>
          {comparison.runs.flatMap((_, k) =>
            COLUMNS.map((column) => (
              <span key={`${k}-${column}`} className="num" style={{ width: CELL_WIDTH, flex: 'none' }} title={column === 'Contribution' ? 'Its PnL over the initial cash (a run of one instrument: its total return)' : undefined}>
                {column}
              </span>
            )),
          )}
        </div>
        <List style={{ height: Math.min(rows.length, VISIBLE_ROWS) * ROW_HEIGHT, minWidth: width }} rowComponent={CompareRow} rowCount={rows.length} rowHeight={ROW_HEIGHT} overscanCount={10} rowProps={rowProps} />
      </div>
    </div>
  );
}
