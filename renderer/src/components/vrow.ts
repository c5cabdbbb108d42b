/**
 * Class of a virtualized list row. Stripes follow the row's index, not its place among
 * the mounted rows (`:nth-child` would repaint every row's stripe, and flip them, as the
 * window of mounted rows moves by an odd count).
 */
export function vrowClass(index: number, extra?: string): string {
  const base = index % 2 === 1 ? 'vrow alt' : 'vrow';
  return extra ? `${base} ${extra}` : base;
}
