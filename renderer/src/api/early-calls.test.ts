import { describe, expect, it } from 'vitest';
import { earlyCallsSettled, startEarly, takeEarly, takeSettledEarly } from './early-calls.js';

describe('early calls', () => {
  it('hands an answer that is back to the first render synchronously, once', async () => {
    startEarly('data/listSeries', undefined, () => Promise.resolve(['BTC']), true);
    expect(takeSettledEarly('data/listSeries', undefined)).toBeUndefined(); // not back yet
    await earlyCallsSettled(1_000);
    expect(takeSettledEarly('data/listSeries', undefined)).toEqual({ value: ['BTC'] });
    expect(takeSettledEarly('data/listSeries', undefined)).toBeUndefined();
    expect(takeEarly('data/listSeries', undefined)).toBeUndefined();
  });

  it('leaves a failed answer to the screen’s own call, which gets the error', async () => {
    startEarly('strategies/list', { limit: 1 }, () => Promise.reject(new Error('refused')), true);
    await earlyCallsSettled(1_000);
    expect(takeSettledEarly('strategies/list', { limit: 1 })).toBeUndefined();
    await expect(takeEarly('strategies/list', { limit: 1 })).rejects.toThrow('refused');
  });

  it('stops waiting for a slow answer after the limit', async () => {
    startEarly('system/info', undefined, () => new Promise(() => undefined), true);
    const started = performance.now();
    await earlyCallsSettled(30);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(takeSettledEarly('system/info', undefined)).toBeUndefined();
    takeEarly('system/info', undefined);
  });

  it('does not hold the first render for a call it does not wait for', async () => {
    startEarly('jobs/list', undefined, () => new Promise(() => undefined));
    const started = performance.now();
    await earlyCallsSettled(5_000);
    expect(performance.now() - started).toBeLessThan(1_000);
    takeEarly('jobs/list', undefined);
  });
});
