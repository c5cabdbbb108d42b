import { useEffect, useRef, useState } from 'react';
import { List, type RowComponentProps } from 'react-window';
import { api } from '../../api/client.js';
import type { ArgsOf, ResultOf } from '../../api/contract.js';
import { usePagedList } from '../../api/use-paged-list.js';
import { formatCount, formatNumber } from '../../app/format.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { METRIC_LABELS, TABLE_METRICS } from './metrics.js';
import { vrowClass } from '../../components/vrow.js';

type VariantRow = ResultOf<'sweeps/variants'>['items'][number];
type Sort = NonNullable<ArgsOf<'sweeps/variants'>['sort']>;

const ROW_HEIGHT = 26;
const INDEX_WIDTH = 44;
const SCORE_WIDTH = 76;
const PARAM_WIDTH = 90;
/** A column named in words ('Long entry: SMA period (trigger 1, left)'): its header wraps, from 90 px up to 200 px as room allows. */
const WORDS_MIN_WIDTH = 90;
const WORDS_WIDTH = 200;
/** Metric labels ('Max drawdown %') wrap on two lines over numbers such as -12.34. */
const METRIC_WIDTH = 80;
const GAP = 8;
const PADDING = 16;

/**
 * The width of each parameter column: named in words, as wide as the room left by the fixed
 * columns allows (between 90 and 200 px, headers wrapping), so a laptop-wide panel shows
 * them whole; short names ('fast') take 90 px. Returns the row's total width too.
 */
export function variantColumns(names: readonly string[], metricCount: number, available: number): { paramWidth: number; total: number } {
  const fixed = INDEX_WIDTH + SCORE_WIDTH + metricCount * METRIC_WIDTH + (1 + names.length + metricCount) * GAP + PADDING;
  const words = names.some((name) => name.length > 16);
  const room = names.length === 0 ? 0 : Math.floor((available - fixed) / names.length);
  const paramWidth = words ? Math.max(WORDS_MIN_WIDTH, Math.min(WORDS_WIDTH, room)) : PARAM_WIDTH;
  return { paramWidth, total: fixed + names.length * paramWidth };
}

interface RowProps {
  readonly rowAt: (index: number) => VariantRow | undefined;
  readonly version: number;
  readonly params: readonly string[];
  readonly paramWidth: number;
  readonly minTrades: number;
  readonly onOpen: (variantIndex: number) => void;
}

/** One variant: number, score, parameters, key metrics; a click opens it as a run. */
function VariantRowView({ index, style, ariaAttributes, rowAt, params, paramWidth, minTrades, onOpen }: RowComponentProps<RowProps>) {
  const row = rowAt(index);
  if (!row) {
    return (
      <div className={vrowClass(index, 'muted')} style={style} {...ariaAttributes}>
        …
      </div>
    );
  }
  return (
    <div className={vrowClass(index, row.eligible ? undefined : 'muted')} style={style} {...ariaAttributes} data-testid="variant-row" data-index={row.index} data-eligible={row.eligible}
      title={row.eligible ? undefined : `Made fewer than the minimum ${formatCount(minTrades)} trades: ranked after every variant that made them`}
      onClick={() => onOpen(row.index)}>
      <span style={{ width: INDEX_WIDTH, flex: 'none' }}>#{row.index}</span>
      <span className="num" style={{ width: SCORE_WIDTH, flex: 'none' }} data-testid="variant-score">
        {row.error ? 'failed' : formatNumber(row.score, 3)}
        {!row.error && !row.eligible && <span data-testid="variant-below-min"> ✕</span>}
      </span>
      {params.map((name) => (
        <span key={name} className="num" style={{ width: paramWidth, flex: 'none' }}>
          {row.params[name] ?? '—'}
        </span>
      ))}
      {TABLE_METRICS.map((metric) => (
        <span key={metric} className="num" style={{ width: METRIC_WIDTH, flex: 'none' }}>
          {formatNumber(row.metrics?.[metric] ?? null, metric === 'tradeCount' ? 0 : 2)}
        </span>
      ))}
    </div>
  );
}

