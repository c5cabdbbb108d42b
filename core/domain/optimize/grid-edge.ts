import type { ParamRange, ParamValues } from './param-space.js';

/** A parameter whose best value is the lowest or highest value the sweep tried. */
export interface GridEdge {
  readonly name: string;
  readonly value: number;
  readonly side: 'lowest' | 'highest';
}

/**
 * The parameters of `best` that sit on the edge of the searched range: the best value is
 * the range's lowest or highest, so a better one may lie just outside it and the range
 * should be widened past it. Parameters with fewer than three values are left out (each
 * of their values is an edge, which says nothing).
 */
export function gridEdges(space: readonly ParamRange[], best: ParamValues): GridEdge[] {
  const edges: GridEdge[] = [];
  for (const range of space) {
    if (range.values.length < 3) continue;
    const value = best[range.name];
    if (value === undefined) continue;
    const lowest = Math.min(...range.values);
    const highest = Math.max(...range.values);
    if (value === lowest) edges.push({ name: range.name, value, side: 'lowest' });
    else if (value === highest) edges.push({ name: range.name, value, side: 'highest' });
  }
  return edges;
}
