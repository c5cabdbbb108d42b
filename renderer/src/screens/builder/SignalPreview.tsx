import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { SeriesSummary, SignalPreview as Preview, StrategySpec } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { ChartLegend, type LegendItem } from '../../charts/ChartLegend.js';
import { indicatorPlan, MAX_DRAWN_INDICATORS, type IndicatorPlan } from '../../charts/indicator-plan.js';
import { MARKER_LEGEND, markerSet, markersOf } from '../../charts/markers.js';
import { PriceChart } from '../../charts/PriceChart.js';
import { formatCount } from '../../app/format.js';
import { useRememberedSeries } from '../../app/use-remembered-series.js';
import { previewRange } from './preview-range.js';

/**
 * The indicators the spec draws, the same object while they stay the same (a keystroke
 * elsewhere does not rebuild the panes); the last valid one while the spec has errors.
 */
function useIndicatorPlan(spec: StrategySpec, valid: boolean, timeframe: SeriesSummary['timeframe'] | undefined): IndicatorPlan | null {
  const kept = useRef<{ key: string; plan: IndicatorPlan } | null>(null);
  if (!valid || !timeframe) return kept.current?.plan ?? null;
  const plan = indicatorPlan(spec, timeframe);
  const key = `${timeframe}:${[...plan.overlays, ...plan.panes.flatMap((p) => p.lines)].map((l) => `${l.key}/${l.label}`).join('|')}:${plan.panes.map((p) => p.levels.join(',')).join('|')}`;
  if (kept.current?.key !== key) kept.current = { key, plan };
  return kept.current.plan;
}

/** Entries and adds among the preview's fills (the rest are exits). */
function entriesOf(preview: Preview): number {
  return preview.kind.filter((kind) => kind.startsWith('entry') || kind.startsWith('add')).length;
}

/** Entry/exit signals of the spec being edited, as markers on the price chart of a chosen instrument, with the indicators it uses and a legend. */
export function SignalPreview({ spec, valid }: { spec: StrategySpec; valid: boolean }) {
  const series = useQuery(() => api().invoke('data/listSeries'), []);
  const [key, setKey] = useRememberedSeries();
  const list = series.data ?? [];
  const chosen: SeriesSummary | undefined = list.find((s) => `${s.instrument.symbol}/${s.timeframe}` === key) ?? list[0];
  const [preview, setPreview] = useState<Preview | null>(null);
  const plan = useIndicatorPlan(spec, valid, chosen?.timeframe);
  const [error, setError] = useState<string | null>(null);

  // The last few hundred bars of the chosen timeframe (a fixed 30 days was 22 daily bars).
  const range = chosen ? previewRange(chosen) : null;
  const toTs = range?.toTs;
  const fromTs = range?.fromTs;

  useEffect(() => {
    if (!chosen || !valid) return;
    let live = true;
    const timer = setTimeout(() => {
      api()
        .invoke('backtest/preview', { spec, symbol: chosen.instrument.symbol, timeframe: chosen.timeframe, fromTs, toTs: toTs === undefined ? undefined : toTs + 1 })
        .then(
          (answer) => live && (setPreview(answer), setError(null)),
          (failure: unknown) => live && setError(errorMessage(failure)),
        );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [spec, valid, chosen?.instrument.symbol, chosen?.timeframe, fromTs, toTs]);

  const markers = useMemo(() => {
    return markerSet(preview ? markersOf(preview) : []);
  }, [preview]);

  // What the glyphs and lines mean: the entries of the sides it trades, exits, each indicator.
  const legend: LegendItem[] = [
    ...(spec.direction !== 'short' ? [MARKER_LEGEND.longEntry] : []),
    ...(spec.direction !== 'long' ? [MARKER_LEGEND.shortEntry] : []),
    MARKER_LEGEND.exit,
    ...(plan ? [...plan.overlays, ...plan.panes.flatMap((p) => p.lines)].map((line) => ({ label: line.label, colour: line.colour })) : []),
  ];

  if (series.data && list.length === 0) return <div className="muted">Import data to preview signals.</div>;
  return (
    <section className="panel col" data-testid="signal-preview">
      <div className="row">
        <h3 style={{ margin: 0 }}>Signal preview</h3>
        <select aria-label="Preview instrument" value={chosen ? `${chosen.instrument.symbol}/${chosen.timeframe}` : ''} onChange={(event) => setKey(event.target.value)}>
          {list.map((s) => (
            <option key={`${s.instrument.symbol}/${s.timeframe}`} value={`${s.instrument.symbol}/${s.timeframe}`}>
              {s.instrument.symbol} {s.timeframe}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="preview-count">
          {!valid
            ? 'Fix the errors to preview.'
            : preview
              ? `${entriesOf(preview)} entries, ${preview.kind.length - entriesOf(preview)} exits over ${formatCount(preview.barsScanned)} bars${preview.truncated ? ' (first ones shown)' : ''}`
              : 'Computing…'}
        </span>
        {error && <span className="bad">{error}</span>}
      </div>
      <ChartLegend items={legend} testId="preview-legend" />
      {plan && plan.left > 0 && (
        <span className="muted" style={{ fontSize: 12 }} data-testid="preview-indicators-left">
          {plan.left} more {plan.left === 1 ? 'indicator' : 'indicators'} not drawn (a chart shows at most {MAX_DRAWN_INDICATORS} lines)
        </span>
      )}
      {chosen && <PriceChart symbol={chosen.instrument.symbol} timeframe={chosen.timeframe} fromTs={fromTs} toTs={toTs === undefined ? undefined : toTs + 1} markers={markers} height={260} indicators={plan} />}
    </section>
  );
}
