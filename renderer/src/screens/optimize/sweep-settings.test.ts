import { describe, expect, it } from 'vitest';
import type { ResultOf } from '../../api/contract.js';
import { rowsFromSpace, sweepSettings } from './sweep-settings.js';

type SweepDetail = ResultOf<'sweeps/get'>;
type SeriesItem = ResultOf<'data/listSeries'>[number];

const DAY_MS = 86_400_000;
const JAN_2 = Date.UTC(2024, 0, 2);
const series = [
  { instrument: { symbol: 'AAA' }, timeframe: '1d' },
  { instrument: { symbol: 'GOOG' }, timeframe: '1m' },
  { instrument: { symbol: 'GOOG' }, timeframe: '1d' },
] as unknown as SeriesItem[];

// Only the fields the form reads; the rest of a detail plays no part here.
const sweep = (patch: Partial<SweepDetail>): SweepDetail =>
  ({
    symbol: 'GOOG',
    universe: null,
    timeframe: '1d',
    fromTs: JAN_2,
    toTs: JAN_2 + 30 * DAY_MS,
    objective: { metric: 'sortino', direction: 'maximize', minTrades: 3 },
    config: {
      source: { kind: 'template', templateId: 'sma-cross' },
      space: [
        { name: 'fast', values: [5, 10, 15, 20] },
        { name: 'slow', values: [20, 30, 40, 50, 60] },
      ],
      constraints: [{ left: 'fast', operator: '<', right: 'slow' }],
      method: { kind: 'random', samples: 50, seed: 7 },
      objective: { metric: 'sortino', direction: 'maximize', minTrades: 3 },
    },
    ...patch,
  }) as unknown as SweepDetail;

describe("a past sweep's settings for the form", () => {
  it('takes its source, series, range, constraints, method and objective', () => {
    expect(sweepSettings(sweep({}), [], series)).toEqual({
      source: 'template:sma-cross',
      seriesKey: 'GOOG/1d',
      timeframe: '1d',
      from: '2024-01-02',
      to: '2024-01-31',
      scope: 'one',
      picked: [],
      space: sweep({}).config.space,
      constraints: 'fast < slow',
      method: 'random',
      samples: '50',
      population: null,
      generations: null,
      seed: '7',
      metric: 'sortino',
      direction: 'maximize',
      minTrades: '3',
      missing: [],
    });
  });

  it('finds a saved strategy by its spec name, and says when it cannot', () => {
    const spec = sweep({ config: { ...sweep({}).config, source: { kind: 'spec', spec: { name: 'My cross' } } } });
    expect(sweepSettings(spec, [{ id: 's1', name: 'My cross' }], series).source).toBe('strategy:s1');
    const gone = sweepSettings(spec, [{ id: 's2', name: 'Other' }], series);
    expect(gone.source).toBeNull();
    expect(gone.missing).toEqual(['the strategy ("My cross" is no saved strategy now)']);
  });

  it('sets the range rows: the swept ones ticked with min, max and step, the others unticked', () => {
    const rows = [
      { name: 'fast', enabled: false, min: '1', max: '2', step: '1' },
      { name: 'slow', enabled: true, min: '1', max: '2', step: '1' },
      { name: 'other', enabled: true, min: '1', max: '2', step: '1' },
    ];
    const space = [...sweep({}).config.space, { name: 'gone', values: [1] }, { name: 'other', values: [1, 2, 4] }];
    expect(rowsFromSpace(rows.slice(0, 2), sweep({}).config.space).rows).toEqual([
      { name: 'fast', enabled: true, min: '5', max: '20', step: '5' },
      { name: 'slow', enabled: true, min: '20', max: '60', step: '10' },
    ]);
    const result = rowsFromSpace(rows, space);
    expect(result.unknown).toEqual(['gone']);
    expect(result.uneven).toEqual(['other']);
    expect(rowsFromSpace(rows, [{ name: 'fast', values: [5] }]).rows.map((r) => r.enabled)).toEqual([true, false, false]);
  });
});
