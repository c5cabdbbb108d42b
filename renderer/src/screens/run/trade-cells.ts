/** The trades table's columns and cell texts: the Run screen's table and the HTML report share them. */
import { exitReasonWords } from '../../../../core/domain/engine/exit-reasons.js';
import type { OpenPosition, TradeRow } from '../../api/contract.js';
import { formatNumber, formatPrice, formatQuantity, formatTs } from '../../app/format.js';

export const TRADE_COLUMNS = [
  { key: 'index', label: '#', width: 60, numeric: true },
  { key: 'side', label: 'Side', width: 50 },
  { key: 'entryTs', label: 'Entry (UTC)', width: 140, sortable: true },
  { key: 'entryPrice', label: 'Entry', width: 90, numeric: true },
  { key: 'exitTs', label: 'Exit (UTC)', width: 140, sortable: true },
  { key: 'exitPrice', label: 'Exit', width: 90, numeric: true },
  { key: 'quantity', label: 'Qty', width: 80, sortable: true, numeric: true },
  { key: 'pnl', label: 'PnL', width: 100, sortable: true, numeric: true },
  { key: 'returnPct', label: 'Return %', width: 80, sortable: true, numeric: true },
  { key: 'barsHeld', label: 'Bars', width: 60, sortable: true, numeric: true },
  // Wide enough for the open position's 'unrealized @ 54,837.38'.
  { key: 'exitReason', label: 'Exit reason', width: 170 },
] as const;

type TradeCells = Record<(typeof TRADE_COLUMNS)[number]['key'], string>;

// Formatted once per trade object: a page arriving re-renders every visible row, and
// number and date formatting is most of a row's cost.
const formatted = new WeakMap<TradeRow, TradeCells>();

/** The text of each cell of a trade, as the trades table shows it (the HTML report too). */
export function tradeCells(trade: TradeRow): TradeCells {
  let cells = formatted.get(trade);
  if (!cells) {
    cells = {
      index: String(trade.index + 1),
      side: trade.side,
      entryTs: formatTs(trade.entryTs),
      // Prices with the decimals they have (EUR/USD 1.08977, not 1.09); money and percents with 2.
      entryPrice: formatPrice(trade.entryPrice),
      exitTs: formatTs(trade.exitTs),
      exitPrice: formatPrice(trade.exitPrice),
      quantity: formatQuantity(trade.quantity),
      pnl: formatNumber(trade.pnl, 2),
      returnPct: formatNumber(trade.returnPct, 2),
      barsHeld: String(trade.barsHeld),
      // In words ('trailing stop'); the CSV keeps the engine's name.
      exitReason: exitReasonWords(trade.exitReason),
    };
    formatted.set(trade, cells);
  }
  return cells;
}

/**
 * Return of the open position on its entry value, in percent: the closed trades' definition
 * (pnl / (entry price x quantity) x 100) with the unrealized PnL.
 */
export function openReturnPct(open: OpenPosition): number {
  const cost = open.entryPrice * open.quantity;
  return cost > 0 ? (open.unrealizedPnl / cost) * 100 : 0;
}

/**
 * The text of each cell of the position still open after the last bar: no exit, its PnL
 * unrealized at the last close (docs/ENGINE.md: it is no trade, so it has no number).
 */
export function openPositionCells(open: OpenPosition): TradeCells {
  return {
    index: 'Open',
    side: open.side,
    entryTs: formatTs(open.entryTs),
    entryPrice: formatPrice(open.entryPrice),
    exitTs: 'still open',
    exitPrice: '—',
    quantity: formatQuantity(open.quantity),
    pnl: formatNumber(open.unrealizedPnl, 2),
    returnPct: formatNumber(openReturnPct(open), 2),
    barsHeld: String(open.barsHeld),
    exitReason: `unrealized @ ${formatPrice(open.markPrice)}`,
  };
}

/** One line on the open position: "long 10.0000 since 2024-01-02 00:00 at 100.00, marked at 105.00 (last close)". */
export function openPositionSummary(open: OpenPosition): string {
  return `${open.side} ${formatQuantity(open.quantity)} since ${formatTs(open.entryTs)} at ${formatPrice(open.entryPrice)}, marked at ${formatPrice(open.markPrice)} (last close)`;
}
