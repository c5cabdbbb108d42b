import { useCallback, useRef, useState } from 'react';
import { List, useListRef } from 'react-window';
import { api } from '../../api/client.js';
import type { StrategySummary } from '../../api/contract.js';
import { useDataChanged } from '../../api/use-data-changed.js';
import { usePagedList } from '../../api/use-paged-list.js';
import { prefetchStrategy } from '../builder/strategy-loader.js';
import type { Route } from '../../app/use-route.js';
import { useShortcut } from '../../app/use-shortcut.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { DeletedStrategies } from './DeletedStrategies.js';
import { NewStrategy } from './NewStrategy.js';
import { StrategyActions } from './StrategyActions.js';
import { StrategyRow, STRATEGY_ROW_HEIGHT } from './StrategyRow.js';
import { useDebounced } from '../../app/use-debounced.js';
import { formatCountOf } from '../../app/format.js';
import { useSessionState } from '../../app/use-session-state.js';

type SortKey = 'name' | 'updated' | 'created';
const isString = (value: unknown): value is string => typeof value === 'string';
const isTag = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isSortKey = (value: unknown): value is SortKey => value === 'name' || value === 'updated' || value === 'created';
const isOrder = (value: unknown): value is 'asc' | 'desc' => value === 'asc' || value === 'desc';

/** Strategies: a virtualized list that stays smooth at 10,000+, with search, sort, tags and actions. */
export function StrategiesScreen({ navigate }: { navigate: (route: Route) => void }) {
  // The list's view (search, tag, sort) outlives a trip to the builder and back.
  const [search, setSearch] = useSessionState('bws.strategies.search', '', isString);
  const [tag, setTag] = useSessionState<string | null>('bws.strategies.tag', null, isTag);
  const [sort, setSort] = useSessionState<SortKey>('bws.strategies.sort', 'updated', isSortKey);
  const [order, setOrder] = useSessionState<'asc' | 'desc'>('bws.strategies.order', 'desc', isOrder);
  const [selected, setSelected] = useState<StrategySummary | null>(null);
  const debouncedSearch = useDebounced(search, 150);
  const searchBox = useRef<HTMLInputElement>(null);
  const listRef = useListRef(null);

  const list = usePagedList(
    (offset, limit) => api().invoke('strategies/list', { search: debouncedSearch || undefined, tags: tag ? [tag] : undefined, sort, order, offset, limit }),
    [debouncedSearch, tag, sort, order],
  );

  useDataChanged('strategies', list.reload);
  useShortcut('/', () => searchBox.current?.focus());
  // Selecting a row starts loading what the builder needs: a double click's first click is
  // a selection, so the open finds its data on the way.
  const select = useCallback((strategy: StrategySummary) => {
    prefetchStrategy(strategy.id);
    setSelected(strategy);
  }, []);
  const open = useCallback(
    (id: string) => {
      prefetchStrategy(id);
      navigate({ screen: 'builder', id });
    },
    [navigate],
  );
  useShortcut('Enter', () => selected && open(selected.id), selected !== null);

  const total = list.total ?? 0;
  return (
    <>
      <div className="row panel">
        <input
          ref={searchBox}
          className="grow"
          style={{ maxWidth: 360 }}
          type="search"
          placeholder="Search strategies (/)"
          aria-label="Search strategies"
          data-testid="strategy-search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <select aria-label="Sort by" data-testid="strategy-sort" value={sort} onChange={(event) => setSort(event.target.value as SortKey)}>
          <option value="updated">Last changed</option>
          <option value="created">Created</option>
          <option value="name">Name</option>
        </select>
        <button aria-label="Sort order" onClick={() => setOrder((o) => (o === 'asc' ? 'desc' : 'asc'))}>
          {order === 'asc' ? '↑ Ascending' : '↓ Descending'}
        </button>
        {tag && (
          <button data-testid="tag-filter" onClick={() => setTag(null)} title="Clear the tag filter">
            Tag: {tag} ✕
          </button>
        )}
        <span className="spacer grow" />
        <DeletedStrategies onRestored={list.reload} />
        <NewStrategy onCreated={(id) => navigate({ screen: 'builder', id })} />
      </div>
      <StrategyActions selected={selected} onChanged={list.reload} onUpdated={setSelected} onCleared={() => setSelected(null)} navigate={navigate} />
      <ErrorBox message={list.error} />
      <div className="vlist grow col" style={{ gap: 0, minHeight: 0 }}>
        <div className="vhead">
          <span style={{ flex: 3 }}>Name</span>
          <span style={{ flex: 2 }}>Tags</span>
          <span style={{ width: 150 }}>Last changed (UTC)</span>
        </div>
        <span className="muted" style={{ padding: '2px 8px', fontSize: 12 }} data-testid="strategy-count">
          {list.total === null ? 'Loading…' : formatCountOf(total, 'strategy', 'strategies')}
        </span>
        {list.total === 0 ? (
          <EmptyState title={search || tag ? 'No strategy matches' : 'No strategies yet'} testId="strategies-empty">
            {search || tag ? 'Try another search.' : 'First make one: pick a template and press “New strategy”, or start from “Blank strategy”.'}
          </EmptyState>
        ) : (
          <List
            listRef={listRef}
            className="grow"
            data-testid="strategy-list"
            rowComponent={StrategyRow}
            rowCount={total}
            rowHeight={STRATEGY_ROW_HEIGHT}
            overscanCount={10}
            rowProps={{ rowAt: list.rowAt, version: list.version, selectedId: selected?.id ?? null, onSelect: select, onOpen: open, onTag: setTag }}
            onRowsRendered={(visible, all) => list.ensure(visible.startIndex, visible.stopIndex, all)}
          />
        )}
      </div>
    </>
  );
}
