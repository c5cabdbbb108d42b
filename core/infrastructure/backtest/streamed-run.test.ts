// A single run streamed window by window (execute-streamed-run.ts) against the same run
// read whole: a real SQLite file, several windows of the store's feed, warm-up before
// the range, and a resampled timeframe with the bar magnifier and stops.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacktestState, executeRun, type ExecutedRun, type RunControl } from '../../application/backtest/execute-run.js';
import { IndicatorCache } from '../../application/backtest/indicator-cache.js';
import type { BacktestRequest } from '../../application/backtest/request.js';
import { CancelledError, ValidationError } from '../../application/errors.js';
import type { Instrument } from '../../domain/market/instrument.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { smaCrossSpec } from '../../domain/test-kit/specs.js';
import { BarSource } from '../sqlite/bar-source.js';
import type { Storage } from '../sqlite/storage.js';
import { randomWalkBars, seedStore } from '../test-kit/bar-fixture.js';

const START = Date.UTC(2024, 0, 1);
/** About three of the feed's 32,768-minute windows, and warm-up before the range. */
const MINUTES = 100_000;
const FROM = START + 3 * 86_400_000;

let dir: string;
let storage: Storage;
let instrument: Instrument;
let dbFile: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-streamed-'));
  ({ storage, instrument } = seedStore(dir, MINUTES, 'STRM', START));
  dbFile = storage.file;
});

afterAll(() => {
  storage.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const control: RunControl = { now: () => performance.now(), checkpoint: () => {}, shouldCancel: () => false };

/** Runs `request` on a fresh executing side that streams runs of more than `streamAbove` bars. */
function execute(request: BacktestRequest, streamAbove: number, runControl = control): { executed: ExecutedRun; hash: string; cachedBarSets: number } {
  const bars = new BarSource(64 * 1024 * 1024);
  try {
    const state = new BacktestState(new IndicatorCache(64 * 1024 * 1024));
    state.streamAboveBars = streamAbove;
    const executed = executeRun(state, bars.forFile(dbFile), request, runControl);
    // The whole path reads through the bar cache; a streamed run reads past it.
    return { executed, hash: executed.hash(), cachedBarSets: bars.stats().entries };
  } finally {
    bars.close();
  }
}

type Run = ReturnType<typeof execute>;

function expectSameRun(streamed: Run, whole: Run): void {
  expect(streamed.cachedBarSets).toBe(0);
  expect(whole.cachedBarSets).toBeGreaterThan(0);
  const a = streamed.executed;
  const b = whole.executed;
  expect(a.result.trades.length).toBeGreaterThan(5);
  expect(a.result.metrics).toEqual(b.result.metrics);
  expect(a.result.trades).toEqual(b.result.trades);
  expect(a.result.markers).toEqual(b.result.markers);
  expect(a.result.openPosition).toEqual(b.result.openPosition);
  // Bit for bit: the arrays' bytes, not values within a tolerance.
  expect(Buffer.from(a.result.equity.buffer, a.result.equity.byteOffset, a.result.equity.byteLength)).toEqual(
    Buffer.from(b.result.equity.buffer, b.result.equity.byteOffset, b.result.equity.byteLength),
  );
  expect(Array.from(a.result.drawdownPct)).toEqual(Array.from(b.result.drawdownPct));
  expect(Array.from(a.runTs)).toEqual(Array.from(b.runTs));
  expect(a.warmUp).toEqual(b.warmUp);
  expect(a.magnifierUsed).toBe(b.magnifierUsed);
  expect(a.barsOrigin).toBe(b.barsOrigin);
  expect(streamed.hash).toBe(whole.hash);
}

describe('a single run streamed window by window', () => {
  it('gives the whole path\'s result and run hash on 1-minute bars, warm-up included', () => {
    const request: BacktestRequest = { instrument, timeframe: '1m', fromTs: FROM, spec: smaCrossSpec(20, 90) };
    const whole = execute(request, Number.POSITIVE_INFINITY);
    const streamed = execute(request, 0);
    expect(whole.executed.runTs.length).toBeGreaterThan(MINUTES - 4 * 1440);
    expect(streamed.executed.warmUp.bars).toBeGreaterThan(0);
    expect(streamed.executed.warmUp.bars).toBe(streamed.executed.warmUp.needed);
    expectSameRun(streamed, whole);
  });

  it('gives the whole path\'s result and hash on a timeframe resampled from 1m, with the magnifier resolving stops', () => {
    const spec: StrategySpec = smaCrossSpec(5, 20, {
      management: { stopLoss: { kind: 'percent', value: 0.4 }, trailingStop: { distance: { kind: 'percent', value: 0.3 }, activationPct: 0.1 } },
    });
    const request: BacktestRequest = { instrument, timeframe: '15m', fromTs: FROM, toTs: START + 60 * 86_400_000, spec };
    const whole = execute(request, Number.POSITIVE_INFINITY);
    const streamed = execute(request, 0);
    expect(streamed.executed.magnifierUsed).toBe(true);
    expect(streamed.executed.barsOrigin).toBe('resampled');
    expectSameRun(streamed, whole);
    // Without the magnifier: another result, and another hash.
    const plain = execute({ ...request, magnifier: false }, 0);
    expect(plain.executed.magnifierUsed).toBe(false);
    expect(plain.hash).not.toBe(streamed.hash);
    expectSameRun(plain, execute({ ...request, magnifier: false }, Number.POSITIVE_INFINITY));
  });

  it('stops on a cancel through the engine poll, saving nothing', () => {
    const request: BacktestRequest = { instrument, timeframe: '1m', spec: smaCrossSpec(20, 90) };
    expect(() => execute(request, 0, { ...control, shouldCancel: () => true })).toThrow(CancelledError);
  });

  it('refuses a hash of bars an import changed after the run read them', () => {
    const bars = new BarSource(64 * 1024 * 1024);
    try {
      const state = new BacktestState(new IndicatorCache(0));
      state.streamAboveBars = 0;
      const executed = executeRun(state, bars.forFile(dbFile), { instrument, timeframe: '1m', fromTs: FROM, spec: smaCrossSpec(20, 90) }, control);
      storage.barStore.mergeBars(instrument.id, '1m', randomWalkBars(10, START + MINUTES * 60_000));
      expect(() => executed.hash()).toThrow(ValidationError);
    } finally {
      bars.close();
    }
  });
});
