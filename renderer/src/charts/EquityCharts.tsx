import { useCallback, useEffect, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { api } from '../api/client.js';
import { errorMessage } from '../api/api-error.js';
import type { EquitySeries } from '../api/contract.js';
import { themeColor } from '../app/use-theme.js';
import { downsampleMinMax } from './downsample.js';
import { TIME_SERIES, timeChartOptions } from './time-axes.js';
import { UPlotChart } from './UPlotChart.js';
import { formatCount } from '../app/format.js';

const baseOptions = (label: string, color: string, syncKey: string, onSelect: (u: uPlot) => void): Omit<uPlot.Options, 'width' | 'height'> => {
  return {
    ...timeChartOptions(),
    // Same sync key: hovering one chart moves the cursor on the other at the same time.
    cursor: { sync: { key: syncKey }, drag: { x: true, y: false, setScale: false } },
    series: [TIME_SERIES, { label, stroke: color, width: 1, fill: `${color}22`, points: { show: false } }],
    hooks: { setSelect: [onSelect] },
  };
};

const toData = (xsMs: readonly number[], ys: readonly number[], width: number): uPlot.AlignedData => {
  const reduced = downsampleMinMax({ xs: Float64Array.from(xsMs, (t) => t / 1000), ys: Float64Array.from(ys) }, Math.max(100, width));
  return [reduced.xs, reduced.ys];
};

/** Equity and drawdown of a run, cursors synced; drag to zoom refetches the range at full detail. */
export function EquityCharts({ runId }: { runId: string }) {
  const [series, setSeries] = useState<EquitySeries | null>(null);
  const [zoom, setZoom] = useState<{ fromTs: number; toTs: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const width = 1600;

  useEffect(() => {
    let live = true;
    api()
      .invoke('runs/equity', { id: runId, ...(zoom ?? {}), maxPoints: 4000 })
      .then(
        (answer) => live && (setSeries(answer), setError(null)),
        (failure: unknown) => live && setError(errorMessage(failure)),
      );
    return () => {
      live = false;
    };
  }, [runId, zoom]);

  const onSelect = useCallback((u: uPlot) => {
    if (u.select.width < 5) return;
    const min = u.posToVal(u.select.left, 'x');
    const max = u.posToVal(u.select.left + u.select.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    setZoom({ fromTs: Math.floor(min * 1000), toTs: Math.ceil(max * 1000) });
  }, []);

  const syncKey = `equity-${runId}`;
  const equityOptions = useMemo(() => baseOptions('Equity', themeColor('--accent'), syncKey, onSelect), [syncKey, onSelect]);
  const drawdownOptions = useMemo(() => baseOptions('Drawdown %', themeColor('--bad'), syncKey, onSelect), [syncKey, onSelect]);
  const equityData = useMemo(() => (series ? toData(series.ts, series.equity, width) : ([[], []] as uPlot.AlignedData)), [series]);
  const drawdownData = useMemo(() => (series ? toData(series.ts, series.drawdown, width) : ([[], []] as uPlot.AlignedData)), [series]);

  return (
    <section className="panel col" data-testid="equity-charts">
      <div className="row">
        <h3 style={{ margin: 0 }}>Equity and drawdown</h3>
        <button disabled={!zoom} onClick={() => setZoom(null)}>
          Reset zoom
        </button>
        <span className="muted">{series ? `${formatCount(series.sourcePoints)} points` : 'Loading…'}</span>
        {error && <span className="bad">{error}</span>}
      </div>
      <UPlotChart options={equityOptions} data={equityData} height={200} testId="equity-chart" />
      <UPlotChart options={drawdownOptions} data={drawdownData} height={120} testId="drawdown-chart" />
    </section>
  );
}
