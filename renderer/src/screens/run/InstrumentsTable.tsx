import { api } from '../../api/client.js';
import { useQuery } from '../../api/use-query.js';
import { formatNumber } from '../../app/format.js';
import { ErrorBox } from '../../components/ErrorBox.js';

const pct = (value: number | null): string => (value === null ? 'n/a' : `${formatNumber(value, 2)} %`);

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
            <th>Instrument</th>
            <th className="num">Trades</th>
            <th className="num">Win rate</th>
            <th className="num" title="Its PnL (closed trades and the position open at the end, net of fees) over the initial cash">
              Contribution
            </th>
            <th className="num" title="Share of the run's bars that closed with a position in it">
              Exposure
            </th>
            <th className="num">Realized PnL</th>
            <th className="num">Open PnL</th>
            <th className="num">Fees</th>
            <th className="num" title="Its last close over its first close in the run">
              Buy and hold
            </th>
          </tr>
        </thead>
        <tbody>
          {data?.figures.map((f) => (
            <tr key={f.symbol} data-testid="run-instrument-row" aria-selected={picked === f.symbol} style={{ cursor: 'pointer' }} onClick={() => onPick(picked === f.symbol ? null : f.symbol)}>
              <td data-testid="run-instrument-symbol">{f.symbol}</td>
              <td className="num" data-testid="run-instrument-trades">
                {f.tradeCount}
              </td>
              <td className="num">{pct(f.winRatePct)}</td>
              <td className={f.contributionPct >= 0 ? 'num good' : 'num bad'}>{pct(f.contributionPct)}</td>
              <td className="num">{pct(f.exposurePct)}</td>
              <td className="num">{formatNumber(f.realizedPnl, 2)}</td>
              <td className="num">{formatNumber(f.unrealizedPnl, 2)}</td>
              <td className="num">{formatNumber(f.fees, 2)}</td>
              <td className="num">{pct(f.buyAndHoldReturnPct)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
