import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { derivableTimeframes, TIMEFRAMES } from '../../../../core/domain/market/timeframe.js';
import { paramLimit } from '../../../../core/domain/strategy/spec-fields.js';
import { findTemplate, listTemplates } from '../../../../core/domain/strategy/templates.js';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { StrategyDetail, Timeframe } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { formatCount, formatDate, parseDate } from '../../app/format.js';
import { onSingleClick, useSingleFlight } from '../../app/use-single-flight.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { SERIES_FOR_UNIVERSE } from '../../components/series-labels.js';
import { METRIC_LABELS, OFFERED_METRICS, type OfferedMetric } from './metrics.js';
import { boundsText, constraintProblem, defaultConstraints, isCostParam, sweptRows, defaultRange, outsideBounds, parseConstraints, rangeProblem, specParams, toSpace, type RangeRow, type SweepArgs, type TunableParam } from './param-space.js';
import { useRememberedSeries } from '../../app/use-remembered-series.js';
import { useStoredState } from '../../app/use-session-state.js';
import { rowsFromSpace, sweepSettings } from './sweep-settings.js';
import { scopeTarget, type SweepScope } from './sweep-scope.js';
import { InstrumentPicker } from '../../components/InstrumentPicker.js';
import { MAX_SWEEP_VARIANTS } from '../../../../core/domain/optimize/limits.js';
import { calibrate, durationText, estimateMs, needsConfirmation, plannedVariants, sweepBars, type Calibration } from './sweep-estimate.js';

const DAY_MS = 86_400_000;
const NO_ROWS: RangeRow[] = [];

/** What a sweep and a walk-forward share: everything but the name and the schedule. */
export type SweepRequest = Omit<SweepArgs, 'name'>;

type MethodKind = 'grid' | 'random' | 'genetic';

const isString = (value: unknown): value is string => typeof value === 'string';
const isMethod = (value: unknown): value is MethodKind => value === 'grid' || value === 'random' || value === 'genetic';
const isDirection = (value: unknown): value is 'maximize' | 'minimize' => value === 'maximize' || value === 'minimize';
const isMetric = (value: unknown): value is OfferedMetric => (OFFERED_METRICS as readonly unknown[]).includes(value);
const isTimeframe = (value: unknown): value is Timeframe | '' => value === '' || (TIMEFRAMES as readonly unknown[]).includes(value);
const isRows = (value: unknown): value is RangeRow[] =>
  Array.isArray(value) && value.every((row: unknown) => typeof row === 'object' && row !== null && ['name', 'min', 'max', 'step'].every((k) => typeof (row as Record<string, unknown>)[k] === 'string') && typeof (row as Record<string, unknown>)['enabled'] === 'boolean');

/**
 * A field of the form that outlives a trip to another tab or screen, a reload, a new tab and
 * a restart (as the remembered series does): a trader back on Optimize finds the strategy,
 * data and grid last chosen, not the first template on the first series. Kept under the
 * form's id, so Sweep and Walk-forward keep theirs apart.
 */
function useFormField<T>(form: string, field: string, initial: T, isValue: (value: unknown) => value is T) {
  return useStoredState<T>('local', `bws.${form}.${field}`, initial, isValue);
}

/**
 * The optimization form: strategy (template or saved spec), data, parameter ranges,
 * constraints, method and objective. Calls `onSubmit` with a request both `sweeps/start`
 * and `walkforward/start` take; `children` adds fields of its own (the walk-forward schedule).
 */
