/**
 * What a sweep runs on, as the Run form picks it: one instrument ('one'), the strategy's own
 * universe ('own', a saved spec with portfolio.universe), every instrument with a tag
 * ('tag:NAME'), or instruments picked one by one ('pick'). Every variant of a universe runs
 * it whole with one account.
 */
export type SweepScope = string;

/** The request's target of a scope: a symbol, a universe, nothing (the spec's own universe), or why none. */
export type ScopeTarget = { readonly symbol: string } | { readonly universe: { tag: string } | { symbols: string[] } } | { readonly own: true } | { readonly error: string };

/** The target of `scope`: `symbol` is the chosen series' instrument, `members` the instruments the scope holds in its timeframe. */
export function scopeTarget(scope: SweepScope, symbol: string, members: string[], hasOwnUniverse: boolean): ScopeTarget {
  if (scope === 'one') return { symbol };
  if (scope === 'own') return hasOwnUniverse ? { own: true } : { error: 'This strategy names no universe of its own: pick instruments or a tag.' };
  if (scope.startsWith('tag:')) return { universe: { tag: scope.slice(4) } };
  return members.length > 0 ? { universe: { symbols: members } } : { error: 'Pick at least one instrument for the portfolio.' };
}

/** 'DEMO-BTC', or '10 instruments (demo-basket)' for a portfolio sweep: what the lists say it ran on. */
export function sweepOnText(sweep: { readonly symbol: string; readonly universe: { readonly symbols: readonly string[]; readonly tag: string | null } | null }): string {
  const u = sweep.universe;
  if (!u) return sweep.symbol;
  return `${u.symbols.length} instrument${u.symbols.length === 1 ? '' : 's'}${u.tag === null ? '' : ` (${u.tag})`}`;
}
