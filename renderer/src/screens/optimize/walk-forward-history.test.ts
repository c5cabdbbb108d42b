import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../../api/contract.js';
import type { WalkForwardReport } from '../../../../core/application/sweeps/contract.js';
import { pastWalkForwards, reportOf, scheduleOf, settingsText } from './walk-forward-history.js';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

/** Windows of `isDays` in-sample then `oosDays` out, moving by `stepDays`. */
function windows(count: number, isDays: number, oosDays: number, stepDays: number, anchored: boolean): Pick<WalkForwardReport, 'windows'> {
  return {
    windows: Array.from({ length: count }, (_, k) => {
      const isEnd = START + (isDays + k * stepDays) * DAY;
      return { index: k, inSample: { fromTs: anchored ? START : isEnd - isDays * DAY, toTs: isEnd }, outOfSample: { fromTs: isEnd, toTs: isEnd + oosDays * DAY } } as WalkForwardReport['windows'][number];
    }),
  };
}

const job = (patch: Omit<Partial<JobInfo>, 'id'> & { id?: string }): JobInfo =>
  ({ id: 'j1', kind: 'walkforward', title: 'Walk-forward sma-cross on GOOG 1d', status: 'done', progress: { done: 3, total: 3 }, createdAt: Date.UTC(2026, 11, 7, 20, 30), startedAt: null, finishedAt: null, ...patch }) as JobInfo;

describe('walk-forward history', () => {
  it('reads the schedule back from the windows', () => {
    expect(scheduleOf(windows(3, 180, 30, 30, false))).toEqual({ inSampleDays: 180, outOfSampleDays: 30, stepDays: 30, anchored: false });
    expect(scheduleOf(windows(3, 180, 30, 15, true))).toEqual({ inSampleDays: 180, outOfSampleDays: 30, stepDays: 15, anchored: true });
    expect(scheduleOf(windows(1, 180, 30, 30, false))).toEqual({ inSampleDays: 180, outOfSampleDays: 30, stepDays: null, anchored: null });
    expect(scheduleOf({ windows: [] })).toBeNull();
  });

  it('says what a walk-forward ran with', () => {
    expect(settingsText('Walk-forward sma-cross on GOOG 1d', windows(3, 180, 30, 30, false))).toBe(
      'Walk-forward sma-cross on GOOG 1d · 180 days in-sample, 30 out-of-sample, step 30, rolling · 2024-01-01 → 2024-09-26',
    );
    expect(settingsText('Walk-forward x', { windows: [] })).toBe('Walk-forward x');
  });

  it('lists the finished walk-forwards that kept windows, newest first as the jobs come, saying those that did not finish', () => {
    const report = { ...windows(3, 180, 30, 30, false), windowsPlanned: 3 } as WalkForwardReport;
    const jobs = [
      job({ id: 'running', status: 'running', result: report }),
      job({ id: 'done', result: report }),
      job({ id: 'backtest', kind: 'backtest', result: { runId: 'r' } }),
      job({ id: 'failed-early', status: 'failed' }),
      job({ id: 'cancelled', status: 'cancelled', result: { ...report, windows: report.windows.slice(0, 1), windowsPlanned: 6 } }),
    ];
    const past = pastWalkForwards(jobs);
    expect(past.map((p) => p.jobId)).toEqual(['done', 'cancelled']);
    expect(past[0]!.label).toBe('2026-12-07 20:30 · Walk-forward sma-cross on GOOG 1d · 3 windows');
    expect(past[1]!.label).toBe('2026-12-07 20:30 · Walk-forward sma-cross on GOOG 1d · 1 of 6 windows (cancelled)');
    expect(past[0]!.settings).toContain('180 days in-sample');
    expect(reportOf(job({ result: undefined }))).toBeNull();
  });
});
