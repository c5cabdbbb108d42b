/** A portfolio run's instruments table: its columns and cell texts, shared by the Run screen's table and the HTML report. */
import type { InstrumentFigures } from '../../api/contract.js';
import { formatNumber } from '../../app/format.js';

const pct = (value: number | null): string => (value === null ? 'n/a' : `${formatNumber(value, 2)} %`);

export const INSTRUMENT_COLUMNS = [
  { key: 'symbol', label: 'Instrument' },
  { key: 'tradeCount', label: 'Trades', numeric: true },
  { key: 'winRatePct', label: 'Win rate', numeric: true },
  { key: 'contributionPct', label: 'Contribution', numeric: true, title: 'Its PnL (closed trades and the position open at the end, net of fees) over the initial cash' },
  { key: 'exposurePct', label: 'Exposure', numeric: true, title: "Share of the run's bars that closed with a position in it" },
  { key: 'realizedPnl', label: 'Realized PnL', numeric: true },
  { key: 'unrealizedPnl', label: 'Open PnL', numeric: true },
  { key: 'fees', label: 'Fees', numeric: true },
  { key: 'buyAndHoldReturnPct', label: 'Buy and hold', numeric: true, title: 'Its last close over its first close in the run' },
] as const;

export type InstrumentColumnKey = (typeof INSTRUMENT_COLUMNS)[number]['key'];

/** The text of each cell of an instrument's row, as the instruments table shows it. */
export function instrumentCells(f: InstrumentFigures): Record<InstrumentColumnKey, string> {
  return {
    symbol: f.symbol,
    tradeCount: String(f.tradeCount),
    winRatePct: pct(f.winRatePct),
    contributionPct: pct(f.contributionPct),
    exposurePct: pct(f.exposurePct),
    realizedPnl: formatNumber(f.realizedPnl, 2),
    unrealizedPnl: formatNumber(f.unrealizedPnl, 2),
    fees: formatNumber(f.fees, 2),
    buyAndHoldReturnPct: pct(f.buyAndHoldReturnPct),
  };
}
