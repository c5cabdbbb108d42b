/** Lines drawn at most: the instruments that moved the result most (and the one picked); 500 lines would be a blur. */
export const MAX_LINES = 10;

/**
 * Returns the indices of the instruments whose PnL lines are drawn, in universe order:
 * every one up to MAX_LINES, else the MAX_LINES largest contributions either way (ties by
 * universe order) and the picked instrument.
 */
export function drawnInstruments(figures: readonly { symbol: string; contributionPct: number }[], picked: string | null): number[] {
  if (figures.length <= MAX_LINES) return figures.map((_, k) => k);
  const byWeight = figures.map((_, k) => k).sort((a, b) => Math.abs(figures[b]!.contributionPct) - Math.abs(figures[a]!.contributionPct) || a - b);
  const drawn = new Set(byWeight.slice(0, MAX_LINES));
  const pickedAt = figures.findIndex((f) => f.symbol === picked);
  if (pickedAt >= 0) drawn.add(pickedAt);
  return [...drawn].sort((a, b) => a - b);
}
