import { describe, expect, it } from 'vitest';
import { getIn, pathKey, removeAt, setIn } from './spec-edit.js';

describe('spec edits by path', () => {
  const spec = { entry: { long: { kind: 'group', children: [{ a: 1 }, { a: 2 }] } }, costs: { fee: 1 } };

  it('replaces a nested value without touching the original', () => {
    const next = setIn(spec, ['entry', 'long', 'children', 1, 'a'], 5);
    expect(getIn(next, ['entry', 'long', 'children', 1, 'a'])).toBe(5);
    expect(spec.entry.long.children[1]!.a).toBe(2);
    expect(next.costs).toBe(spec.costs); // untouched branches are shared
  });

  it('removes array elements and object keys', () => {
    expect(getIn(removeAt(spec, ['entry', 'long', 'children', 0]), ['entry', 'long', 'children'])).toEqual([{ a: 2 }]);
    expect(removeAt(spec, ['costs', 'fee']).costs).toEqual({});
  });

  it('creates missing objects on the way', () => {
    expect(setIn({} as Record<string, unknown>, ['management', 'stopLoss', 'value'], 2)).toEqual({ management: { stopLoss: { value: 2 } } });
  });

  it('formats paths the way the validator reports them', () => {
    expect(pathKey(['entry', 'long', 'children', 0, 'right'])).toBe('entry.long.children.0.right');
  });
});
