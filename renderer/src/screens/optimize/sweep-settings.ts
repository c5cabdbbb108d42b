import type { ResultOf } from '../../api/contract.js';
import { formatDate } from '../../app/format.js';
import type { RangeRow } from './param-space.js';

type SweepDetail = ResultOf<'sweeps/get'>;
type SeriesItem = ResultOf<'data/listSeries'>[number];

const DAY_MS = 86_400_000;
const round = (x: number): number => Number(x.toPrecision(12));

/** What the Optimize form takes from a past sweep (the fields it keeps as text), and what it could not. */
export interface SweepSettings {
  /** The form's source ('template:sma-cross', 'strategy:ID'); null when no saved strategy has the sweep's strategy name. */
  readonly source: string | null;
  readonly seriesKey: string | null;
  readonly timeframe: SweepDetail['timeframe'];
  readonly from: string | null;
  readonly to: string | null;
  /** 'one', 'tag:TAG' or 'pick' (with `picked`). */
  readonly scope: string;
  readonly picked: readonly string[];
  readonly space: SweepDetail['config']['space'];
  readonly constraints: string;
  readonly method: 'grid' | 'random' | 'genetic';
  readonly samples: string | null;
  readonly population: string | null;
  readonly generations: string | null;
  readonly seed: string | null;
  readonly metric: SweepDetail['objective']['metric'];
  readonly direction: 'maximize' | 'minimize';
  readonly minTrades: string;
  /** What the form could not take back, in words. */
  readonly missing: readonly string[];
}

const text = (value: unknown): string | null => (typeof value === 'number' && Number.isFinite(value) ? String(value) : null);

/**
 * Returns the form's fields for a past sweep: its source (a saved strategy found by the
 * name of the sweep's spec: the record keeps the spec, not the strategy's id), series,
 * timeframe, range, parameter ranges, constraints, method and objective.
 */
export function sweepSettings(sweep: SweepDetail, strategies: readonly { readonly id: string; readonly name: string }[], series: readonly SeriesItem[]): SweepSettings {
  const missing: string[] = [];
  const config = sweep.config;
  let source: string | null = null;
  if (config.source['kind'] === 'template' && typeof config.source['templateId'] === 'string') source = `template:${config.source['templateId']}`;
  else {
    const spec = config.source['spec'];
    const name = typeof spec === 'object' && spec !== null && 'name' in spec && typeof spec.name === 'string' ? spec.name : null;
    const saved = name === null ? [] : strategies.filter((s) => s.name === name);
    if (saved.length === 1) source = `strategy:${saved[0]!.id}`;
    else missing.push(saved.length > 1 ? `the strategy (${saved.length} saved strategies are named "${name}")` : `the strategy ("${name ?? 'unnamed'}" is no saved strategy now)`);
  }
  const ofSymbol = series.filter((s) => s.instrument.symbol === sweep.symbol);
  const stored = ofSymbol.find((s) => s.timeframe === sweep.timeframe) ?? ofSymbol[0];
  if (!stored) missing.push(`the data (${sweep.symbol} is not stored now)`);
  const method = config.method;
  const universe = sweep.universe;
  return {
    source,
    seriesKey: stored ? `${stored.instrument.symbol}/${stored.timeframe}` : null,
    timeframe: sweep.timeframe,
    from: sweep.fromTs === null ? null : formatDate(sweep.fromTs),
    // The form's "to" day is included: the sweep's end is the start of the next day.
    to: sweep.toTs === null ? null : formatDate(sweep.toTs - DAY_MS),
    scope: universe === null ? 'one' : universe.tag !== null ? `tag:${universe.tag}` : 'pick',
    picked: universe === null || universe.tag !== null ? [] : universe.symbols,
    space: config.space,
    constraints: config.constraints.map((c) => `${c.left} ${c.operator} ${c.right}`).join(', '),
    method: method.kind,
    samples: text(method['samples']),
    population: text(method['population']),
    generations: text(method['generations']),
    seed: text(method['seed']),
    metric: sweep.objective.metric,
    direction: sweep.objective.direction,
    minTrades: String(sweep.objective.minTrades),
    missing,
  };
}

/**
 * The form's range rows set to a sweep's space: its parameters ticked with their first value,
 * last value and step, the others unticked. Returns the names the rows lack (a strategy
 * edited since) and those whose values were not evenly spaced (a list: min, max and smallest step).
 */
export function rowsFromSpace(rows: readonly RangeRow[], space: SweepSettings['space']): { rows: RangeRow[]; unknown: string[]; uneven: string[] } {
  const uneven: string[] = [];
  const next = rows.map((row): RangeRow => {
    const range = space.find((p) => p.name === row.name);
    if (!range || range.values.length === 0) return { ...row, enabled: false };
    const values = [...range.values].sort((a, b) => a - b);
    const steps = values.slice(1).map((v, i) => round(v - values[i]!));
    const step = steps.length === 0 ? Number(row.step) || 1 : Math.min(...steps);
    if (steps.some((s) => Math.abs(s - step) > 1e-9 * Math.max(1, Math.abs(step)))) uneven.push(row.name);
    return { ...row, enabled: true, min: String(values[0]), max: String(values[values.length - 1]), step: String(step) };
  });
  const unknown = space.map((p) => p.name).filter((name) => !rows.some((row) => row.name === name));
  return { rows: next, unknown, uneven };
}
