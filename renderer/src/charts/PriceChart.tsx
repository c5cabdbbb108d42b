import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type uPlot from 'uplot';
import { timeframeMs } from '../../../core/domain/market/timeframe.js';
import { api } from '../api/client.js';
import { errorMessage } from '../api/api-error.js';
import type { BarSeries, Timeframe } from '../api/contract.js';
import { themeColor, useThemeName } from '../app/use-theme.js';
import { drawCandles } from './candles.js';
import { downsampleMinMax, downsampleOhlc, pickColumn } from './downsample.js';
import type { IndicatorPlan } from './indicator-plan.js';
import { IndicatorPanes } from './IndicatorPanes.js';
import { drawBand, drawMarkers, type Band, type MarkerSet } from './markers.js';
import { TIME_SERIES, timeChartOptions } from './time-axes.js';
import { UPlotChart } from './UPlotChart.js';
import { useFetchRange } from './use-fetch-range.js';
import { XRangeGroup } from './x-range.js';
import { formatCount } from '../app/format.js';

export interface PriceChartProps {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  /** Marker times are in seconds (uPlot's x). */
  readonly markers: MarkerSet;
  /** When set, the chart (and its group) zooms to this window (ms) around a trade. */
  readonly focus?: { fromTs: number; toTs: number } | null;
  /** A range (ms) shaded on the chart: the trade picked in the trades table. */
  readonly highlight?: Band | null;
  readonly height?: number;
  /** The charts it zooms and pans with (a run's equity and drawdown); its own group when absent. */
  readonly group?: XRangeGroup;
  /** Indicators to draw: lines over the price, panes under it (a strategy's, in its preview). */
  readonly indicators?: IndicatorPlan | null;
}

type Mode = 'line' | 'candles';
const emptyData = (plan: IndicatorPlan | null | undefined): ChartData => ({
  data: [[], ...Array.from({ length: 4 + (plan?.overlays.length ?? 0) }, (): number[] => [])],
  panes: (plan?.panes ?? []).map((p) => p.lines.map(() => [])),
});
/** The narrowest view: this many bars across. */
const MIN_BARS_SHOWN = 10;

interface ChartData {
  /** [x, close, high, low, open, ...overlay lines]. */
  readonly data: uPlot.AlignedData;
  /** Each pane's lines over the same x. */
  readonly panes: (number | null)[][][];
}

/**
 * Reduces bars to about one point (line) or candle per pixel column; x in seconds. The
 * indicators of the answer (in `plan.operands` order: overlays, then the panes' lines)
 * follow the points kept.
 */
function toChartData(bars: BarSeries, xs: Float64Array, mode: Mode, width: number, plan: IndicatorPlan | null | undefined): ChartData {
  const ohlc = { xs, open: Float64Array.from(bars.open), high: Float64Array.from(bars.high), low: Float64Array.from(bars.low), close: Float64Array.from(bars.close) };
  let columns: [Float64Array, ...Float64Array[]];
  if (mode === 'candles') {
    const c = downsampleOhlc(ohlc, width);
    columns = [c.xs, c.close, c.high, c.low, c.open];
  } else {
    const line = downsampleMinMax({ xs, ys: ohlc.close }, width);
    // Hidden high/low columns keep the y range honest in line mode too.
    columns = [line.xs, line.ys, line.ys, line.ys, line.ys];
  }
  const picked = columns[0]!;
  const lines = (bars.indicators ?? []).map((indicator) => pickColumn(xs, indicator.values, picked, mode === 'candles' ? 'lastOfColumn' : 'point'));
  const overlays = plan?.overlays.length ?? 0;
  let next = overlays;
  const panes = (plan?.panes ?? []).map((pane) => lines.slice(next, (next += pane.lines.length)));
  const [x, ...prices] = columns;
  return { data: [x, ...prices, ...lines.slice(0, overlays)], panes };
}

/**
 * A group of charts over one series (at least MIN_BARS_SHOWN bars wide), new for another
 * series or range: its zoom and bounds belong to that data.
 */
