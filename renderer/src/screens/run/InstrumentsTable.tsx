import { api } from '../../api/client.js';
import { useQuery } from '../../api/use-query.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { INSTRUMENT_COLUMNS, instrumentCells } from './instrument-cells.js';

/** Test ids of the cells e2e specs read. */
const CELL_TEST_IDS: Partial<Record<(typeof INSTRUMENT_COLUMNS)[number]['key'], string>> = { symbol: 'run-instrument-symbol', tradeCount: 'run-instrument-trades' };

/**
 * A portfolio run's per-instrument figures (trades, win rate, contribution to the return,
 * exposure, PnL, fees) and the most positions it held at once. A click on an instrument
 * shows its price, fills and trades below; a second click on it shows every instrument's
 * trades again.
 */
export function InstrumentsTable({ runId, picked, onPick }: { runId: string; picked: string | null; onPick: (symbol: string | null) => void }) {
  const instruments = useQuery(() => api().invoke('runs/instruments', { id: runId, maxPoints: 1000 }), [runId]);
  if (instruments.error) return <ErrorBox message={instruments.error} />;
  const data = instruments.data;
  const most = data ? Math.max(0, ...data.positions.count) : null;
  return (
    <section className="panel col" data-testid="run-instruments">
      <h3 style={{ margin: 0 }}>
        Instruments{' '}
        {data && (
          <span className="muted">
            ({data.figures.length}; at most <span data-testid="run-most-positions">{most}</span> positions open at once)
          </span>
        )}
      </h3>
      <table className="grid">
        <thead>
          <tr>
            {INSTRUMENT_COLUMNS.map((c) => (
              <th key={c.key} className={'numeric' in c ? 'num' : undefined} title={'title' in c ? c.title : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data?.figures.map((f) => {
            const cells = instrumentCells(f);
            return (
              <tr key={f.symbol} data-testid="run-instrument-row" aria-selected={picked === f.symbol} style={{ cursor: 'pointer' }} onClick={() => onPick(picked === f.symbol ? null : f.symbol)}>
                {INSTRUMENT_COLUMNS.map((c) => (
                  <td
                    key={c.key}
                    className={c.key === 'contributionPct' ? (f.contributionPct >= 0 ? 'num good' : 'num bad') : 'numeric' in c ? 'num' : undefined}
                    data-testid={CELL_TEST_IDS[c.key]}
                  >
                    {cells[c.key]}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
