import type { RowComponentProps } from 'react-window';
import type { OpenPosition, TradeRow } from '../../api/contract.js';
import { vrowClass } from '../../components/vrow.js';
import { openPositionCells, TRADE_COLUMNS, tradeCells } from './trade-cells.js';

export const TRADE_ROW_HEIGHT = 26;
/** Width of the instrument column a portfolio run's trades lead with. */
export const SYMBOL_COLUMN_WIDTH = 110;
/** The rows' and header's gap between cells and padding each side (styles.css `.vrow`, `.vhead`). */
const CELL_GAP = 8;
const ROW_PADDING = 8;

/** The width a trades row needs for every column uncut; the table scrolls sideways below it. */
export function tradeRowWidth(portfolio: boolean): number {
  const widths: number[] = [...TRADE_COLUMNS.map((column) => column.width), ...(portfolio ? [SYMBOL_COLUMN_WIDTH] : [])];
  return widths.reduce((sum, width) => sum + width, 0) + CELL_GAP * (widths.length - 1) + 2 * ROW_PADDING;
}
const PLAIN_ROW_WIDTH = tradeRowWidth(false);

export interface TradeRowProps {
  readonly rowAt: (index: number) => TradeRow | undefined;
  readonly version: number;
  readonly selected: number | null;
  readonly onPick: (trade: TradeRow) => void;
  /** A portfolio run's: each row leads with its instrument. */
  readonly portfolio: boolean;
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
export function TradeRowView({ index, style, ariaAttributes, rowAt, selected, onPick, portfolio }: RowComponentProps<TradeRowProps>) {
  const trade = rowAt(index);
  if (!trade) {
    return (
      <div className={vrowClass(index, 'muted')} style={style} {...ariaAttributes}>
        …
      </div>
    );
  }
  const cells = tradeCells(trade);
  return (
    <div className={vrowClass(index)} style={style} {...ariaAttributes} aria-selected={selected === trade.index} data-testid="trade-row" onClick={() => onPick(trade)}>
      {portfolio && (
        <span style={{ width: SYMBOL_COLUMN_WIDTH, flex: 'none' }} data-testid="trade-symbol">
          {trade.symbol}
        </span>
      )}
      {TRADE_COLUMNS.map((column, i) => (
        <span key={column.key} style={COLUMN_STYLES[i]} className={cellClass(column, trade)}>
          {cells[column.key]}
        </span>
      ))}
    </div>
  );
}

// One style object per column, shared by every row: a row re-rendered for a page or a
// selection compares them by identity instead of diffing fresh objects cell by cell.
const COLUMN_STYLES = TRADE_COLUMNS.map((column) => ({ width: column.width, flex: 'none' }) as const);

/**
 * The position still open after the last bar, pinned under the closed trades whatever their
 * sort: it is no trade (no exit, PnL unrealized at the last close), so it takes no place
 * among them. A click jumps the price chart to it like a trade's.
 */
export function OpenPositionRow({ open, selected, onPick }: { open: OpenPosition; selected: boolean; onPick: () => void }) {
  const cells = openPositionCells(open);
  return (
    <div
      className="vrow open-position"
      style={{ height: TRADE_ROW_HEIGHT, minWidth: PLAIN_ROW_WIDTH }}
      aria-selected={selected}
      data-testid="trade-open-row"
      title="Still open at the end of the data: valued at the last close in the equity and final equity, not counted as a trade"
      onClick={onPick}
    >
      {TRADE_COLUMNS.map((column) => (
        <span key={column.key} style={{ width: column.width, flex: 'none' }} className={column.key === 'pnl' ? (open.unrealizedPnl >= 0 ? 'good num' : 'bad num') : columnClass(column)}>
          {cells[column.key]}
        </span>
      ))}
    </div>
  );
}
