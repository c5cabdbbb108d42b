import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import { api } from '../api/client.js';
import { errorMessage } from '../api/api-error.js';
import type { RunInstruments } from '../api/contract.js';
import { formatNumber } from '../app/format.js';
import { themeColor, useThemeName } from '../app/use-theme.js';
import { downsampleAlignedMinMax, downsampleMinMax } from './downsample.js';
import { drawnInstruments } from './drawn-instruments.js';
import { TIME_SERIES, timeChartOptions } from './time-axes.js';
import { UPlotChart } from './UPlotChart.js';
import { useFetchRange } from './use-fetch-range.js';
import type { XRangeGroup } from './x-range.js';

/** Points asked for over the range shown, as for the equity chart: zooming in twice needs no new fetch. */
const POINTS = 4000;
/** Numbers of all curves asked for at most: a universe of 500 gets 200 points a curve (about 1 MB), not 4,000. */
const CURVE_NUMBERS = 40_000;
/** One colour per instrument, in the universe's order (the theme's chart colours, then its signal colours). */
const PALETTE = ['--accent', '--line-1', '--line-2', '--line-3', '--line-4', '--good', '--line-5', '--warn', '--line-6', '--bad'];

/** The stepped line of a count: it holds its value until the next bar. */
const stepped = uPlot.paths.stepped?.({ align: 1 });

/**
 * A portfolio run's positions open over time and each instrument's PnL (closed trades plus
 * its open position, net of fees), under the equity and drawdown and zoomed, panned and
 * hovered with them (`group`): a zoom that rests fetches the visible range again, the
 * positions then at one point per clock bar. `picked`: the instrument drawn bold (the one
 * picked in the instruments table). `instruments`: the universe's size. A large universe draws the PnL of the instruments that
 * moved the result most (drawnInstruments).
 */
export function PortfolioCharts({ runId, group, picked, instruments }: { runId: string; group: XRangeGroup; picked: string | null; instruments: number }) {
  const [data, setData] = useState<RunInstruments | null>(null);
  const [error, setError] = useState<string | null>(null);
  const theme = useThemeName();
  const view = useSyncExternalStore(group.subscribe, group.getCommitted);
  const positionXs = useMemo(() => (data ? Float64Array.from(data.positions.ts, (t) => t / 1000) : null), [data]);
  const box = useRef<HTMLElement>(null);
  const fetched = useFetchRange(view, positionXs && data ? { xs: positionXs, downsampled: data.positions.downsampled } : null, () => box.current?.clientWidth ?? 1000);
  const fromTs = fetched ? Math.floor(fetched.min * 1000) : undefined;
  const toTs = fetched ? Math.ceil(fetched.max * 1000) : undefined;
  // The whole run's series, kept: "Reset zoom" and a zoom out show them without a round trip.
  const whole = useRef<RunInstruments | null>(null);

  useEffect(() => {
    let live = true;
    if (fromTs === undefined && whole.current) {
      setData(whole.current);
      return;
    }
    // A task later, as the equity chart does: the price chart's bars go out first after a zoom.
    const timer = setTimeout(
      () =>
        void api()
          .invoke('runs/instruments', {
            id: runId,
            ...(fromTs === undefined ? {} : { fromTs }),
            ...(toTs === undefined ? {} : { toTs }),
            maxPoints: Math.max(200, Math.min(POINTS, Math.floor(CURVE_NUMBERS / Math.max(1, instruments)))),
          })
          .then(
            (answer) => {
              if (!live) return;
              if (fromTs === undefined) whole.current = answer;
              setData(answer);
              setError(null);
            },
            (failure: unknown) => live && setError(errorMessage(failure)),
          ),
      0,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [runId, fromTs, toTs, instruments]);

  const figures = whole.current?.figures ?? data?.figures ?? null;
  const drawn = useMemo(() => (figures ? drawnInstruments(figures, picked) : null), [figures, picked]);
  const symbols = drawn && figures ? drawn.map((k) => figures[k]!.symbol) : null;
  const positionsOptions = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => {
    const color = themeColor('--accent');
    const base = timeChartOptions();
    return {
      ...base,
      // Whole positions on the value axis (a step of 0.5 labelled only the 0).
      axes: [base.axes![0]!, { ...base.axes![1]!, incrs: [1, 2, 5, 10, 20, 50, 100], space: 16 }],
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) + 0.5] } },
      series: [TIME_SERIES, { label: 'Open positions', stroke: color, width: 1, fill: `${color}22`, points: { show: false }, ...(stepped ? { paths: stepped } : {}), value: (_u, v) => (v === null || v === undefined ? '—' : String(v)) }],
    };
  }, [theme]);
  const pnlOptions = useMemo<Omit<uPlot.Options, 'width' | 'height'> | null>(() => {
    if (!symbols) return null;
    return {
      ...timeChartOptions(),
      series: [
        TIME_SERIES,
        ...symbols.map((symbol, k) => ({
          label: symbol,
          stroke: themeColor(PALETTE[drawn![k]! % PALETTE.length]!),
          width: picked === symbol ? 2.5 : 1,
          alpha: picked === null || picked === symbol ? 1 : 0.35,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : formatNumber(v, 2)),
        })),
      ],
    };
  }, [symbols?.join(','), picked, theme]);

  const positionsData = useMemo<uPlot.AlignedData>(() => {
    if (!data || !positionXs) return [[], []];
    const reduced = downsampleMinMax({ xs: positionXs, ys: Float64Array.from(data.positions.count) }, POINTS / 2);
    return [reduced.xs, reduced.ys];
  }, [data, positionXs]);
  const pnlData = useMemo<uPlot.AlignedData | null>(() => {
    if (!data || !symbols) return null;
    const reduced = downsampleAlignedMinMax({ xs: Float64Array.from(data.curves.ts, (t) => t / 1000), ys: drawn!.map((k) => Float64Array.from(data.curves.pnl[k] ?? [])) }, POINTS / 2);
    return [reduced.xs, ...reduced.ys];
  }, [data, symbols?.join(',')]);

  return (
    <section className="panel col" data-testid="portfolio-charts" ref={box}>
      <div className="row">
        <h3 style={{ margin: 0 }}>Positions and instruments</h3>
        <span className="muted" data-testid="portfolio-charts-detail">
          {data
            ? `${data.figures.length} instruments${symbols && symbols.length < data.figures.length ? `; PnL of the ${symbols.length} that moved the result most` : ''}${data.positions.downsampled ? '' : '; positions at every bar'}`
            : 'Loading…'}
        </span>
        {error && <span className="bad">{error}</span>}
      </div>
      <UPlotChart options={positionsOptions} data={positionsData} height={120} testId="positions-chart" group={group} />
      {pnlOptions && pnlData ? (
        <UPlotChart options={pnlOptions} data={pnlData} height={200} testId="instrument-pnl-chart" group={group} />
      ) : (
        <div style={{ minHeight: 228 }} />
      )}
    </section>
  );
}
