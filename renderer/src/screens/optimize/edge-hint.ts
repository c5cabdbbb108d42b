import type { GridEdge } from '../../../../core/domain/optimize/grid-edge.js';
import { expandRange, type ParamRange } from '../../../../core/domain/optimize/param-space.js';
import { plainNumber } from '../../app/spec-summary.js';

/**
 * What to say when the best variant sits on the edge of the range tried (see gridEdges):
 * which parameter, at which end, and what to do; null when none does.
 */
export function edgeHintText(edges: readonly GridEdge[], nameOf: (name: string) => string): string | null {
  if (edges.length === 0) return null;
  const parts = edges.map((edge) => `${nameOf(edge.name)} = ${plainNumber(edge.value)} is the ${edge.side} value tried`);
  const widen = edges.length === 1 ? 'widen its range past it' : 'widen their ranges past them';
  return `The best variant sits on the edge of the grid: ${parts.join('; ')}. A better one may lie outside it: ${widen} and sweep again.`;
}

/** A request's ranges as the values they take (min..max by step expanded, lists as they are). */
export function spaceValues(space: readonly ({ readonly name: string; readonly values: readonly number[] } | { readonly name: string; readonly min: number; readonly max: number; readonly step: number })[]): ParamRange[] {
  return space.map((range) => ('values' in range ? { name: range.name, values: range.values } : { name: range.name, values: expandRange(range.min, range.max, range.step) }));
}