export function SweepSetup(props: {
  initialStrategyId?: string;
  /** A past sweep whose settings the form takes (a new object on each opening). */
  load?: { readonly sweepId: string } | null;
  submitLabel: string;
  busy: boolean;
  onSubmit: (request: SweepRequest) => Promise<void>;
  children?: ReactNode;
  testId: string;
  /**
   * A walk-forward's windows over the range [fromTs, toTs): each runs the search on its
   * in-sample bars, `inSampleShare` of the range's (summed); null while the schedule does not fit.
   */
  windowsOf?: (fromTs: number, toTs: number) => { count: number; inSampleShare: number } | null;
}) {
  const { initialStrategyId, load = null, submitLabel, busy, onSubmit, children, testId, windowsOf } = props;
  const kept = <T,>(field: string, initial: T, isValue: (value: unknown) => value is T) => useFormField<T>(testId, field, initial, isValue);
  // Refetched when a strategy is preselected: it may have been created after this form mounted.
  const strategies = useQuery(() => api().invoke('strategies/list', { limit: 500 }), [initialStrategyId]);
  const series = useQuery(() => api().invoke('data/listSeries'), []);

  const [source, setSource] = kept('source', initialStrategyId ? `strategy:${initialStrategyId}` : 'template:sma-cross', isString);
  // A route that preselects another strategy (the Strategies screen's Sweep button) while this form is mounted.
  useEffect(() => {
    if (initialStrategyId) setSource(`strategy:${initialStrategyId}`);
  }, [initialStrategyId]);
  const [tunable, setTunable] = useState<TunableParam[]>([]);
  const [keptRows, setRows] = kept<RangeRow[]>('rows', [], isRows);
  // The source the kept rows were made for: coming back to it keeps them (typed ranges stay), and
  // until another source's parameters arrive the form shows none rather than the last source's.
  const [rowsFor, setRowsFor] = kept('rowsFor', '', isString);
  const rows = rowsFor === source ? keptRows : NO_ROWS;
  const [spec, setSpec] = useState<StrategyDetail['spec'] | null>(null);
  const [constraints, setConstraints] = kept('constraints', '', isString);
  const [seriesKey, setSeriesKey] = useRememberedSeries();
  const [timeframe, setTimeframe] = kept<Timeframe | ''>('timeframe', '', isTimeframe);
  const [from, setFrom] = kept('from', '', isString);
  const [to, setTo] = kept('to', '', isString);
  // The series the kept range and timeframe were chosen for: coming back, they stay.
  const [rangeFor, setRangeFor] = kept('rangeFor', '', isString);
  const [method, setMethod] = kept<MethodKind>('method', 'grid', isMethod);
  const [samples, setSamples] = kept('samples', '100', isString);
  const [population, setPopulation] = kept('population', '30', isString);
  const [generations, setGenerations] = kept('generations', '10', isString);
  const [seed, setSeed] = kept('seed', '1', isString);
  const [metric, setMetric] = kept<OfferedMetric>('metric', 'sharpe', isMetric);
  const [direction, setDirection] = kept<'maximize' | 'minimize'>('direction', 'maximize', isDirection);
  const [minTrades, setMinTrades] = kept('minTrades', '3', isString);
  // What the variants run on, as the Run form picks it: one instrument, the strategy's own universe, a tag, or
  // picked instruments. Held while the form is mounted, as the Run form holds it (two more session-kept fields
  // here made optimize-state.spec.ts see the default ranges after a trip to the Walk-forward tab under load).
  const [pickedScope, setScope] = useState<SweepScope>('one');
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  // Where it runs: offered only when the app has a cluster, which is then the default.
  const cluster = useQuery(() => api().invoke('cluster/status'), []);
  const clusterStatus = cluster.data?.configured ? cluster.data : null;
  const [target, setTarget] = useState<'local' | 'cluster'>('cluster');
  // Past sweeps' recorded durations calibrate the time estimate.
  const pastSweeps = useQuery(() => api().invoke('sweeps/list', { limit: 20 }), []);
  // A sweep that finishes while the form is open calibrates the next estimate.
  useEffect(() => api().on('job/finished', ({ job }) => job.kind === 'sweep' && pastSweeps.reload()), [pastSweeps.reload]);
  // The parameters of the chosen source: catalog params for a template, numbers by path for a spec.
  useEffect(() => {
    let live = true;
    const [kind, id] = [source.slice(0, source.indexOf(':')), source.slice(source.indexOf(':') + 1)];
    const keepRows = rowsFor === source;
    const apply = (params: TunableParam[], enabled: (p: TunableParam) => boolean, defaultConstraints: string): void => {
      if (!live) return;
      setTunable(params);
      // Back on the form: the ranges and constraints typed earlier for this source stay.
      if (!keepRows) startRows(params, enabled, defaultConstraints);
      // A past sweep being loaded: its ranges over the source's rows.
      const wanted = pendingRanges.current;
      if (wanted?.source === source) {
        pendingRanges.current = null;
        loadRanges(wanted.space, wanted.constraints);
      }
    };
    const startRows = (params: TunableParam[], enabled: (p: TunableParam) => boolean, defaultConstraints: string): void => {
      setRows(
        params.map((p) => {
          const range = defaultRange(p);
          // Only a parameter known to be whole (a template's int) refuses fractions: a saved
          // spec's slippage of 1 is whole by chance, and 0.5 steps of it are fine.
          const integer = p.bounds?.integer ?? false;
          const row = { name: p.name, label: p.label, enabled: enabled(p), min: String(range.min), max: String(range.max), step: String(range.step), integer };
          return p.bounds ? { ...row, bounds: p.bounds } : row;
        }),
      );
      setConstraints(defaultConstraints);
      setRowsFor(source);
    };
    setError(null);
    if (kind === 'template') {
      setSpec(null);
      const template = findTemplate(id);
      if (template) {
        const params: TunableParam[] = template.params.map((p) => ({ name: p.name, label: p.label, value: p.default, bounds: paramLimit(p) }));
        const names = params.map((p) => p.name);
        apply(params, (p) => params.indexOf(p) < 2, defaultConstraints(names));
      }
    } else if (id) {
      api()
        .invoke('strategies/get', { id })
        .then(
          (detail) => {
            if (!live) return;
            setSpec(detail.spec);
            // A portfolio strategy with its own universe is swept over it (every variant runs it whole).
            if (!keepRows && detail.spec.portfolio?.universe) setScope('own');
            // Its named parameters first (the first two ticked, as a template's), then the other
            // numbers in the builder's words; each bounded by the validator's limits.
            const params = specParams(detail.spec);
            const named = params.filter((p) => p.named);
            apply(params, (p) => named.indexOf(p) >= 0 && named.indexOf(p) < 2, defaultConstraints(named.map((p) => p.name)));
          },
          (failure: unknown) => live && setError(errorMessage(failure)),
        );
    }
    return () => {
      live = false;
    };
  }, [source]);

  // A past sweep's ranges waiting for its source's parameters (see the source effect).
  const pendingRanges = useRef<{ source: string; space: Parameters<typeof rowsFromSpace>[1]; constraints: string } | null>(null);
  const [loadNote, setLoadNote] = useState<string | null>(null);
  const loadRanges = (space: Parameters<typeof rowsFromSpace>[1], constraintText: string): void => {
    setWithCosts(space.some((p) => isCostParam(p.name)));
    setRows((current) => {
      const loaded = rowsFromSpace(current, space);
      const notes = [
        loaded.unknown.length > 0 ? `its parameters ${loaded.unknown.join(', ')} (not in the strategy now)` : '',
        loaded.uneven.length > 0 ? `the exact values of ${loaded.uneven.join(', ')} (not evenly spaced: min, max and smallest step shown)` : '',
      ].filter((note) => note !== '');
      if (notes.length > 0) setLoadNote((note) => `${note ?? ''} Not loaded: ${notes.join('; ')}.`);
      return loaded.rows;
    });
    setConstraints(constraintText);
  };
  // Opening a past sweep sets the form to it: Start then reruns what is shown, not the last form.
  useEffect(() => {
    if (!load) return;
    let live = true;
    api()
      .invoke('sweeps/get', { sweepId: load.sweepId })
      .then(
        (sweep) => {
          if (!live) return;
          const all = series.data ?? [];
          const settings = sweepSettings(sweep, strategies.data?.items ?? [], all);
          setError(null);
          setConfirming(null);
          setLoadNote(`Form set from sweep "${sweep.name}".${settings.missing.length > 0 ? ` Not loaded: ${settings.missing.join('; ')}.` : ''}`);
          const stored = all.find((s) => `${s.instrument.symbol}/${s.timeframe}` === settings.seriesKey);
          if (settings.seriesKey !== null && stored) {
            // The range is the sweep's, not the series' whole one the series change would set.
            setRangeFor(settings.seriesKey);
            setSeriesKey(settings.seriesKey);
            setFrom(settings.from ?? formatDate(stored.firstTs));
            setTo(settings.to ?? (stored.lastTs === null ? '' : formatDate(stored.lastTs)));
          }
          setTimeframe(settings.timeframe);
          setScope(settings.scope);
          setPicked([...settings.picked]);
          setMethod(settings.method);
          if (settings.samples !== null) setSamples(settings.samples);
          if (settings.population !== null) setPopulation(settings.population);
          if (settings.generations !== null) setGenerations(settings.generations);
          if (settings.seed !== null) setSeed(settings.seed);
          if (isMetric(settings.metric)) setMetric(settings.metric);
          setDirection(settings.direction);
          setMinTrades(settings.minTrades);
          if (settings.source === null) return;
          if (settings.source === source && rowsFor === source) loadRanges(settings.space, settings.constraints);
          else {
            pendingRanges.current = { source: settings.source, space: settings.space, constraints: settings.constraints };
            setSource(settings.source);
          }
        },
        (failure: unknown) => live && setError(errorMessage(failure)),
      );
    return () => {
      live = false;
    };
  }, [load]);

  const seriesList = series.data ?? [];
  const chosen = seriesList.find((s) => `${s.instrument.symbol}/${s.timeframe}` === seriesKey) ?? seriesList[0];
  // What the instrument's stored bars give (1m bars resample to every coarser timeframe), as on the Run screen.
  const timeframes = useMemo(
    () => (chosen ? derivableTimeframes(seriesList.filter((s) => s.instrument.symbol === chosen.instrument.symbol).map((s) => s.timeframe)) : []),
    [seriesList, chosen?.instrument.symbol],
  );
  useEffect(() => {
    if (!chosen) return;
    const key = `${chosen.instrument.symbol}/${chosen.timeframe}`;
    if (key === rangeFor) return;
    setRangeFor(key);
    setFrom(formatDate(chosen.firstTs));
    setTo(chosen.lastTs === null ? '' : formatDate(chosen.lastTs));
    setTimeframe(chosen.timeframe);
  }, [chosen?.instrument.symbol, chosen?.timeframe]);

  const ownUniverse = source.startsWith('strategy:') ? (spec?.portfolio?.universe ?? null) : null;
  // 'own' picked for a portfolio strategy means one instrument for a source without a universe.
  const scope = pickedScope === 'own' && ownUniverse === null ? 'one' : pickedScope;
  const tags = [...new Set(seriesList.flatMap((s) => s.tags))].sort();
  // A universe's series: those of its instruments stored in the chosen series' timeframe.
  const inTimeframe = seriesList.filter((s) => s.timeframe === chosen?.timeframe);
  const tag = scope.startsWith('tag:') ? scope.slice(4) : null;
  const members = inTimeframe.filter((s) => (tag !== null ? s.tags.includes(tag) : picked.includes(s.instrument.symbol))).map((s) => s.instrument.symbol);
  const ownWords = ownUniverse === null ? null : 'tag' in ownUniverse ? `tagged ${ownUniverse.tag}` : `${ownUniverse.symbols.length} instruments`;

  // Costs are offered only on request: a sweep would just pick the lowest.
  const [withCosts, setWithCosts] = useState(false);
  const hasCosts = rows.some((row) => isCostParam(row.name));
  const plan = toSpace(sweptRows(rows, withCosts));
  // Checked as typed against the ticked parameters: the server refused unknown names only at Start.
  const ticked = sweptRows(rows, withCosts).filter((row) => row.enabled).map((row) => row.name);
  const constraintError = constraintProblem(constraints, ticked);
  const setRow = (index: number, patch: Partial<RangeRow>): void => setRows((current) => current.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  // How big and how long the search is, said before Start: a grid typed a digit too wide runs for hours.
  const onCluster = clusterStatus !== null && target === 'cluster';
  const variants = 'error' in plan ? null : plannedVariants(plan.planned, method === 'grid' ? { kind: 'grid' } : method === 'random' ? { kind: 'random', samples: Number(samples) || 0 } : { kind: 'genetic', population: Number(population) || 0, generations: Number(generations) || 0 });
  const ownSymbols = ownUniverse === null ? [] : 'tag' in ownUniverse ? inTimeframe.filter((s) => s.tags.includes(ownUniverse.tag)).map((s) => s.instrument.symbol) : ownUniverse.symbols;
  const runsOn = !chosen ? [] : scope === 'one' ? [chosen.instrument.symbol] : scope === 'own' ? ownSymbols : members;
  const rangeFrom = parseDate(from) ?? chosen?.firstTs ?? null;
  const typedTo = parseDate(to);
  const rangeTo = typedTo === undefined ? (chosen?.lastTs ?? null) : typedTo + DAY_MS;
  const windows = windowsOf && rangeFrom !== null && rangeTo !== null ? windowsOf(rangeFrom, rangeTo) : null;
  const bars = chosen && runsOn.length > 0 && rangeFrom !== null && rangeTo !== null ? sweepBars(seriesList, runsOn, timeframe || chosen.timeframe, rangeFrom, rangeTo) : null;
  const calibration = useMemo(() => calibrate(pastSweeps.data?.items ?? [], seriesList, onCluster), [pastSweeps.data, seriesList, onCluster]);
  const workBars = bars === null ? null : windowsOf ? (windows === null ? null : bars * windows.inSampleShare) : bars;
  const estimate = variants === null || workBars === null ? null : estimateMs(variants, workBars, calibration);
  const overCap = variants !== null && variants > MAX_SWEEP_VARIANTS;
  // What the confirmation was asked for: any change to the search asks again.
  const askedFor = JSON.stringify([variants, estimate === null ? null : Math.round(estimate / 1000), source, runsOn, timeframe, from, to, windows?.count]);
  const [confirming, setConfirming] = useState<string | null>(null);
  const asking = confirming === askedFor;

  // While onSubmit is pending: a double click would submit twice.
  const flight = useSingleFlight();
  const submit = (confirmed = false): Promise<void> => flight.run(async () => {
    setError(null);
    if ('error' in plan) return setError(plan.error);
    if (constraintError !== null) return setError(constraintError);
    if (variants !== null && needsConfirmation(variants, estimate) && !confirmed) return setConfirming(askedFor);
    setConfirming(null);
    if (!chosen) return setError('No data yet: import bars on the Data screen first.');
    const on = scopeTarget(scope, chosen.instrument.symbol, members, ownUniverse !== null);
    if ('error' in on) return setError(on.error);
    const seedValue = Number(seed);
    const seedArg = seed.trim() === '' ? {} : { seed: seedValue };
    const methodArg: SweepArgs['method'] =
      method === 'grid' ? { kind: 'grid' } : method === 'random' ? { kind: 'random', samples: Number(samples), ...seedArg } : { kind: 'genetic', population: Number(population), generations: Number(generations), ...seedArg };
    const [kind, id] = [source.slice(0, source.indexOf(':')), source.slice(source.indexOf(':') + 1)];
    const sourceArg: SweepArgs['source'] = kind === 'template' ? { kind: 'template', templateId: id } : { kind: 'spec', spec: spec ?? {} };
    const toTs = parseDate(to);
    try {
      await onSubmit({
        source: sourceArg,
        space: plan.space,
        constraints: parseConstraints(constraints),
        method: methodArg,
        objective: { metric, direction, minTrades: Number(minTrades) || 0 },
        ...('symbol' in on ? { symbol: on.symbol } : 'universe' in on ? { universe: on.universe } : {}),
        timeframe: timeframe || chosen.timeframe,
        fromTs: parseDate(from),
        toTs: toTs === undefined ? undefined : toTs + DAY_MS, // the "to" day is included
        target: clusterStatus ? target : 'local',
      });
    } catch (failure) {
      setError(errorMessage(failure));
    }
  });

  return (
    <section className="panel col" data-testid={testId}>
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <div className="field">
          <label htmlFor={`${testId}-source`}>Strategy</label>
          <select id={`${testId}-source`} data-testid="opt-source" value={source} onChange={(event) => setSource(event.target.value)}>
            <optgroup label="Templates">
              {listTemplates().map((t) => (
                <option key={t.id} value={`template:${t.id}`}>
                  {t.name}
                </option>
              ))}
            </optgroup>
            <optgroup label="Saved strategies">
              {(strategies.data?.items ?? []).map((s) => (
                <option key={s.id} value={`strategy:${s.id}`}>
                  {s.name}
                </option>
              ))}
            </optgroup>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${testId}-scope`}>Trade</label>
          <select id={`${testId}-scope`} data-testid="opt-scope" value={scope} onChange={(event) => setScope(event.target.value)}>
            <option value="one">One instrument</option>
            {ownWords !== null && <option value="own">Its own universe ({ownWords})</option>}
            {tags.map((t) => (
              <option key={t} value={`tag:${t}`}>
                Every instrument tagged {t} ({inTimeframe.filter((s) => s.tags.includes(t)).length} in {chosen?.timeframe})
              </option>
            ))}
            <option value="pick">Instruments I pick</option>
          </select>
        </div>
        <div className="field">
          <label>{scope === 'one' ? 'Instrument' : SERIES_FOR_UNIVERSE}</label>
          <select data-testid="opt-series" value={chosen ? `${chosen.instrument.symbol}/${chosen.timeframe}` : ''} onChange={(event) => setSeriesKey(event.target.value)}>
            {seriesList.map((s) => (
              <option key={`${s.instrument.symbol}/${s.timeframe}`} value={`${s.instrument.symbol}/${s.timeframe}`}>
                {s.instrument.symbol} {s.timeframe} ({formatCount(s.barCount)} bars)
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label>Timeframe</label>
          <select data-testid="opt-timeframe" value={timeframe} onChange={(event) => setTimeframe(event.target.value as Timeframe)}>
            {timeframes.map((tf) => (
              <option key={tf} value={tf}>
                {tf}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label>From (UTC)</label>
          <input type="date" data-testid="opt-from" value={from} onChange={(event) => setFrom(event.target.value)} />
        </div>
        <div className="field">
          <label>To (UTC, included)</label>
          <input type="date" data-testid="opt-to" value={to} onChange={(event) => setTo(event.target.value)} />
        </div>
      </div>

      {scope === 'pick' && (
        <InstrumentPicker
          testId="opt-universe"
          legend={`Every variant trades the instruments picked with one account (${members.length} of ${inTimeframe.length} with ${chosen?.timeframe ?? ''} bars)`}
          symbols={inTimeframe.map((s) => s.instrument.symbol)}
          picked={picked}
          setPicked={setPicked}
        />
      )}
      <table className="grid" data-testid="opt-params">
        <thead>
          <tr>
            <th />
            <th>Parameter</th>
            <th className="num">Current</th>
            <th>Min</th>
            <th>Max</th>
            <th>Step</th>
            <th className="num">Values</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => {
            const cost = isCostParam(row.name);
            if (cost && !withCosts) return null;
            const param = tunable[index];
            const firstCost = cost && !isCostParam(rows[index - 1]?.name ?? '');
            const count = toSpace([{ ...row, enabled: true }]);
            // Said next to the fields as typed (only for a ticked row: an unticked one is not sent).
            const outside = row.enabled ? rangeProblem(row) : null;
            return [
              firstCost && (
                <tr key="costs-heading" data-testid="opt-costs-heading">
                  <td />
                  <td colSpan={7} className="warn">
                    Costs (usually not optimized: a sweep picks the lowest)
                  </td>
                </tr>
              ),
              <tr key={row.name} data-testid="opt-param-row" data-name={row.name}>
                <td>
                  <input type="checkbox" aria-label={`Optimize ${param?.label ?? row.name}`} data-testid={`opt-use-${row.name}`} checked={row.enabled} onChange={(event) => setRow(index, { enabled: event.target.checked })} />
                </td>
                <td title={row.name}>{param?.label ?? row.name}</td>
                <td className="num">{param?.value}</td>
                {(['min', 'max', 'step'] as const).map((key) => (
                  <td key={key}>
                    <input
                      style={{ width: 80 }}
                      inputMode="decimal"
                      data-testid={`opt-${key}-${row.name}`}
                      value={row[key]}
                      disabled={!row.enabled}
                      aria-invalid={outside !== null && key !== 'step' && outsideBounds(row[key], row.bounds)}
                      title={row.bounds && key !== 'step' ? `Allowed: ${boundsText(row.bounds)}` : undefined}
                      onChange={(event) => setRow(index, { [key]: event.target.value })}
                    />
                  </td>
                ))}
                <td className="num">{'error' in count ? '—' : count.planned}</td>
                <td>
                  {outside && (
                    <span className="field-error" data-testid={`opt-range-error-${row.name}`}>
                      {outside}
                    </span>
                  )}
                </td>
              </tr>,
            ];
          })}
        </tbody>
      </table>
      {hasCosts && (
        <label className="muted" style={{ fontSize: 12 }}>
          <input type="checkbox" data-testid="opt-offer-costs" checked={withCosts} onChange={(event) => setWithCosts(event.target.checked)} /> Also offer the costs (commission, slippage) to optimize: usually not, a sweep
          would just pick the lowest
        </label>
      )}
      {rowsFor !== source ? (
        <span className="muted" data-testid="opt-params-loading">Loading the strategy's parameters…</span>
      ) : (
        rows.length === 0 && <span className="muted">This strategy has no numeric parameters.</span>
      )}

      <div className="row" style={{ alignItems: 'flex-end' }}>
        <div className="field">
          <label>Constraints (comma separated)</label>
          <input
            style={{ width: 200 }}
            data-testid="opt-constraints"
            placeholder={constraintExample(ticked)}
            aria-invalid={constraintError !== null}
            value={constraints}
            onChange={(event) => setConstraints(event.target.value)}
          />
          {constraintError !== null && (
            <span className="field-error" data-testid="opt-constraints-error">
              {constraintError}
            </span>
          )}
        </div>
        <div className="field">
          <label>Method</label>
          <select data-testid="opt-method" value={method} onChange={(event) => setMethod(event.target.value as MethodKind)}>
            <option value="grid">Grid (every point)</option>
            <option value="random">Random search</option>
            <option value="genetic">Genetic</option>
          </select>
        </div>
        {method === 'random' && (
          <div className="field">
            <label>Samples</label>
            <input style={{ width: 80 }} data-testid="opt-samples" value={samples} onChange={(event) => setSamples(event.target.value)} />
          </div>
        )}
        {method === 'genetic' && (
          <>
            <div className="field">
              <label>Population</label>
              <input style={{ width: 70 }} data-testid="opt-population" value={population} onChange={(event) => setPopulation(event.target.value)} />
            </div>
            <div className="field">
              <label>Generations</label>
              <input style={{ width: 70 }} data-testid="opt-generations" value={generations} onChange={(event) => setGenerations(event.target.value)} />
            </div>
          </>
        )}
        {method !== 'grid' && (
          <div className="field">
            <label>Seed</label>
            <input style={{ width: 70 }} data-testid="opt-seed" value={seed} onChange={(event) => setSeed(event.target.value)} />
          </div>
        )}
        <div className="field">
          <label>Objective</label>
          <select data-testid="opt-metric" value={metric} onChange={(event) => setMetric(event.target.value as OfferedMetric)}>
            {OFFERED_METRICS.map((m) => (
              <option key={m} value={m}>
                {METRIC_LABELS[m]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label>Direction</label>
          <select data-testid="opt-direction" value={direction} onChange={(event) => setDirection(event.target.value as 'maximize' | 'minimize')}>
            <option value="maximize">Maximize</option>
            <option value="minimize">Minimize</option>
          </select>
        </div>
        <div className="field">
          <label>Min trades</label>
          <input style={{ width: 60 }} data-testid="opt-min-trades" value={minTrades} onChange={(event) => setMinTrades(event.target.value)} />
        </div>
        {children}
        {clusterStatus && (
          <div className="field">
            <label htmlFor={`${testId}-target`}>Run on</label>
            <select id={`${testId}-target`} data-testid="opt-target" value={target} onChange={(event) => setTarget(event.target.value as 'local' | 'cluster')}>
              <option value="cluster">
                Cluster {clusterStatus.address} ({clusterStatus.agents.length} agent{clusterStatus.agents.length === 1 ? '' : 's'})
              </option>
              <option value="local">This machine</option>
            </select>
          </div>
        )}
        <span className="grow" />
        {/* Why Start is disabled, when it is: the plan's problem, not a silent grey button. */}
        <span className={'error' in plan ? 'bad' : 'muted'} data-testid="opt-planned">
          {'error' in plan ? plan.error : `${formatCount(plan.planned)} grid points before constraints`}
        </span>
        {variants !== null && (
          <span className={overCap ? 'bad' : 'muted'} data-testid="opt-estimate" title={calibrationText(calibration)}>
            {estimateText(variants, windows?.count ?? null, estimate, onCluster, overCap)}
          </span>
        )}
        <button className="primary" data-testid={`${testId}-start`} disabled={busy || flight.pending || !chosen || 'error' in plan || constraintError !== null || overCap || asking} onClick={onSingleClick(() => submit())}>
          {submitLabel}
        </button>
      </div>
      {asking && variants !== null && (
        <div className="row warn" data-testid="opt-confirm">
          <span>
            This search runs up to {formatCount(variants)} variants{windows ? ` in each of ${formatCount(windows.count)} windows` : ''}
            {estimate === null ? '' : `, ${durationText(estimate)} ${onCluster ? 'on the cluster' : 'on this machine'}`}: start it?
          </span>
          <button className="primary" data-testid="opt-confirm-start" disabled={busy || flight.pending} onClick={onSingleClick(() => submit(true))}>
            Start anyway
          </button>
          <button data-testid="opt-confirm-back" onClick={() => setConfirming(null)}>
            Change the search
          </button>
        </div>
      )}
      {loadNote !== null && (
        <span className="muted" data-testid="opt-loaded">
          {loadNote}
        </span>
      )}
      <ErrorBox message={error ?? strategies.error ?? series.error} testId={`${testId}-error`} />
    </section>
  );
}

/** The constraints field's example, in the ticked parameters' own names ('fast < slow' when those are ticked). */
function constraintExample(names: readonly string[]): string {
  const [first, second] = names;
  if (first === undefined) return 'a < b';
  return second === undefined ? `${first} >= 1` : `${first} < ${second}`;
}

/** '160,000 variants · about 21 min on this machine', or why Start is off above the server's cap. */
function estimateText(variants: number, windows: number | null, ms: number | null, onCluster: boolean, overCap: boolean): string {
  const count = `${formatCount(variants)} variant${variants === 1 ? '' : 's'}${windows === null ? '' : ` per window × ${formatCount(windows)} windows`}`;
  if (overCap) return `${count}: one search runs at most ${formatCount(MAX_SWEEP_VARIANTS)} (narrow the ranges, or use random or genetic search)`;
  return ms === null ? count : `${count} · ${durationText(ms)} ${onCluster ? 'on the cluster' : 'on this machine'}`;
}

/** Where the estimate's rate comes from, for its tooltip. */
function calibrationText(calibration: Calibration): string {
  const rate = `${calibration.nsPerVariantBar.toFixed(1)} ns per variant and bar`;
  if (calibration.from === 'past') return `Estimated from the ${formatCount(calibration.sweeps)} newest finished sweeps big enough to tell: ${rate}. Strategies with more indicators take longer.`;
  return `Estimated at ${rate}, measured with SMA-cross sweeps on a 2-core machine; your own finished sweeps refine it. Strategies with more indicators take longer.`;
}
