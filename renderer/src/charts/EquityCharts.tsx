import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type uPlot from 'uplot';
import { api } from '../api/client.js';
import { errorMessage } from '../api/api-error.js';
import type { EquitySeries } from '../api/contract.js';
import { themeColor, useThemeName } from '../app/use-theme.js';
import { downsampleMinMax } from './downsample.js';
import { TIME_SERIES, timeChartOptions } from './time-axes.js';
import { UPlotChart } from './UPlotChart.js';
import { useFetchRange } from './use-fetch-range.js';
import type { XRangeGroup } from './x-range.js';
import { formatCount } from '../app/format.js';

const baseOptions = (label: string, color: string): Omit<uPlot.Options, 'width' | 'height'> => {
  return {
    ...timeChartOptions(),
    series: [TIME_SERIES, { label, stroke: color, width: 1, fill: `${color}22`, points: { show: false } }],
  };
};

const toData = (xs: Float64Array, ys: readonly number[], width: number): uPlot.AlignedData => {
  const reduced = downsampleMinMax({ xs, ys: Float64Array.from(ys) }, Math.max(100, width));
  return [reduced.xs, reduced.ys];
};

/** Points asked for over the range shown (a wide screen's pixels, twice): zooming in twice needs no new fetch. */
const EQUITY_POINTS = 4000;

/**
 * Equity and drawdown of a run, zoomed and panned with the other charts of `group` (the
 * run's price chart): the wheel or a pinch zooms, a drag pans; a zoom that rests fetches
 * the visible range again at full detail.
 */
export function EquityCharts({ runId, group }: { runId: string; group: XRangeGroup }) {
  const [series, setSeries] = useState<EquitySeries | null>(null);
  const [error, setError] = useState<string | null>(null);
  const theme = useThemeName();
  const view = useSyncExternalStore(group.subscribe, group.getCommitted);
  const xs = useMemo(() => (series ? Float64Array.from(series.ts, (t) => t / 1000) : null), [series]);
  const box = useRef<HTMLElement>(null);
  const fetched = useFetchRange(view, xs && series ? { xs, downsampled: series.downsampled } : null, () => box.current?.clientWidth ?? 1000);
  const fromTs = fetched ? Math.floor(fetched.min * 1000) : undefined;
  const toTs = fetched ? Math.ceil(fetched.max * 1000) : undefined;
  // The whole run's curve, kept: "Reset zoom" and a zoom out show it without a round trip.
  const whole = useRef<EquitySeries | null>(null);

  useEffect(() => {
    let live = true;
    if (fromTs === undefined && whole.current) {
      setSeries(whole.current);
      return;
    }
    const load = (): void =>
      void api()
        .invoke('runs/equity', { id: runId, ...(fromTs === undefined ? {} : { fromTs }), ...(toTs === undefined ? {} : { toTs }), maxPoints: EQUITY_POINTS })
        .then(
          (answer) => {
            if (!live) return;
            if (fromTs === undefined) {
              whole.current = answer;
              // The run's whole span: where zooming out and panning stop.
              if (answer.ts.length > 1) group.extendBounds({ min: answer.ts[0]! / 1000, max: answer.ts[answer.ts.length - 1]! / 1000 });
            }
            setSeries(answer);
            setError(null);
          },
          (failure: unknown) => live && setError(errorMessage(failure)),
        );
    // Asked for a task later: after a zoom the price chart's bars (what the trader zoomed,
    // the cheaper read) reach the server first instead of queueing behind the equity's.
    const timer = setTimeout(load, 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [runId, fromTs, toTs]);

  // Built again on a theme switch, in the new theme's colours.
  const equityOptions = useMemo(() => baseOptions('Equity', themeColor('--accent')), [theme]);
  const drawdownOptions = useMemo(() => baseOptions('Drawdown %', themeColor('--bad')), [theme]);
  // Reduced to half the points asked for: the min/max pairs the server kept, no fewer.
  const equityData = useMemo(() => (series && xs ? toData(xs, series.equity, EQUITY_POINTS / 2) : ([[], []] as uPlot.AlignedData)), [series, xs]);
  const drawdownData = useMemo(() => (series && xs ? toData(xs, series.drawdown, EQUITY_POINTS / 2) : ([[], []] as uPlot.AlignedData)), [series, xs]);

  return (
    <section className="panel col" data-testid="equity-charts" ref={box}>
      <div className="row">
        <h3 style={{ margin: 0 }}>Equity and drawdown</h3>
        <button data-testid="equity-zoom-reset" disabled={!view} onClick={() => group.set(null)}>
          Reset zoom
        </button>
        <span className="muted" data-testid="equity-detail">
          {series ? `${formatCount(series.sourcePoints)} points` : 'Loading…'}
        </span>
        {error && <span className="bad">{error}</span>}
      </div>
      <UPlotChart options={equityOptions} data={equityData} height={200} testId="equity-chart" group={group} />
      <UPlotChart options={drawdownOptions} data={drawdownData} height={120} testId="drawdown-chart" group={group} />
    </section>
  );
}
