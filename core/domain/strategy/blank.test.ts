import { describe, expect, it } from 'vitest';
import { blankSpec } from './blank.js';
import { validateSpec, VALUE_PROBLEM_CODES } from './validate.js';

describe('blank strategy', () => {
  it('has no rules: the only thing it lacks to run is an entry rule', () => {
    const spec = blankSpec();
    expect(spec.entry).toEqual({});
    expect(spec.exit).toEqual({});
    const { errors } = validateSpec(spec);
    expect(errors.map((e) => e.code)).toEqual(['missingEntry']);
    // Savable as it is: nothing out of range.
    expect(errors.filter((e) => VALUE_PROBLEM_CODES.has(e.code))).toEqual([]);
  });
});
