import { runId, strategyId, type RunId } from '../../domain/market/ids.js';
import type { Page } from '../contract/common.js';
import { MAX_CHART_POINTS } from '../contract/common.js';
import { MAX_MARKERS, type EquitySeries, type MarkerSeries, type RunHandlers, type RunInstruments, type TradeRow, type TradeSortKey } from './contract.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { METRIC_NAMES } from './metric-names.js';
import { EQUITY_OVERVIEW_POINTS, type EquityCurve, type EquityOverview, type RunHeader, type RunPortfolio, type RunStore } from './run-store.js';
import { drawdownPct, indexRange, minMaxIndices } from '../charts/downsample.js';
import { stableArgsort } from './stable-argsort.js';
import type { HandlerDeps } from '../handler-deps.js';

const DEFAULT_PAGE = 50;
const DEFAULT_TRADE_PAGE = 200;
const DEFAULT_EQUITY_POINTS = 2_000;

/**
 * Keeps the last few runs' headers, equity (with drawdown) and sorted trade orders in
 * memory: the results screen pages through up to 100,000 trades and re-requests equity
 * on every zoom. Nothing here holds the trades themselves: the store reads the page a
 * request needs (columnar pages), so the first view of a 175,000-trade run costs one
 * small row read instead of inflating and parsing every trade.
 */
class RunCache {
  private readonly entries = new Map<RunId, RunEntry>();

  constructor(
    private readonly store: RunStore,
    private readonly capacity = 3,
  ) {}

