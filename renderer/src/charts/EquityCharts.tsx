import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type uPlot from 'uplot';
import { api } from '../api/client.js';
import { errorMessage } from '../api/api-error.js';
import type { EquitySeries } from '../api/contract.js';
import { themeColor, useThemeName } from '../app/use-theme.js';
import { downsampleMinMax } from './downsample.js';
import { TIME_SERIES, timeChartOptions } from './time-axes.js';
import { UPlotChart } from './UPlotChart.js';
import { fetchRange, type XRangeGroup } from './x-range.js';
import { formatCount } from '../app/format.js';

const baseOptions = (label: string, color: string): Omit<uPlot.Options, 'width' | 'height'> => {
  return {
    ...timeChartOptions(),
    series: [TIME_SERIES, { label, stroke: color, width: 1, fill: `${color}22`, points: { show: false } }],
  };
};

const toData = (xsMs: readonly number[], ys: readonly number[], width: number): uPlot.AlignedData => {
  const reduced = downsampleMinMax({ xs: Float64Array.from(xsMs, (t) => t / 1000), ys: Float64Array.from(ys) }, Math.max(100, width));
  return [reduced.xs, reduced.ys] as unknown as uPlot.AlignedData;
};

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
  const fetched = fetchRange(view);
  const widen = fetched && view ? (fetched.max - fetched.min) / (view.max - view.min) : 1;
  const width = Math.round(1600 * widen);
  const fromTs = fetched ? Math.floor(fetched.min * 1000) : undefined;
  const toTs = fetched ? Math.ceil(fetched.max * 1000) : undefined;

  useEffect(() => {
    let live = true;
    api()
      .invoke('runs/equity', { id: runId, ...(fromTs === undefined ? {} : { fromTs }), ...(toTs === undefined ? {} : { toTs }), maxPoints: Math.min(20_000, Math.round(4000 * widen)) })
      .then(
        (answer) => {
          if (!live) return;
          // The run's whole span: where zooming out and panning stop.
          if (fromTs === undefined && answer.ts.length > 1) group.extendBounds({ min: answer.ts[0]! / 1000, max: answer.ts[answer.ts.length - 1]! / 1000 });
          setSeries(answer);
          setError(null);
        },
        (failure: unknown) => live && setError(errorMessage(failure)),
      );
    return () => {
      live = false;
    };
  }, [runId, fromTs, toTs]);

  // Built again on a theme switch, in the new theme's colours.
  const equityOptions = useMemo(() => baseOptions('Equity', themeColor('--accent')), [theme]);
  const drawdownOptions = useMemo(() => baseOptions('Drawdown %', themeColor('--bad')), [theme]);
  const equityData = useMemo(() => (series ? toData(series.ts, series.equity, width) : ([[], []] as uPlot.AlignedData)), [series]);
  const drawdownData = useMemo(() => (series ? toData(series.ts, series.drawdown, width) : ([[], []] as uPlot.AlignedData)), [series]);

  return (
    <section className="panel col" data-testid="equity-charts">
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
