import { describe, expect, it } from 'vitest';
import { nameWithParams } from './runs.js';

describe('bws runs list', () => {
  it("names a sweep variant's run with its parameters, other runs by the strategy alone", () => {
    expect(nameWithParams({ name: 'SMA cross' })).toBe('SMA cross');
    expect(nameWithParams({ name: 'SMA cross', sweepVariant: { params: { fast: 10, slow: 50 } } })).toBe('SMA cross (fast=10, slow=50)');
  });
});
