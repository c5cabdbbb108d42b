import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { api } from '../api/client.js';
import { errorMessage } from '../api/api-error.js';
import type { BarSeries, Timeframe } from '../api/contract.js';
import { themeColor } from '../app/use-theme.js';
import { drawCandles } from './candles.js';
import { downsampleMinMax, downsampleOhlc } from './downsample.js';
import { drawBand, drawMarkers, type Band, type MarkerSet } from './markers.js';
import { TIME_SERIES, timeChartOptions } from './time-axes.js';
import { UPlotChart } from './UPlotChart.js';
import { formatCount } from '../app/format.js';

export interface PriceChartProps {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  /** Marker times are in seconds (uPlot's x). */
  readonly markers: MarkerSet;
  /** When set, the chart zooms to this window (ms) around a trade. */
  readonly focus?: { fromTs: number; toTs: number } | null;
  /** A range (ms) shaded on the chart: the trade picked in the trades table. */
  readonly highlight?: Band | null;
  readonly height?: number;
}

type Mode = 'line' | 'candles';
const EMPTY_DATA: uPlot.AlignedData = [[], [], [], [], []];

/** Reduces bars to about one point (line) or candle per pixel column; x in seconds. */
function toChartData(bars: BarSeries, mode: Mode, width: number): uPlot.AlignedData {
  const xs = Float64Array.from(bars.ts, (t) => t / 1000);
  const ohlc = { xs, open: Float64Array.from(bars.open), high: Float64Array.from(bars.high), low: Float64Array.from(bars.low), close: Float64Array.from(bars.close) };
  if (mode === 'candles') {
    const c = downsampleOhlc(ohlc, width);
    return [c.xs, c.close, c.high, c.low, c.open];
  }
  const line = downsampleMinMax({ xs, ys: ohlc.close }, width);
  // Hidden high/low columns keep the y range honest in line mode too.
  return [line.xs, line.ys, line.ys, line.ys, line.ys];
}

/**
 * The price chart: line or candles, trade/signal markers, drag to zoom. A zoom asks the
 * server for the visible range again at full detail (about 2 points per pixel), so
 * zooming into a year of minute bars ends at single minutes.
 */
export function PriceChart({ symbol, timeframe, fromTs, toTs, markers, focus, highlight, height = 320 }: PriceChartProps) {
  const [mode, setMode] = useState<Mode>('line');
  const [bars, setBars] = useState<BarSeries | null>(null);
  const [zoom, setZoom] = useState<{ fromTs: number; toTs: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const chartRef = useRef<uPlot | null>(null);
  const markersRef = useRef(markers);
  markersRef.current = markers;
  const highlightRef = useRef(highlight);
  highlightRef.current = highlight;
  const widthRef = useRef(800);
  // True once the chart has drawn: a redraw asked for before its first draw throws inside
  // uPlot (its axes are not measured yet); that first draw reads the latest markers anyway.
  const drawnRef = useRef(false);

  const range = zoom ?? focus ?? (fromTs !== undefined || toTs !== undefined ? { fromTs, toTs } : {});
  useEffect(() => {
    setZoom(null);
  }, [focus, symbol, timeframe, fromTs, toTs]);

  useEffect(() => {
    let live = true;
    const maxPoints = Math.min(20_000, Math.max(200, widthRef.current * 2));
    api()
      // Whole milliseconds: the API takes integer timestamps.
      .invoke('data/bars', {
        symbol,
        timeframe,
        fromTs: range.fromTs === undefined ? undefined : Math.floor(range.fromTs),
        toTs: range.toTs === undefined ? undefined : Math.ceil(range.toTs),
        maxPoints,
      })
      .then(
        (answer) => live && (setBars(answer), setError(null)),
        (failure: unknown) => live && setError(errorMessage(failure)),
      );
    return () => {
      live = false;
    };
  }, [symbol, timeframe, range.fromTs, range.toTs]);

  const onSelect = useCallback((u: uPlot) => {
    if (u.select.width < 5) return;
    const min = u.posToVal(u.select.left, 'x');
    const max = u.posToVal(u.select.left + u.select.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    setZoom({ fromTs: Math.floor(min * 1000), toTs: Math.ceil(max * 1000) });
  }, []);

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => {
    return {
      ...timeChartOptions(),
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false } },
      series: [
        TIME_SERIES,
        { label: 'Close', stroke: mode === 'line' ? themeColor('--accent') : 'transparent', width: 1, points: { show: false } },
        { label: 'High', stroke: 'transparent', points: { show: false } },
        { label: 'Low', stroke: 'transparent', points: { show: false } },
        { label: 'Open', stroke: 'transparent', points: { show: false } },
      ],
      hooks: {
        setSelect: [onSelect],
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
  }, [mode, onSelect]);

  const width = chartRef.current?.bbox ? Math.round(chartRef.current.bbox.width / devicePixelRatio) : widthRef.current;
  const data = useMemo(() => (bars ? toChartData(bars, mode, width) : EMPTY_DATA), [bars, mode, width]);

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
        <button data-testid="zoom-reset" disabled={!zoom && !focus} onClick={() => setZoom(null)} onDoubleClick={() => setZoom(null)}>
          Reset zoom
        </button>
        <span className="muted" data-testid="chart-detail">
          {bars ? `${formatCount(bars.sourceBars)} bars${bars.downsampled ? ' (reduced to the pixels)' : ''}` : 'Loading…'}
        </span>
        {error && <span className="bad" data-testid="price-error">{error}</span>}
        <span className="muted" style={{ marginLeft: 'auto', fontSize: 12 }}>
          Drag to zoom
        </span>
      </div>
      <UPlotChart
        options={options}
        data={data}
        height={height}
        testId="price-canvas"
        onReady={(chart) => {
          chartRef.current = chart;
          drawnRef.current = false;
          widthRef.current = Math.round(chart.bbox.width / devicePixelRatio) || widthRef.current;
        }}
      />
    </div>
  );
}
