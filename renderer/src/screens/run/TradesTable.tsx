import { useCallback, useMemo, useRef, useState } from 'react';
import { List } from 'react-window';
import { api } from '../../api/client.js';
import type { OpenPosition, TradeRow, TradeSortKey } from '../../api/contract.js';
import { usePagedList } from '../../api/use-paged-list.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { TRADE_COLUMNS } from './trade-cells.js';
import { columnClass, OpenPositionRow, SYMBOL_COLUMN_WIDTH, TRADE_ROW_HEIGHT, tradeRowWidth, TradeRowView } from './TradeRowView.js';
import { formatCount, formatCountOf } from '../../app/format.js';

/**
 * The run's trades, virtualized and paged (100,000 rows scroll like 100); header click sorts
 * on the server. A position still open after the last bar is pinned under them as its own row.
 */
export function TradesTable({
  runId,
  openPosition,
  warmUpShortBy = 0,
  onPick,
  onPickOpen,
  portfolio = false,
  symbol = null,
}: {
  runId: string;
  /** A portfolio run's trades: an instrument column, and `symbol` shows one instrument's only. */
  portfolio?: boolean;
  symbol?: string | null;
  openPosition: OpenPosition | null;
  /** Bars at the start of the range spent warming the indicators up (too few stored before it). */
  warmUpShortBy?: number;
  onPick: (trade: TradeRow) => void;
  onPickOpen: (open: OpenPosition) => void;
}) {
  const [sort, setSort] = useState<TradeSortKey>('entryTs');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [selected, setSelected] = useState<number | null>(null);
  // Pages of 500 with 2,000 rows read ahead in the scroll direction: a jump of a few
  // screens (or a scrollbar drag) lands on rows already fetched.
  const trades = usePagedList(
    (offset, limit) => api().invoke('runs/trades', { id: runId, sort, order, offset, limit, ...(symbol === null ? {} : { symbol }) }),
    [runId, sort, order, symbol],
    500,
    2_000,
  );
  // The parent's callback is read at click time, so a new one each render does not re-render the rows.
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;
  const pick = useCallback((trade: TradeRow) => {
    setSelected(trade.index);
    onPickRef.current(trade);
  }, []);
  // The open row is selected as -1: no closed trade has that index.
  const pickOpen = (): void => {
    if (!openPosition) return;
    setSelected(-1);
    onPickOpen(openPosition);
  };
  // Stable row props: rows re-render when a page arrives or the selection moves, not on every parent render.
  const rowProps = useMemo(() => ({ rowAt: trades.rowAt, version: trades.version, selected, onPick: pick, portfolio }), [trades.rowAt, trades.version, selected, pick, portfolio]);

  const sortBy = (key: TradeSortKey): void => {
    if (key === sort) setOrder((o) => (o === 'asc' ? 'desc' : 'asc'));
    else {
      setSort(key);
      setOrder(key === 'entryTs' || key === 'exitTs' ? 'asc' : 'desc');
    }
  };

  return (
    <section className="panel col" style={{ minHeight: 0 }} data-testid="trades-table">
      <h3 style={{ margin: 0 }}>
        Trades{symbol === null ? '' : ` of ${symbol}`}{' '}
        {trades.total !== null && (
          // The count alone in its element: scripts read it as the number of closed trades.
          <span className="muted" data-testid="trade-counts">
            (<span data-testid="trade-count">{formatCount(trades.total)}</span>
            {openPosition ? ' closed + 1 open' : ''})
          </span>
        )}
      </h3>
      <ErrorBox message={trades.error} />
      <div className="vlist col" style={{ gap: 0, overflowX: 'auto' }}>
        <div className="vhead" style={{ minWidth: tradeRowWidth(portfolio) }}>
          {portfolio && <span style={{ width: SYMBOL_COLUMN_WIDTH, flex: 'none' }}>Instrument</span>}
          {TRADE_COLUMNS.map((column) =>
            'sortable' in column ? (
              <button key={column.key} style={{ width: column.width, flex: 'none' }} className={columnClass(column)} data-testid={`sort-${column.key}`} onClick={() => sortBy(column.key as TradeSortKey)}>
                {column.label}
                {sort === column.key ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
              </button>
            ) : (
              <span key={column.key} style={{ width: column.width, flex: 'none' }} className={columnClass(column)}>
                {column.label}
              </span>
            ),
          )}
        </div>
        {trades.total === 0 ? (
          openPosition ? (
            <EmptyState title="No closed trades" testId="trades-empty">
              One position is still open at the end of the data (below).
            </EmptyState>
          ) : (
            <EmptyState title="No trades in this run" testId="trades-empty">
              The entry conditions never held over this range
              {warmUpShortBy > 0 ? ` (its first ${formatCountOf(warmUpShortBy, 'bar')} warmed the indicators up: fewer bars were stored before it)` : ''}.
            </EmptyState>
          )
        ) : (
          <List
            style={{ height: 320, minWidth: tradeRowWidth(portfolio) }}
            data-testid="trade-list"
            rowComponent={TradeRowView}
            rowCount={trades.total ?? 0}
            rowHeight={TRADE_ROW_HEIGHT}
            // A few rows past each edge: a far jump (a scrollbar drag) renders every mounted row
            // twice (placeholders, then its page), so each extra row costs there.
            overscanCount={4}
            rowProps={rowProps}
            onRowsRendered={(visible, all) => trades.ensure(visible.startIndex, visible.stopIndex, all)}
          />
        )}
        {openPosition && <OpenPositionRow open={openPosition} selected={selected === -1} onPick={pickOpen} />}
      </div>
    </section>
  );
}
