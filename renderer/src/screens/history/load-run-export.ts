import { api } from '../../api/client.js';
import type { EquitySeries, TradeRow } from '../../api/contract.js';

const PAGE = 1000;
const MAX_POINTS = 20_000;

/** Returns every trade of a run, in entry order (paged: the API caps a page at 1,000). */
export async function loadAllTrades(runId: string): Promise<TradeRow[]> {
  const all: TradeRow[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await api().invoke('runs/trades', { id: runId, sort: 'entryTs', order: 'asc', offset, limit: PAGE });
    all.push(...page.items);
    if (page.items.length < PAGE || all.length >= page.total) return all;
  }
}

/**
 * Returns the equity curve at full detail: the API reduces a request to 20,000 points,
 * so a longer curve is fetched as consecutive time windows that each fit.
 */
export async function loadFullEquity(runId: string, fromTs: number | null, toTs: number | null): Promise<EquitySeries> {
  const first = await api().invoke('runs/equity', { id: runId, maxPoints: MAX_POINTS });
  if (!first.downsampled || first.ts.length < 2) return first;
  const start = fromTs ?? first.ts[0]!;
  const end = toTs ?? first.ts[first.ts.length - 1]! + 1;
  // Some headroom per window: bars are not spread perfectly evenly (weekends, gaps).
  const windows = Math.ceil((first.sourcePoints * 1.5) / MAX_POINTS);
  const step = Math.ceil((end - start) / windows);
  const ts: number[] = [];
  const equity: number[] = [];
  const drawdown: number[] = [];
  for (let w = 0; w < windows; w += 1) {
    const part = await api().invoke('runs/equity', { id: runId, fromTs: start + w * step, toTs: Math.min(end, start + (w + 1) * step), maxPoints: MAX_POINTS });
    ts.push(...part.ts);
    equity.push(...part.equity);
    drawdown.push(...part.drawdown);
  }
  return { ts, equity, drawdown, sourcePoints: first.sourcePoints, downsampled: ts.length < first.sourcePoints };
}
