import { describe, expect, it } from 'vitest';
import { createForegroundSignal, markActiveUntil } from '../../core/infrastructure/workers/foreground-signal.js';
import { primeInBackground, type PrimingPlan } from './jit-priming.js';

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

function plan(overrides: Partial<PrimingPlan> & { log: string[] }): PrimingPlan {
  const { log, ...rest } = overrides;
  return {
    steps: 5,
    step: (i) => log.push(`step ${i}`),
    primedAlready: () => false,
    foreground: null,
    delayMs: 0,
    onEnd: () => log.push('end'),
    ...rest,
  };
}

describe('primeInBackground', () => {
  it('runs every step in order, one per task, so other work gets in between, then ends', async () => {
    const log: string[] = [];
    const figures = primeInBackground(plan({ log, step: (i) => {
      log.push(`step ${i}`);
      // A job message arriving during a step is handled before the next step.
      if (i === 1) setImmediate(() => log.push('job'));
    } }));
    expect(figures().state).toBe('waiting');
    await until(() => figures().state === 'done');
    expect(log).toEqual(['step 0', 'step 1', 'job', 'step 2', 'step 3', 'step 4', 'end']);
    expect(figures()).toMatchObject({ stepsRun: 5, stepsPlanned: 5, state: 'done' });
  });

  it('waits while the user interacts', async () => {
    const log: string[] = [];
    const foreground = createForegroundSignal();
    markActiveUntil(foreground, Date.now() + 400);
    const started = Date.now();
    let firstStepAt = 0;
    const figures = primeInBackground(plan({ log, foreground, step: (i) => {
      if (i === 0) firstStepAt = Date.now();
      log.push(`step ${i}`);
    } }));
    await until(() => figures().state === 'done');
    // 400 ms of activity plus the 150 ms quiet window.
    expect(firstStepAt - started).toBeGreaterThanOrEqual(500);
  });

  it('stops once real jobs have warmed the code, and when a step fails; both free what the steps held', async () => {
    const log: string[] = [];
    let jobs = 0;
    const skipped = primeInBackground(plan({ log, primedAlready: () => jobs >= 1, step: (i) => {
      log.push(`step ${i}`);
      if (i === 1) jobs++;
    } }));
    await until(() => skipped().state === 'skipped');
    expect(log).toEqual(['step 0', 'step 1', 'end']);

    const failedLog: string[] = [];
    const failed = primeInBackground(plan({ log: failedLog, step: (i) => {
      if (i === 2) throw new Error('boom');
      failedLog.push(`step ${i}`);
    } }));
    await until(() => failed().state === 'failed');
    await until(() => failedLog.includes('end'));
    expect(failedLog).toEqual(['step 0', 'step 1', 'end']);
  });
});
