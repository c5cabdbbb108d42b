import { useMemo } from 'react';
import type uPlot from 'uplot';
import { api } from '../../api/client.js';
import { useQuery } from '../../api/use-query.js';
import { themeColor } from '../../app/use-theme.js';
import { downsampleMinMax } from '../../charts/downsample.js';
import { TIME_SERIES, timeChartOptions } from '../../charts/time-axes.js';
import { UPlotChart } from '../../charts/UPlotChart.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { MetricsTable } from '../run/MetricsTable.js';
import { runLabel } from './run-label.js';

const PALETTE = ['--accent', '--good', '--warn', '--bad'];

/**
 * Merges several equity curves onto one x axis (the union of their times, each reduced to
 * the pixels first) with gaps as null, as uPlot's aligned data wants.
 */
function overlay(curves: readonly { ts: readonly number[]; equity: readonly number[] }[], width: number): uPlot.AlignedData {
  const reduced = curves.map((c) => downsampleMinMax({ xs: Float64Array.from(c.ts, (t) => t / 1000), ys: Float64Array.from(c.equity) }, width));
  const xs = [...new Set(reduced.flatMap((r) => Array.from(r.xs)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = reduced.map((r) => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    r.xs.forEach((x, i) => (column[index.get(x)!] = r.ys[i]!));
    return column;
  });
  return [xs, ...columns] as uPlot.AlignedData;
}

/** Two to four runs side by side: metrics in columns, equity curves overlaid. */
export function CompareView({ runIds, onClose }: { runIds: readonly string[]; onClose: () => void }) {
  const comparison = useQuery(() => api().invoke('runs/compare', { ids: [...runIds], maxPoints: 2000 }), [runIds.join(',')]);
  const data = comparison.data;
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'> | null>(() => {
    if (!data) return null;
    return {
      ...timeChartOptions(),
      series: [TIME_SERIES, ...data.runs.map((run, i) => ({ label: runLabel(run), stroke: themeColor(PALETTE[i % PALETTE.length]!), width: 1.5, spanGaps: true, points: { show: false } }))],
    };
  }, [data]);
  const chartData = useMemo(() => (data ? overlay(data.equity, 1200) : null), [data]);

  return (
    <section className="panel col" data-testid="compare-view">
      <div className="row">
        <h3 style={{ margin: 0 }}>Comparison</h3>
        <span className="grow" />
        <button onClick={onClose}>Close</button>
      </div>
      <ErrorBox message={comparison.error} />
      {data && options && chartData ? (
        <>
          <div className="table-scroll">
            <MetricsTable metrics={data.runs.map((r) => r.metrics)} headers={data.runs.map(runLabel)} />
          </div>
          <UPlotChart options={options} data={chartData} height={260} testId="compare-chart" />
        </>
      ) : (
        <div className="muted" style={{ minHeight: 300 }}>
          Loading…
        </div>
      )}
    </section>
  );
}
