import { DomainError } from '../errors.js';

type Segment = string | number;

/** Splits `entry.long.children[0].left.params.period` into its keys and indices. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let consumed = 0;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) {
    const between = path.slice(consumed, m.index);
    if (between !== '' && between !== '.') throw new DomainError(`Path "${path}": unexpected "${between}"`);
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
    consumed = re.lastIndex;
  }
  if (out.length === 0 || consumed !== path.length) throw new DomainError(`Path "${path}" is not a JSON path like entry.long.children[0].left.params.period`);
  return out;
}

/** Reads the number at `path`; throws when the path does not lead to a number. */
export function numberAt(root: unknown, path: string): number {
  let node: unknown = root;
  for (const key of parsePath(path)) {
    if (node === null || typeof node !== 'object' || !(key in (node as object))) {
      throw new DomainError(`Path "${path}" does not exist in the spec (no "${String(key)}")`);
    }
    node = (node as Record<string | number, unknown>)[key];
  }
  if (typeof node !== 'number') throw new DomainError(`Path "${path}" leads to ${node === null ? 'null' : typeof node}, not a number`);
  return node;
}

/**
 * Returns a copy of `root` with the number at `path` replaced; only the objects along the
 * path are copied, the rest is shared (specs are immutable). The path must exist and
 * hold a number already: a sweep varies existing parameters, it does not add fields
 * (a missing indicator param takes its catalog default, so set it in the spec first).
 */
export function withNumberAt<T>(root: T, path: string, value: number): T {
  numberAt(root, path);
  const segments = parsePath(path);
  const set = (node: unknown, depth: number): unknown => {
    const key = segments[depth]!;
    const copy: Record<string | number, unknown> | unknown[] = Array.isArray(node) ? [...(node as unknown[])] : { ...(node as Record<string, unknown>) };
    (copy as Record<string | number, unknown>)[key] = depth === segments.length - 1 ? value : set((node as Record<string | number, unknown>)[key], depth + 1);
    return copy;
  };
  return set(root, 0) as T;
}
