// runs/instruments over the handler table: a portfolio run on a real SQLite file (the demo
// basket) and a real backtest worker; the charts' reads of its positions and curves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, specOf, trig, v } from '../../domain/test-kit/specs.js';
import type { BacktestJobResult } from '../backtest/contract.js';
import type { HandlerName } from '../contract/handlers.js';
import { seedDemoData } from '../data/seed-demo.js';
import { openHandlerHarness, type HandlerHarness } from '../test-kit/handler-harness.js';
import { callHandler } from '../test-kit/dispatch.js';

let harness: HandlerHarness;
let runId: string;

const call = <N extends HandlerName>(name: N, args?: unknown) => callHandler(harness.dispatcher, name, args);

const INITIAL_CASH = 100_000;

beforeAll(async () => {
  harness = await openHandlerHarness({ prefix: 'bws-run-instruments-' });
  seedDemoData(harness.storage.barStore, 2_000);
  const { id } = await call('strategies/create', {
    spec: specOf({
      name: 'Rotation',
      entry: { long: all(trig(v('close'), '>', v('sma', { period: 50 }))) },
      exit: { long: all(trig(v('close'), '<', v('sma', { period: 100 }))) },
      sizing: { kind: 'equalWeight' },
      initialCash: INITIAL_CASH,
      portfolio: { maxPositions: 3, ranking: { by: v('roc', { period: 48 }), order: 'desc' } },
    }),
  });
  const { jobId } = await call('backtest/start', { strategyId: id, universe: { tag: 'demo-basket' }, timeframe: '1h', fromTs: Date.UTC(2024, 3, 1) });
  const job = await harness.jobs.whenFinished(jobId);
  if (job.status !== 'done') throw new Error(`run ${job.status}: ${JSON.stringify(job.error)}`);
  runId = (job.result as BacktestJobResult).runId;
}, 120_000);

afterAll(async () => {
  await harness.close();
});

describe('runs/instruments', () => {
  it('answers the whole run reduced, or a time range at every clock bar: the chart of a zoom', async () => {
    const every = await call('runs/instruments', { id: runId, maxPoints: 20_000 });
    const clockBars = (await call('runs/equity', { id: runId, maxPoints: 2 })).sourcePoints;
    expect(every.positions.downsampled).toBe(false);
    expect(every.positions.ts).toHaveLength(clockBars);
    expect(Math.max(...every.positions.count)).toBe(3);

    const whole = await call('runs/instruments', { id: runId, maxPoints: 500 });
    expect(whole.positions.downsampled).toBe(true);
    expect(whole.positions.ts.length).toBeLessThanOrEqual(500);
    // Each point is the most open within its span: never below any bar it covers.
    expect(Math.max(...whole.positions.count)).toBe(3);

    // A zoom: the range's bars, every one, equal to the full series' slice.
    const fromTs = every.positions.ts[4_000]!;
    const toTs = every.positions.ts[4_300]!;
    const zoomed = await call('runs/instruments', { id: runId, fromTs, toTs, maxPoints: 500 });
    expect(zoomed.positions.downsampled).toBe(false);
    expect(zoomed.positions.ts).toEqual(every.positions.ts.slice(4_000, 4_300));
    expect(zoomed.positions.count).toEqual(every.positions.count.slice(4_000, 4_300));
    expect(zoomed.curves.ts.every((t) => t >= fromTs && t < toTs)).toBe(true);
    expect(zoomed.curves.ts.length).toBeGreaterThan(0);
    expect(zoomed.curves.pnl.every((curve) => curve.length === zoomed.curves.ts.length)).toBe(true);
    // Nothing in a range past the run.
    const after = await call('runs/instruments', { id: runId, fromTs: Date.UTC(2030, 0, 1), maxPoints: 500 });
    expect(after.positions.ts).toEqual([]);
    expect(after.curves.ts).toEqual([]);
    expect(after.figures).toEqual(whole.figures);
  });

  it("keeps each curve's last sample however far it is reduced: the final PnL of each instrument", async () => {
    for (const maxPoints of [2, 7, 500]) {
      const reduced = await call('runs/instruments', { id: runId, maxPoints });
      expect(reduced.curves.ts.length).toBeLessThanOrEqual(maxPoints + 1);
      expect(reduced.curves.downsampled).toBe(true);
      reduced.figures.forEach((f, k) => {
        const curve = reduced.curves.pnl[k]!;
        expect(curve[curve.length - 1]!).toBeCloseTo((f.contributionPct * INITIAL_CASH) / 100, 6);
      });
    }
  });
});
