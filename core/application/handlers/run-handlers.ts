import { runId, type RunId } from '../../domain/market/ids.js';
import type { Page } from '../contract/common.js';
import { MAX_CHART_POINTS } from '../contract/common.js';
import type { EquitySeries, RunHandlers, TradeRow, TradeSortKey } from '../contract/runs.js';
import { NotFoundError } from '../errors.js';
import type { RunDetail, RunStore } from '../ports/run-store.js';
import { drawdownPct, indexRange, minMaxIndices } from './downsample.js';
import type { HandlerDeps } from './handler-deps.js';

const DEFAULT_PAGE = 50;
const DEFAULT_TRADE_PAGE = 200;
const DEFAULT_EQUITY_POINTS = 2_000;

/**
 * Keeps the last few run details and their sorted trade orders in memory: the results
 * screen pages through up to 100,000 trades and re-requests equity on every zoom, and
 * decoding a run's trades and equity for each of those calls would cost far more than
 * the call itself.
 */
class RunCache {
  private readonly entries = new Map<RunId, { detail: RunDetail; drawdown: Float64Array; orders: Map<string, Uint32Array> }>();

  constructor(
    private readonly store: RunStore,
    private readonly capacity = 3,
  ) {}

  get(id: RunId) {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const detail = this.store.get(id);
    if (!detail) throw new NotFoundError(`No run ${id}`, { id });
    const entry = { detail, drawdown: drawdownPct(detail.equity.equity), orders: new Map<string, Uint32Array>() };
    this.entries.set(id, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  forget(id: RunId): void {
    this.entries.delete(id);
  }
}

function tradeRow(trade: Readonly<Record<string, unknown>>, index: number): TradeRow {
  const num = (key: string) => (typeof trade[key] === 'number' ? (trade[key] as number) : Number.NaN);
  return {
    index,
    side: trade['side'] === 'short' ? 'short' : 'long',
    entryTs: num('entryTs'),
    entryPrice: num('entryPrice'),
    exitTs: num('exitTs'),
    exitPrice: num('exitPrice'),
    quantity: num('quantity'),
    pnl: num('pnl'),
    returnPct: num('returnPct'),
    fees: num('fees'),
    barsHeld: num('barsHeld'),
    exitReason: typeof trade['exitReason'] === 'string' ? trade['exitReason'] : '',
  };
}

function equitySeries(ts: Float64Array, equity: Float64Array, drawdown: Float64Array, args: { fromTs?: number; toTs?: number; maxPoints?: number }): EquitySeries {
  const [start, end] = indexRange(ts, args.fromTs, args.toTs);
  const picks = minMaxIndices(equity, start, end, args.maxPoints ?? DEFAULT_EQUITY_POINTS);
  return {
    ts: picks.map((i) => ts[i]!),
    equity: picks.map((i) => equity[i]!),
    drawdown: picks.map((i) => drawdown[i]!),
    sourcePoints: end - start,
    downsampled: picks.length < end - start,
  };
}

export function runHandlers(deps: HandlerDeps): RunHandlers {
  const cache = new RunCache(deps.runStore);
  return {
    'runs/list': async (args) => {
      const offset = args?.offset ?? 0;
      const limit = args?.limit ?? DEFAULT_PAGE;
      const page = deps.runStore.list({ offset, limit });
      return { items: [...page.runs], total: page.total, offset, limit } satisfies Page<(typeof page.runs)[number]>;
    },

    'runs/get': async (args) => {
      const { detail } = cache.get(runId(args.id));
      // Trades and equity stay behind: they come paged and downsampled.
      const { trades: _trades, equity: _equity, ...info } = detail;
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
      const entries = args.ids.map((id) => cache.get(runId(id)));
      const names = [...new Set(entries.flatMap((e) => Object.keys(e.detail.metrics)))];
      return {
        metrics: names.map((name) => ({ name, values: entries.map((e) => e.detail.metrics[name] ?? null) })),
        runs: entries.map(({ detail: { trades: _t, equity: _e, spec: _s, extras: _x, ...summary } }) => summary),
        equity: entries.map(({ detail, drawdown }) =>
          equitySeries(detail.equity.ts, detail.equity.equity, drawdown, { maxPoints: args.maxPoints ?? DEFAULT_EQUITY_POINTS }),
        ),
      };
    },

    'runs/equity': async (args) => {
      const { detail, drawdown } = cache.get(runId(args.id));
      return equitySeries(detail.equity.ts, detail.equity.equity, drawdown, { ...args, maxPoints: Math.min(args.maxPoints ?? DEFAULT_EQUITY_POINTS, MAX_CHART_POINTS) });
    },

    'runs/trades': async (args) => {
      const entry = cache.get(runId(args.id));
      const trades = entry.detail.trades;
      const sort: TradeSortKey = args.sort ?? 'entryTs';
      const order = args.order ?? 'asc';
      const key = `${sort}:${order}`;
      let indices = entry.orders.get(key);
      if (!indices) {
        indices = new Uint32Array(trades.length);
        for (let i = 0; i < indices.length; i++) indices[i] = i;
        const values = Float64Array.from(trades, (t) => (typeof t[sort] === 'number' ? (t[sort] as number) : Number.NaN));
        const sign = order === 'asc' ? 1 : -1;
        // Ties keep trade order, so paging is stable.
        indices.sort((a, b) => sign * (values[a]! - values[b]!) || a - b);
        entry.orders.set(key, indices);
      }
      const offset = args.offset ?? 0;
      const limit = args.limit ?? DEFAULT_TRADE_PAGE;
      const items: TradeRow[] = [];
      for (let i = offset; i < Math.min(offset + limit, indices.length); i++) items.push(tradeRow(trades[indices[i]!]!, indices[i]!));
      return { items, total: trades.length, offset, limit };
    },
  };
}