const sameSort = (a: Sort, b: Sort): boolean => a.by === b.by && ('name' in a ? a.name : '') === ('name' in b ? b.name : '');

/**
 * Every variant of a sweep, virtualized and paged from the server (a genetic run can hold
 * 100,000 variants); header clicks sort on the server. `version` bumps refetch while it runs.
 */
export function VariantsTable(props: { sweepId: string; minTrades: number; params: readonly string[]; nameOf: (name: string) => string; version: number; onOpen: (variantIndex: number) => void }) {
  const { sweepId, minTrades, params, nameOf, version, onOpen } = props;
  const [sort, setSort] = useState<Sort>({ by: 'objective' });
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const variants = usePagedList((offset, limit) => api().invoke('sweeps/variants', { sweepId, sort, order, offset, limit }), [sweepId, sort, order, version], 200);

  const sortBy = (next: Sort): void => {
    if (sameSort(next, sort)) setOrder((o) => (o === 'asc' ? 'desc' : 'asc'));
    else {
      setSort(next);
      setOrder(next.by === 'index' || next.by === 'param' ? 'asc' : 'desc');
    }
  };
  const arrow = (candidate: Sort): string => (sameSort(candidate, sort) ? (order === 'asc' ? ' ▲' : ' ▼') : '');
  const header = (candidate: Sort, label: string, width: number, testId: string) => (
    <button key={testId} style={{ width, flex: 'none', textAlign: 'right' }} data-testid={testId} onClick={() => sortBy(candidate)}>
      {label}
      {arrow(candidate)}
    </button>
  );
  // The room the table has: its columns share it, and past it the table scrolls sideways (said above it).
  const scroller = useRef<HTMLDivElement>(null);
  const [available, setAvailable] = useState(0);
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setAvailable(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const { paramWidth, total: minWidth } = variantColumns(params.map(nameOf), TABLE_METRICS.length, available);
  const overflows = available > 0 && minWidth > available;

  return (
    <section className="panel col" style={{ minHeight: 0 }} data-testid="variants-table" data-sort={`${sort.by}${'name' in sort ? `:${sort.name}` : ''}:${order}`}>
      <h3 style={{ margin: 0 }}>
        Variants {variants.total !== null && <span className="muted" data-testid="variant-count">({formatCount(variants.total)})</span>}
      </h3>
      {minTrades > 0 && (
        <span className="muted" style={{ fontSize: 12 }} data-testid="variants-min-note">
          Greyed rows marked ✕ made fewer than the minimum {formatCount(minTrades)} trades: they rank after every variant that made them.
        </span>
      )}
      {overflows && (
        <span className="muted" style={{ fontSize: 12 }} data-testid="variants-scroll-hint">
          More columns to the right: scroll the table sideways (shift + wheel).
        </span>
      )}
      <ErrorBox message={variants.error} />
      <div className="vlist col" ref={scroller} data-overflows={overflows} style={{ gap: 0, overflowX: 'auto' }}>
        <div className="vhead" style={{ minWidth, alignItems: 'flex-end' }}>
          <button style={{ width: INDEX_WIDTH, flex: 'none', textAlign: 'left' }} data-testid="vsort-index" onClick={() => sortBy({ by: 'index' })}>
            #{arrow({ by: 'index' })}
          </button>
          {header({ by: 'objective' }, 'Objective', SCORE_WIDTH, 'vsort-objective')}
          {params.map((name) => header({ by: 'param', name }, nameOf(name), paramWidth, `vsort-param-${name}`))}
          {TABLE_METRICS.map((metric) => header({ by: 'metric', name: metric }, METRIC_LABELS[metric], METRIC_WIDTH, `vsort-${metric}`))}
        </div>
        <List
          style={{ height: 300, minWidth }}
          rowComponent={VariantRowView}
          rowCount={variants.total ?? 0}
          rowHeight={ROW_HEIGHT}
          overscanCount={10}
          rowProps={{ rowAt: variants.rowAt, version: variants.version, params, paramWidth, minTrades, onOpen }}
          onRowsRendered={(visible, all) => variants.ensure(visible.startIndex, visible.stopIndex, all)}
        />
      </div>
    </section>
  );
}
