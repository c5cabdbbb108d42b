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
import { FileColumnScratch } from './file-column-scratch.js';

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
  // The app's runs keep no drawdown array (charts derive it from the equity).
  expect([a.result.drawdownPct.length, b.result.drawdownPct.length]).toEqual([0, 0]);
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
    // What decides is the bars read: ~5,500 bars of 15 minutes, but ~82,000 minutes under them.
    expect(streamed.executed.runTs.length).toBeLessThan(20_000);
    expectSameRun(execute(request, 20_000), whole);
    // Without the magnifier: another result, and another hash.
    const plain = execute({ ...request, magnifier: false }, 0);
    expect(plain.executed.magnifierUsed).toBe(false);
    expect(plain.hash).not.toBe(streamed.hash);
    expectSameRun(plain, execute({ ...request, magnifier: false }, Number.POSITIVE_INFINITY));
  });

  it('stops on a cancel through the engine poll, its scratch removed', () => {
    const request: BacktestRequest = { instrument, timeframe: '1m', spec: smaCrossSpec(20, 90) };
    const bars = new BarSource(0);
    const scratches: FileColumnScratch[] = [];
    const source = { ...bars.forFile(dbFile), scratch: (columns: number) => scratches[scratches.push(new FileColumnScratch(columns)) - 1]! };
    try {
      const state = new BacktestState(new IndicatorCache(0));
      state.streamAboveBars = 0;
      expect(() => executeRun(state, source, request, { ...control, shouldCancel: () => true })).toThrow(CancelledError);
      expect(scratches).toHaveLength(1);
      expect(fs.existsSync(scratches[0]!.dir)).toBe(false);
    } finally {
      bars.close();
    }
  });

  it('fails a run whose bars an import changed while it read them, naming the instrument', () => {
    const request: BacktestRequest = { instrument, timeframe: '1m', fromTs: FROM, spec: smaCrossSpec(20, 90) };
    let imported = false;
    let imports = 0;
    // Appends 10 new minutes after the stored ones, once per run until `imported` is reset.
    const importMidway = (done: number) => {
      if (imported || done === 0) return;
      imported = true;
      storage.barStore.mergeBars(instrument.id, '1m', randomWalkBars(10, START + (MINUTES + 10 * imports++) * 60_000));
    };
    expect(() => execute(request, 0, { ...control, onProgress: importMidway })).toThrow(ValidationError);
    expect(imported).toBe(true);
    expect(() => execute(request, 0, { ...control, onProgress: importMidway })).not.toThrow();
    imported = false;
    expect(() => execute(request, 0, { ...control, onProgress: importMidway })).toThrow(/bars of STRM changed while the run read them/);
    expect(() => execute(request, 0, { ...control, onProgress: importMidway })).not.toThrow();
  });
});

describe('a column scratch in temporary files', () => {
  it('gives back each column as appended, over pieces of any size, and removes its files on close', () => {
    const scratch = new FileColumnScratch(2);
    const a = Float64Array.from({ length: 300_000 }, (_, i) => i * 0.5);
    scratch.append(0, a.subarray(0, 7));
    scratch.append(1, Float64Array.of(-1, Number.NaN));
    scratch.append(0, a.subarray(7));
    // Each piece is valid until the next: copied as it comes.
    const back = new Float64Array(a.length);
    let at = 0;
    let pieces = 0;
    for (const piece of scratch.read(0)) {
      back.set(piece, at);
      at += piece.length;
      pieces++;
    }
    expect(pieces).toBeGreaterThan(1);
    expect(at).toBe(a.length);
    expect(Buffer.from(back.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect([...scratch.read(1)].map((piece) => Array.from(piece))).toEqual([[-1, Number.NaN]]);
    scratch.close();
    expect(fs.existsSync(scratch.dir)).toBe(false);
  });
});
