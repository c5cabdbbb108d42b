import type { RowComponentProps } from 'react-window';
import type { TradeRow } from '../../api/contract.js';
import { vrowClass } from '../../components/vrow.js';
import { TRADE_COLUMNS, tradeCells } from './trade-cells.js';

export const TRADE_ROW_HEIGHT = 26;

export interface TradeRowProps {
  readonly rowAt: (index: number) => TradeRow | undefined;
  readonly version: number;
  readonly selected: number | null;
  readonly onPick: (trade: TradeRow) => void;
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
  const cells = tradeCells(trade);
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