export function useSeriesGroup(key: readonly unknown[], timeframe: Timeframe): XRangeGroup {
  const group = useMemo(() => new XRangeGroup((MIN_BARS_SHOWN * timeframeMs(timeframe)) / 1000), [...key, timeframe]);
  useEffect(() => () => group.dispose(), [group]);
  return group;
}

/**
 * The price chart: line or candles, trade/signal markers; the wheel or a pinch zooms, a
 * drag pans, Shift+drag zooms to a box (zoom-pan.ts), with the charts of its group. A
 * zoom that rests asks the server for the visible range again at full detail (about 2
 * points per pixel) when what it has is coarser than a point per pixel, so zooming into a
 * year of minute bars ends at single minutes.
 */
export function PriceChart({ symbol, timeframe, fromTs, toTs, markers, focus, highlight, height = 320, group: given, indicators }: PriceChartProps) {
  const [mode, setMode] = useState<Mode>('line');
  // The answer shown, and the pixel columns it was asked for (its points are spread over them).
  const [loaded, setLoaded] = useState<{ bars: BarSeries; columns: number } | null>(null);
  const bars = loaded?.bars ?? null;
  const barXs = useMemo(() => (bars ? Float64Array.from(bars.ts, (t) => t / 1000) : null), [bars]);
  // The whole range's answer, kept: "Reset zoom" and a zoom out show it without a round trip.
  const whole = useRef<{ key: string; bars: BarSeries } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const theme = useThemeName();
  const own = useSeriesGroup([symbol, fromTs, toTs, given], timeframe);
  const group = given ?? own;
  const view = useSyncExternalStore(group.subscribe, group.getCommitted);
  const chartRef = useRef<uPlot | null>(null);
  const markersRef = useRef(markers);
  markersRef.current = markers;
  const highlightRef = useRef(highlight);
  highlightRef.current = highlight;
  const widthRef = useRef(800);
  // True once the chart has drawn: a redraw asked for before its first draw throws inside
  // uPlot (its axes are not measured yet); that first draw reads the latest markers anyway.
  const drawnRef = useRef(false);

  // The chart's whole span: where zooming out and panning stop.
  useEffect(() => {
    if (fromTs !== undefined && toTs !== undefined) group.extendBounds({ min: fromTs / 1000, max: toTs / 1000 });
  }, [group, fromTs, toTs]);
  // A trade picked in the table: the group shows it.
  useEffect(() => {
    if (focus) group.set({ min: focus.fromTs / 1000, max: focus.toTs / 1000 });
  }, [group, focus]);

  const fetched = useFetchRange(view, barXs && bars ? { xs: barXs, downsampled: bars.downsampled } : null, () => widthRef.current, {
    min: fromTs === undefined ? undefined : fromTs / 1000,
    max: toTs === undefined ? undefined : toTs / 1000,
  });
  const range = fetched ? { fromTs: Math.floor(fetched.min * 1000), toTs: Math.ceil(fetched.max * 1000) } : { fromTs, toTs };
  // The bars answer carries the indicators too: one request, one set of points for both.
  const operandKeys = indicators ? [...indicators.overlays, ...indicators.panes.flatMap((p) => p.lines)].map((l) => l.key).join('|') : '';
  useEffect(() => {
    let live = true;
    // A column per pixel, its min and max: about 2 points per pixel.
    const columns = Math.max(100, Math.round(widthRef.current));
    const maxPoints = columns * 2;
    const operands = indicators?.operands ?? [];
    const wholeKey = [symbol, timeframe, fromTs, toTs, maxPoints, operandKeys].join('|');
    if (!fetched && whole.current?.key === wholeKey) {
      setLoaded({ bars: whole.current.bars, columns });
      return;
    }
    api()
      // Whole milliseconds: the API takes integer timestamps.
      .invoke('data/bars', {
        symbol,
        timeframe,
        fromTs: range.fromTs === undefined ? undefined : Math.floor(range.fromTs),
        toTs: range.toTs === undefined ? undefined : Math.ceil(range.toTs),
        maxPoints,
        ...(operands.length > 0 ? { operands: [...operands] } : {}),
      })
      .then(
        (answer) => {
          if (!live) return;
          if (!fetched) {
            whole.current = { key: wholeKey, bars: answer };
            if (answer.ts.length > 1) group.extendBounds({ min: answer.ts[0]! / 1000, max: answer.ts[answer.ts.length - 1]! / 1000 });
          }
          setLoaded({ bars: answer, columns });
          setError(null);
        },
        (failure: unknown) => live && setError(errorMessage(failure)),
      );
    return () => {
      live = false;
    };
  }, [symbol, timeframe, range.fromTs, range.toTs, operandKeys]);

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => {
    return {
      ...timeChartOptions(),
      legend: { show: false },
      series: [
        TIME_SERIES,
        { label: 'Close', stroke: mode === 'line' ? themeColor('--accent') : 'transparent', width: 1, points: { show: false } },
        { label: 'High', stroke: 'transparent', points: { show: false } },
        { label: 'Low', stroke: 'transparent', points: { show: false } },
        { label: 'Open', stroke: 'transparent', points: { show: false } },
        ...(indicators?.overlays ?? []).map((line) => ({ label: line.label, stroke: themeColor(line.colour), width: 1.5, points: { show: false } })),
      ],
      hooks: {
        draw: [
          ...(mode === 'candles' ? [drawCandles(() => ({ up: themeColor('--good'), down: themeColor('--bad') }))] : []),
          drawBand(() => highlightRef.current, () => themeColor('--accent')),
          drawMarkers(() => markersRef.current),
          () => {
            drawnRef.current = true;
          },
        ],
      },
    };
    // The theme is read through themeColor: a switch builds the chart again in its colours.
  }, [mode, theme, operandKeys]);

  // Bars of another indicator set wait for their answer: the series count must match the options.
  const fresh = bars !== null && (bars.indicators ?? []).map((i) => i.key).join('|') === operandKeys;
  const chart = useMemo(() => (fresh && barXs ? toChartData(bars, barXs, mode, loaded!.columns, indicators) : emptyData(indicators)), [loaded, barXs, mode, operandKeys, fresh]);

  useEffect(() => {
    if (drawnRef.current) chartRef.current?.redraw(false, false);
  }, [markers, highlight]);

  return (
    <div className="col" style={{ gap: 4 }} data-testid="price-chart" data-markers={markers.items.length}>
      <div className="row">
        <select aria-label="Chart type" data-testid="chart-mode" value={mode} onChange={(event) => setMode(event.target.value as Mode)}>
          <option value="line">Line</option>
          <option value="candles">Candles</option>
        </select>
        <button data-testid="zoom-reset" disabled={!view} onClick={() => group.set(null)}>
          Reset zoom
        </button>
        <span className="muted" data-testid="chart-detail">
          {bars ? `${formatCount(bars.sourceBars)} bars${bars.downsampled ? ' (reduced to the pixels)' : ''}` : 'Loading…'}
        </span>
        {error && <span className="bad" data-testid="price-error">{error}</span>}
        <span className="muted" style={{ marginLeft: 'auto', fontSize: 12 }} title="Double-click shows the whole range again">
          Wheel or pinch to zoom, drag to pan, Shift+drag to zoom to a box
        </span>
      </div>
      <UPlotChart
        options={options}
        data={chart.data}
        height={height}
        testId="price-canvas"
        group={group}
        onReady={(chart) => {
          chartRef.current = chart;
          drawnRef.current = false;
          widthRef.current = Math.round(chart.bbox.width / devicePixelRatio) || widthRef.current;
        }}
      />
      {indicators && indicators.panes.length > 0 && <IndicatorPanes panes={indicators.panes} xs={chart.data[0]} columns={chart.panes} group={group} />}
    </div>
  );
}
