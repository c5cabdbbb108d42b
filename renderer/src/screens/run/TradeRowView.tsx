import type { RowComponentProps } from 'react-window';
import type { TradeRow } from '../../api/contract.js';
import { formatNumber, formatTs } from '../../app/format.js';
import { vrowClass } from '../../components/vrow.js';

export const TRADE_ROW_HEIGHT = 26;

export interface TradeRowProps {
  readonly rowAt: (index: number) => TradeRow | undefined;
  readonly version: number;
  readonly selected: number | null;
  readonly onPick: (trade: TradeRow) => void;
}

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
  { key: 'exitReason', label: 'Exit reason', width: 110 },
] as const;

type TradeCells = Record<(typeof TRADE_COLUMNS)[number]['key'], string>;

// Formatted once per trade object: a page arriving re-renders every visible row, and
// number and date formatting is most of a row's cost.
const formatted = new WeakMap<TradeRow, TradeCells>();

function cellsOf(trade: TradeRow): TradeCells {
  let cells = formatted.get(trade);
  if (!cells) {
    cells = {
      index: String(trade.index + 1),
      side: trade.side,
      entryTs: formatTs(trade.entryTs),
      entryPrice: formatNumber(trade.entryPrice, 2),
      exitTs: formatTs(trade.exitTs),
      exitPrice: formatNumber(trade.exitPrice, 2),
      quantity: formatNumber(trade.quantity, 4),
      pnl: formatNumber(trade.pnl, 2),
      returnPct: formatNumber(trade.returnPct, 2),
      barsHeld: String(trade.barsHeld),
      exitReason: trade.exitReason,
    };
    formatted.set(trade, cells);
  }
  return cells;
}

/** Numbers right-aligned under right-aligned headers (`columnClass`); PnL coloured by sign. */
function cellClass(column: (typeof TRADE_COLUMNS)[number], trade: TradeRow): string | undefined {
  if (column.key === 'pnl') return trade.pnl >= 0 ? 'good num' : 'bad num';
  return columnClass(column);
}

export function columnClass(column: (typeof TRADE_COLUMNS)[number]): string | undefined {
  return 'numeric' in column ? 'num' : undefined;
}

/** One trade; a click jumps the price chart to it. */
export function TradeRowView({ index, style, ariaAttributes, rowAt, selected, onPick }: RowComponentProps<TradeRowProps>) {
  const trade = rowAt(index);
  if (!trade) {
    return (
      <div className={vrowClass(index, 'muted')} style={style} {...ariaAttributes}>
        …
      </div>
    );
  }
  const cells = cellsOf(trade);
  return (
    <div className={vrowClass(index)} style={style} {...ariaAttributes} aria-selected={selected === trade.index} data-testid="trade-row" onClick={() => onPick(trade)}>
      {TRADE_COLUMNS.map((column) => (
        <span key={column.key} style={{ width: column.width, flex: 'none' }} className={cellClass(column, trade)}>
          {cells[column.key]}
        </span>
      ))}
    </div>
  );
}
