import { describe, expect, it } from 'vitest';
import { getIn, pathKey, removeAt, sameValue, setIn } from './spec-edit.js';

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

describe('sameValue (what "unsaved" compares)', () => {
  it('is true for an edit typed back to the saved value, whatever the key order', () => {
    const saved = { name: 'x', management: { stopLoss: { kind: 'percent', value: 2 } }, entry: { long: { children: [{ period: 10 }] } } };
    const edited = setIn(saved, ['entry', 'long', 'children', 0, 'period'], 15);
    expect(sameValue(edited, saved)).toBe(false);
    expect(sameValue(setIn(edited, ['entry', 'long', 'children', 0, 'period'], 10), saved)).toBe(true);
    // Off, then on again: the key comes back last and its value equals the saved one.
    const off = setIn(saved, ['management', 'stopLoss'], undefined);
    expect(sameValue(setIn(setIn(off, ['name'], 'x'), ['management', 'stopLoss'], { value: 2, kind: 'percent' }), saved)).toBe(true);
    expect(sameValue({ a: undefined, b: 1 }, { b: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue({ a: [1] }, { a: { 0: 1 } })).toBe(false);
  });
});
