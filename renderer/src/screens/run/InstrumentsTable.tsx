import { useMemo } from 'react';
import { List, type RowComponentProps } from 'react-window';
import { api } from '../../api/client.js';
import type { InstrumentFigures } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { vrowClass } from '../../components/vrow.js';
import { INSTRUMENT_COLUMNS, instrumentCells } from './instrument-cells.js';

const ROW_HEIGHT = 26;
/** Rows shown before the list scrolls: the demo basket's ten fit. */
const VISIBLE_ROWS = 12;
const SYMBOL_WIDTH = 140;
const NUMBER_WIDTH = 100;
const WIDTH = SYMBOL_WIDTH + (INSTRUMENT_COLUMNS.length - 1) * (NUMBER_WIDTH + 8) + 24;

/** Test ids of the cells e2e specs read. */
const CELL_TEST_IDS: Partial<Record<(typeof INSTRUMENT_COLUMNS)[number]['key'], string>> = { symbol: 'run-instrument-symbol', tradeCount: 'run-instrument-trades' };

interface RowProps {
  readonly figures: readonly InstrumentFigures[];
  readonly picked: string | null;
  readonly onPick: (symbol: string | null) => void;
}

const widthOf = (key: string): number => (key === 'symbol' ? SYMBOL_WIDTH : NUMBER_WIDTH);

/** One instrument's figures; a click picks it (a second click on the picked one unpicks it). */
function InstrumentRow({ index, style, ariaAttributes, figures, picked, onPick }: RowComponentProps<RowProps>) {
  const f = figures[index]!;
  const cells = instrumentCells(f);
  return (
    <div className={vrowClass(index)} style={style} {...ariaAttributes} aria-selected={picked === f.symbol} data-testid="run-instrument-row" onClick={() => onPick(picked === f.symbol ? null : f.symbol)}>
      {INSTRUMENT_COLUMNS.map((c) => (
        <span
          key={c.key}
          style={{ width: widthOf(c.key), flex: 'none' }}
          className={c.key === 'contributionPct' ? (f.contributionPct >= 0 ? 'num good' : 'num bad') : 'numeric' in c ? 'num' : undefined}
          data-testid={CELL_TEST_IDS[c.key]}
        >
          {cells[c.key]}
        </span>
      ))}
    </div>
  );
}

/**
 * A portfolio run's per-instrument figures (trades, win rate, contribution to the return,
 * exposure, PnL, fees) and the most positions it held at once, virtualized (a universe
 * holds up to 500). A click on an instrument shows its price, fills and trades below; a
 * second click on it shows every instrument's trades again.
 */
export function InstrumentsTable({ runId, picked, onPick }: { runId: string; picked: string | null; onPick: (symbol: string | null) => void }) {
  const instruments = useQuery(() => api().invoke('runs/instruments', { id: runId, maxPoints: 1000 }), [runId]);
  const data = instruments.data;
  const rowProps = useMemo(() => ({ figures: data?.figures ?? [], picked, onPick }), [data, picked, onPick]);
  if (instruments.error) return <ErrorBox message={instruments.error} />;
  const most = data ? Math.max(0, ...data.positions.count) : null;
  const rows = data?.figures.length ?? 0;
  return (
    <section className="panel col" data-testid="run-instruments">
      <h3 style={{ margin: 0 }}>
        Instruments{' '}
        {data && (
          <span className="muted">
            ({data.figures.length}; at most <span data-testid="run-most-positions">{most}</span> {most === 1 ? 'position' : 'positions'} open at once)
          </span>
        )}
      </h3>
      <div className="vlist col" style={{ gap: 0, overflowX: 'auto' }}>
        <div className="vhead" style={{ minWidth: WIDTH }}>
          {INSTRUMENT_COLUMNS.map((c) => (
            <span key={c.key} style={{ width: widthOf(c.key), flex: 'none' }} className={'numeric' in c ? 'num' : undefined} title={'title' in c ? c.title : undefined}>
              {c.label}
            </span>
          ))}
        </div>
        <List
          style={{ height: Math.max(1, Math.min(rows, VISIBLE_ROWS)) * ROW_HEIGHT, minWidth: WIDTH }}
          rowComponent={InstrumentRow}
          rowCount={rows}
          rowHeight={ROW_HEIGHT}
          overscanCount={10}
          rowProps={rowProps}
        />
      </div>
    </section>
  );
}
