/** Ticks per axis at most: more labels than this read as noise. */
const MAX_TICKS = 12;

/**
 * Every how many cells an axis label goes: at most MAX_TICKS labels, and never closer
 * than a label is long (px), or the labels of small cells are drawn over each other.
 */
export function tickStride(count: number, cellPx: number, labelPx: number): number {
  return Math.max(1, Math.ceil(count / MAX_TICKS), Math.ceil(labelPx / Math.max(1, cellPx)));
}
