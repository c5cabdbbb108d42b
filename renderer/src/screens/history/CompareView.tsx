import { useMemo } from 'react';
import { XRangeGroup } from '../../charts/x-range.js';
import type uPlot from 'uplot';
import { api } from '../../api/client.js';
import { useQuery } from '../../api/use-query.js';
import { useSessionState } from '../../app/use-session-state.js';
import { themeColor, useThemeName } from '../../app/use-theme.js';
import { ELAPSED_DAYS_SERIES, elapsedDaysChartOptions, TIME_SERIES, timeChartOptions } from '../../charts/time-axes.js';
import { UPlotChart } from '../../charts/UPlotChart.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { MetricsTable } from '../run/MetricsTable.js';
import { CompareInstruments } from './CompareInstruments.js';
import { defaultAlign, isCompareAlign, overlayCurves, type CompareAlign } from './compare-align.js';
import { runLabel } from './run-label.js';

const PALETTE = ['--accent', '--good', '--warn', '--bad'];

// null until the user picks one: then each comparison opens with what suits its runs.
const isAlignChoice = (value: unknown): value is CompareAlign | null => value === null || isCompareAlign(value);

/** Two to four runs side by side: metrics in columns, portfolio runs' figures per instrument, equity curves overlaid. */
export function CompareView({ runIds, onClose }: { runIds: readonly string[]; onClose: () => void }) {
  const comparison = useQuery(() => api().invoke('runs/compare', { ids: [...runIds], maxPoints: 2000 }), [runIds.join(',')]);
  const data = comparison.data;
  // The choice made is kept for the session (it outlives opening a run and coming back).
  const [chosenAlign, setAlign] = useSessionState<CompareAlign | null>('bws.history.compareAlign', null, isAlignChoice);
  const align: CompareAlign = chosenAlign ?? (data ? defaultAlign(data.equity) : 'date');
  const theme = useThemeName();
  // The overlaid curves zoom and pan (already reduced on the server: nothing to fetch again).
  const group = useMemo(() => new XRangeGroup(), [data, align]);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'> | null>(() => {
    if (!data) return null;
    const lines = data.runs.map((run, i) => ({ label: runLabel(run), stroke: themeColor(PALETTE[i % PALETTE.length]!), width: 1.5, spanGaps: true, points: { show: false } }));
    return align === 'date'
      ? { ...timeChartOptions(), series: [TIME_SERIES, ...lines] }
      : { ...elapsedDaysChartOptions("Days since each run's first bar"), series: [ELAPSED_DAYS_SERIES, ...lines] };
  }, [data, align, theme]);
  const chartData = useMemo(() => (data ? overlayCurves(data.equity, 1200, align) : null), [data, align]);

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
          <CompareInstruments comparison={data} />
          <div className="row" role="radiogroup" aria-label="Align the equity curves" data-testid="compare-align">
            <span className="muted">Align:</span>
            {(
              [
                ['date', 'by date'],
                ['start', 'from start'],
              ] as const
            ).map(([value, text]) => (
              <label key={value} className="row" style={{ gap: 4 }}>
                <input type="radio" name="compare-align" value={value} data-testid={`compare-align-${value}`} checked={align === value} onChange={() => setAlign(value)} />
                {text}
              </label>
            ))}
          </div>
          <UPlotChart options={options} data={chartData} height={260} testId="compare-chart" group={group} />
        </>
      ) : (
        <div className="muted" style={{ minHeight: 300 }}>
          Loading…
        </div>
      )}
    </section>
  );
}
