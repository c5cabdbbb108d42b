import type { GridEdge } from '../../../../core/domain/optimize/grid-edge.js';
import type { WalkForwardWindowInfo } from '../../../../core/application/sweeps/contract.js';
import { formatCount, formatCountOf, formatNumber, formatTs } from '../../app/format.js';
import { plainNumber } from '../../app/spec-summary.js';

type Window = Pick<WalkForwardWindowInfo, 'fallback' | 'outOfSampleOpenPosition'> & { readonly outOfSampleMetrics: Pick<WalkForwardWindowInfo['outOfSampleMetrics'], 'tradeCount'> };

/**
 * Why a window reads as it does, one sentence a fact: it fell back (no variant made the
 * minimum trades in sample), its out-of-sample return came from a position still open at
 * its end (no closed trade), it did not trade at all, or a chosen value sits on the edge
 * of its range.
 */
export function windowNotes(window: Window, edges: readonly GridEdge[], nameOf: (name: string) => string): string[] {
  const notes: string[] = [];
  const { fallback, outOfSampleOpenPosition: open } = window;
  if (fallback) {
    notes.push(`No variant made ${formatCountOf(fallback.minTrades, 'in-sample trade')} (the most was ${formatCount(fallback.mostTrades)}): the best of all variants was used.`);
  }
  const trades = window.outOfSampleMetrics.tradeCount;
  if (open) {
    const held = `The ${open.side} position opened ${formatTs(open.entryTs)} UTC was still open at the window's end: its unrealized PnL of ${formatNumber(open.unrealizedPnl, 2)} (at the last close, entry commission paid) is in the return`;
    notes.push(trades === 0 ? `No trade closed out of sample. ${held}, which is why it is not 0.` : `${held}, not in the trade count.`);
  } else if (trades === 0) {
    notes.push('No out-of-sample trade: the strategy stayed flat.');
  }
  for (const edge of edges) notes.push(`${nameOf(edge.name)} = ${plainNumber(edge.value)} is the ${edge.side} value tried: the best may lie outside the range.`);
  return notes;
}

/** One line over the windows table: how many fell back and how many returned something without a closed trade. */
export function reportNote(windows: readonly Window[]): string | null {
  const fellBack = windows.filter((w) => w.fallback !== null);
  const openAtEnd = windows.filter((w) => w.outOfSampleOpenPosition !== null && w.outOfSampleMetrics.tradeCount === 0);
  const parts: string[] = [];
  if (fellBack.length > 0) {
    parts.push(`${fellBack.length} of ${formatCountOf(windows.length, 'window')} fell back: no variant made the minimum of ${formatCountOf(fellBack[0]!.fallback!.minTrades, 'trade')} in sample, so the best of all was used`);
  }
  if (openAtEnd.length > 0) {
    parts.push(`${formatCountOf(openAtEnd.length, 'window')} closed no trade out of sample yet returned something: a position opened there was still open at the window's end`);
  }
  return parts.length === 0 ? null : `${parts.join('. ')}. See each window's note.`;
}