  get(id: RunId): RunEntry {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const header = this.store.getHeader(id);
    if (!header) throw new NotFoundError(`No run ${id}`, { id });
    const entry: RunEntry = { header, equity: null, overview: undefined, orders: new Map<string, Uint32Array>(), tradeInstruments: undefined, portfolio: undefined };
    this.entries.set(id, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  /** The run's equity curve and drawdown, read on first use. */
  equity(id: RunId): { curve: EquityCurve; drawdown: Float64Array } {
    const entry = this.get(id);
    if (!entry.equity) {
      const curve = this.store.getEquity(id);
      if (!curve) throw new NotFoundError(`No run ${id}`, { id });
      entry.equity = { curve, drawdown: drawdownPct(curve.equity) };
    }
    return entry.equity;
  }

  /** The run's stored equity overview (null for runs saved before overviews), read on first use. */
  overview(id: RunId): EquityOverview | null {
    const entry = this.get(id);
    if (entry.overview === undefined) entry.overview = this.store.getEquityOverview(id);
    return entry.overview;
  }

  /**
   * What a chart of the run's equity draws with `maxPoints`: from the overview when the
   * whole run is asked for (a few hundred KB instead of the full curve: ~35 ms less on
   * this thread for a year of minutes), else from the full curve.
   */
  series(id: RunId, args: { fromTs?: number; toTs?: number; maxPoints: number }): EquitySeries {
    const overview = args.fromTs === undefined && args.toTs === undefined && args.maxPoints <= EQUITY_OVERVIEW_POINTS ? this.overview(id) : null;
    if (overview) return equitySeries(overview.ts, overview.equity, overview.drawdown, args, overview.sourcePoints);
    const { curve, drawdown } = this.equity(id);
    return equitySeries(curve.ts, curve.equity, drawdown, args);
  }

  /** A portfolio run's instrument of every trade (null for a run of one instrument), read on first use. */
  tradeInstruments(id: RunId): Uint16Array | null {
    const entry = this.get(id);
    if (entry.tradeInstruments === undefined) entry.tradeInstruments = entry.header.universe ? this.store.readTradeInstruments(id) : null;
    return entry.tradeInstruments;
  }

  /** A portfolio run's per-instrument results, read on first use; ValidationError for a run of one instrument. */
  portfolio(id: RunId): RunPortfolio {
    const entry = this.get(id);
    if (entry.portfolio === undefined) entry.portfolio = entry.header.universe ? this.store.getPortfolio(id) : null;
    if (!entry.portfolio) throw new ValidationError(`Run ${id} trades one instrument; per-instrument results are a portfolio run's`, { id });
    return entry.portfolio;
  }

  forget(id: RunId): void {
    this.entries.delete(id);
  }
}

interface RunEntry {
  readonly header: RunHeader;
  equity: { curve: EquityCurve; drawdown: Float64Array } | null;
  /** undefined until read. */
  overview: EquityOverview | null | undefined;
  readonly orders: Map<string, Uint32Array>;
  /** undefined until read. */
  tradeInstruments: Uint16Array | null | undefined;
  portfolio: RunPortfolio | null | undefined;
}

/** `sourcePoints`: the full curve's points in range, when the arrays are already an overview of it. */
function equitySeries(
  ts: Float64Array,
  equity: Float64Array,
  drawdown: Float64Array,
  args: { fromTs?: number; toTs?: number; maxPoints: number },
  sourcePoints?: number,
): EquitySeries {
  const [start, end] = indexRange(ts, args.fromTs, args.toTs);
  const picks = minMaxIndices(equity, start, end, args.maxPoints);
  const source = sourcePoints ?? end - start;
  return {
    ts: picks.map((i) => ts[i]!),
    equity: picks.map((i) => equity[i]!),
    drawdown: picks.map((i) => drawdown[i]!),
    sourcePoints: source,
    downsampled: picks.length < source,
  };
}

export function runHandlers(deps: HandlerDeps): RunHandlers {
  const cache = new RunCache(deps.runStore);
  return {
    'runs/list': async (args) => {
      const offset = args?.offset ?? 0;
      const limit = args?.limit ?? DEFAULT_PAGE;
      const page = deps.runStore.list({
        offset,
        limit,
        ...(args?.strategyId === undefined ? {} : { strategyId: strategyId(args.strategyId) }),
        ...(args?.hash === undefined ? {} : { hash: args.hash }),
      });
      return { items: [...page.runs], total: page.total, offset, limit } satisfies Page<(typeof page.runs)[number]>;
    },

    'runs/get': async (args) => {
      // Trades and equity stay behind: they come paged and downsampled.
      const { ascendingTradeFields: _sorted, ...info } = cache.get(runId(args.id)).header;
      return info;
    },

    'runs/delete': async (args) => {
      const id = runId(args.id);
      if (!deps.runStore.delete(id)) throw new NotFoundError(`No run ${args.id}`, { id: args.id });
      cache.forget(id);
      deps.events.emit('data/changed', { kind: 'runs', ids: [id] });
      return { id };
    },

    'runs/compare': async (args) => {
      const ids = args.ids.map((id) => runId(id));
      const headers = ids.map((id) => cache.get(id).header);
      return {
        metrics: METRIC_NAMES.map((name) => ({ name, values: headers.map((h) => h.metrics[name]) })),
        runs: headers.map(({ spec: _s, extras: _x, ascendingTradeFields: _a, ...summary }) => summary),
        instruments: ids.map((id, k) => (headers[k]!.universe ? cache.portfolio(id).figures : null)),
        equity: ids.map((id) => cache.series(id, { maxPoints: Math.min(args.maxPoints ?? DEFAULT_EQUITY_POINTS, MAX_CHART_POINTS) })),
      };
    },

    'runs/equity': async (args) => cache.series(runId(args.id), { ...args, maxPoints: Math.min(args.maxPoints ?? DEFAULT_EQUITY_POINTS, MAX_CHART_POINTS) }),

    'runs/trades': async (args) => {
      const id = runId(args.id);
      const entry = cache.get(id);
      const symbols = entry.header.universe?.symbols;
      const instruments = cache.tradeInstruments(id);
      // A portfolio run's trades carry their instrument.
      const rows = (trades: readonly TradeRow[]): TradeRow[] => (symbols && instruments ? trades.map((t) => ({ ...t, symbol: symbols[instruments[t.index]!]! })) : [...trades]);
      const sort: TradeSortKey = args.sort ?? 'entryTs';
      const order = args.order ?? 'asc';
      const offset = args.offset ?? 0;
      const limit = args.limit ?? DEFAULT_TRADE_PAGE;
      let instrument = -1;
      if (args.symbol !== undefined) {
        instrument = symbols?.indexOf(args.symbol) ?? -1;
        if (instrument < 0) throw new ValidationError(symbols ? `${args.symbol} is not in this run's universe` : `Run ${args.id} trades one instrument; filter by instrument in a portfolio run`, { symbol: args.symbol });
      }
      const total = instrument < 0 ? entry.header.tradeCount : countOf(instruments!, instrument);
      const end = Math.min(offset + limit, total);
      if (instrument < 0 && order === 'asc' && entry.header.ascendingTradeFields.includes(sort)) {
        // Already in trade order (entry time, usually): read just the pages of this slice.
        const trades = deps.runStore.readTrades(id, offset, end - offset);
        return { items: rows(trades.map((t, k) => ({ ...t, index: offset + k }))), total, offset, limit };
      }
      const key = `${sort}:${order}:${instrument}`;
      let indices = entry.orders.get(key);
      if (!indices) {
        // One numeric field of every trade, not the trades: a sort reads one column.
        // Ties keep trade order, so paging is stable. One instrument's: the same order, filtered.
        const sorted = entry.orders.get(`${sort}:${order}:-1`) ?? stableArgsort(deps.runStore.readTradeField(id, sort), order === 'desc');
        entry.orders.set(`${sort}:${order}:-1`, sorted);
        indices = instrument < 0 ? sorted : sorted.filter((i) => instruments![i] === instrument);
        entry.orders.set(key, indices);
      }
      const slice = offset < end ? indices.subarray(offset, end) : new Uint32Array(0);
      const trades = deps.runStore.readTradesAt(id, slice);
      return { items: rows(trades.map((t, k) => ({ ...t, index: slice[k]! }))), total, offset, limit };
    },

    'runs/instruments': async (args) => {
      const id = runId(args.id);
      const portfolio = cache.portfolio(id);
      const maxPoints = Math.min(args.maxPoints ?? DEFAULT_EQUITY_POINTS, MAX_CHART_POINTS);
      const { ts, pnl } = portfolio.curves;
      const clock = cache.equity(id).curve.ts;
      const [clockStart, clockEnd] = indexRange(clock, args.fromTs, args.toTs);
      const [start, end] = indexRange(ts, args.fromTs, args.toTs);
      // The curves are kept at a few thousand points; more are not drawn. Every step-th sample, and the range's last (the final PnL).
      const step = Math.max(1, Math.ceil((end - start) / maxPoints));
      const picks: number[] = [];
      for (let i = start; i < end; i += step) picks.push(i);
      if (end > start && picks[picks.length - 1] !== end - 1) picks.push(end - 1);
      const pick = (a: Float64Array): number[] => picks.map((i) => a[i]!);
      return {
        figures: portfolio.figures,
        curves: { ts: pick(ts), pnl: pnl.map(pick), downsampled: picks.length < clockEnd - clockStart },
        positions: positionsSeries(clock, portfolio.positions, clockStart, clockEnd, maxPoints),
      } satisfies RunInstruments;
    },

    'runs/markers': async (args) => {
      const id = runId(args.id);
      const header = cache.get(id).header; // NotFoundError for an unknown run
      let markers = deps.runStore.readMarkers(id) ?? [];
      if (args.symbol !== undefined) {
        const k = header.universe?.symbols.indexOf(args.symbol) ?? -1;
        if (k < 0) throw new ValidationError(header.universe ? `${args.symbol} is not in this run's universe` : `Run ${args.id} trades one instrument; pick an instrument in a portfolio run`, { symbol: args.symbol });
        const instruments = deps.runStore.readMarkerInstruments(id)!;
        markers = markers.filter((_, i) => instruments[i] === k);
      }
      const from = args.fromTs ?? Number.NEGATIVE_INFINITY;
      const to = args.toTs ?? Number.POSITIVE_INFINITY;
      const limit = args.maxPoints ?? MAX_MARKERS;
      const series: MarkerSeries = { ts: [], price: [], kind: [], total: 0, truncated: false };
      let total = 0;
      for (const marker of markers) {
        if (marker.ts < from || marker.ts >= to) continue;
        if (series.ts.length < limit) {
          series.ts.push(marker.ts);
          series.price.push(marker.price);
          series.kind.push(marker.kind);
        }
        total++;
      }
      return { ...series, total, truncated: total > series.ts.length };
    },
  };
}

function countOf(values: Uint16Array, value: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === value) n++;
  return n;
}

/** Positions open over time in clock bars [start, end): the most open in each of about `maxPoints` spans (every bar when they fit). */
function positionsSeries(ts: Float64Array, positions: Uint8Array, start: number, end: number, maxPoints: number): RunInstruments['positions'] {
  const n = Math.min(end, positions.length);
  const step = Math.max(1, Math.ceil((n - start) / maxPoints));
  const out: { ts: number[]; count: number[] } = { ts: [], count: [] };
  for (let from = start; from < n; from += step) {
    let most = 0;
    for (let i = from; i < Math.min(n, from + step); i++) if (positions[i]! > most) most = positions[i]!;
    out.ts.push(ts[from]!);
    out.count.push(most);
  }
  return { ...out, downsampled: step > 1 };
}
