import leven from 'leven';

/** Folds case and the separators people type differently ('btc-usdt', 'BTC_USDT', 'btcusdt'). */
const fold = (text: string): string => text.toLowerCase().replace(/[\s/_:.-]+/g, '');

/**
 * Returns up to `limit` of `candidates` nearest to `wanted`: those that contain it (or it
 * them) once case and separators are folded first, then by edit distance; far-off ones
 * (more than a third of the word changed) are left out.
 */
export function closestMatches(wanted: string, candidates: Iterable<string>, limit = 5): string[] {
  const target = fold(wanted);
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const folded = fold(candidate);
    if (folded === '') continue;
    const distance = leven(target, folded);
    const contains = target.length >= 2 && (folded.startsWith(target) || target.startsWith(folded) || folded.includes(target));
    if (!contains && distance > Math.max(2, Math.floor(target.length / 3))) continue;
    // Containment first, then distance, then the shorter name, then alphabetical: a stable order.
    scored.push({ candidate, score: (contains ? 0 : 1000) + distance * 10 + Math.min(9, Math.abs(folded.length - target.length)) });
  }
  scored.sort((a, b) => a.score - b.score || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0));
  return [...new Set(scored.map((s) => s.candidate))].slice(0, limit);
}

/** ' Closest: a, b, c.' or '' when nothing is close. */
export function closestText(wanted: string, candidates: Iterable<string>, limit = 5): string {
  const matches = closestMatches(wanted, candidates, limit);
  return matches.length === 0 ? '' : ` Closest: ${matches.join(', ')}.`;
}
