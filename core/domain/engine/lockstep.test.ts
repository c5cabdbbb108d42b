import { describe, expect, it } from 'vitest';
import { sliceBars } from '../market/bars.js';
import type { Direction } from '../strategy/spec.js';
import { buildTemplate, listTemplates, type TemplateBase } from '../strategy/templates.js';
import { dataSets, RULES, STOPS } from '../test-kit/template-data.js';
import { runBacktest } from './backtest.js';
import { runLockstep, type LockstepRun } from './lockstep.js';
import { BacktestCancelledError, type BacktestResult } from './types.js';

// JSON of the metrics: every double round-trips, so equal strings are equal bits.
const metricsJson = (r: BacktestResult | Error) => (r instanceof Error ? `error: ${r.message}` : JSON.stringify(r.metrics));

describe('runLockstep', () => {
  // Every template, direction and management variant of each data set (the template-runs
  // cases, without the magnifier), starting at different bars, in one group: the chunk
  // edges (1,000 bars) fall inside the engine's 4,096-bar blocks and across warm-ups.
  for (const data of dataSets()) {
    it(`${data.name}: each run of the group gives its whole-array run's metrics bit for bit`, () => {
      const bases: [Direction, TemplateBase][] = [['long', {}], ['short', {}], ['both', STOPS], ['both', RULES]];
      const runs: LockstepRun[] = [];
      for (const template of listTemplates()) {
        for (const [direction, base] of bases) {
          const from = (runs.length * 37) % 300;
          runs.push({
            from,
            config: {
              spec: buildTemplate(template.id, {}, { ...base, direction }),
              instrument: data.instrument,
              timeframe: data.timeframe,
              magnifier: false,
              keep: 'metrics',
              ...(data.warmUpBars ? { warmUpBars: data.warmUpBars } : {}),
            },
          });
        }
      }
      const n = data.bars.ts.length;
      const together = runLockstep(data.bars, runs, 1_000).map(metricsJson);
      const alone = runs.map((run) => metricsJson(runBacktest({ ...run.config, keep: 'all', bars: sliceBars(data.bars, run.from, n) })));
      expect(together).toEqual(alone);
      expect(together.every((m) => !m.startsWith('error'))).toBe(true);
    });
  }

  it('gives a failing run its error and the others their results; a cancel stops the group', () => {
    const data = dataSets()[2]!;
    const config = { instrument: data.instrument, timeframe: data.timeframe, keep: 'metrics' as const };
    const good = { from: 0, config: { ...config, spec: buildTemplate('sma-cross') } };
    const broke = { from: 10, config: { ...config, spec: { ...buildTemplate('sma-cross'), initialCash: 0 } } };
    const [first, second] = runLockstep(data.bars, [good, broke]);
    expect(metricsJson(first!)).toBe(metricsJson(runBacktest({ ...good.config, bars: data.bars })));
    expect(second).toBeInstanceOf(Error);
    expect((second as Error).message).toMatch(/initialCash must be positive/);
    const cancelled = { from: 0, config: { ...good.config, shouldCancel: () => true } };
    expect(() => runLockstep(data.bars, [good, cancelled])).toThrow(BacktestCancelledError);
  });
});
