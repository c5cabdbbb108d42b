import { useMemo } from 'react';
import type uPlot from 'uplot';
import { themeColor, useThemeName } from '../app/use-theme.js';
import type { IndicatorPane } from './indicator-plan.js';
import { TIME_SERIES, timeChartOptions } from './time-axes.js';
import { UPlotChart } from './UPlotChart.js';
import type { XRangeGroup } from './x-range.js';

const PANE_HEIGHT = 110;

/** Returns a draw hook painting each level (RSI 30 and 70) as a dashed line across the plot. */
function drawLevels(levels: readonly number[], colour: () => string): (u: uPlot) => void {
  return (u) => {
    if (levels.length === 0) return;
    const ctx = u.ctx;
    const { left, width } = u.bbox;
    ctx.save();
    ctx.strokeStyle = colour();
    ctx.lineWidth = devicePixelRatio;
    ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
    for (const level of levels) {
      const y = Math.round(u.valToPos(level, 'y', true));
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
    }
    ctx.restore();
  };
}

/** One pane under the price chart: an indicator's lines over the same x, its levels dashed, zoomed with the group. */
function Pane({ pane, xs, columns, group }: { pane: IndicatorPane; xs: uPlot.AlignedData[0]; columns: (number | null)[][]; group: XRangeGroup }) {
  const theme = useThemeName();
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => {
    const base = timeChartOptions();
    const [xAxis, yAxis] = base.axes!;
    return {
      ...base,
      // The price chart above names the times: a pane keeps its height for its own values.
      axes: [{ ...xAxis, show: false }, yAxis!],
      legend: { show: false },
      // The levels stay in view even where the line does not reach them.
      scales: { ...base.scales, y: { range: (_u, min, max) => [Math.min(min, ...pane.levels), Math.max(max, ...pane.levels)] } },
      series: [TIME_SERIES, ...pane.lines.map((line) => ({ label: line.label, stroke: themeColor(line.colour), width: 1.5, points: { show: false } }))],
      hooks: { draw: [drawLevels(pane.levels, () => themeColor('--muted'))] },
    };
  }, [pane, theme]);
  const data = useMemo((): uPlot.AlignedData => [xs, ...columns], [xs, columns]);
  return (
    <div className="col" style={{ gap: 0 }} data-testid="indicator-pane" data-label={pane.label}>
      <span className="muted" style={{ fontSize: 12 }}>
        {pane.label}
        {pane.levels.length > 0 && ` · levels ${pane.levels.join(', ')}`}
      </span>
      <UPlotChart options={options} data={data} height={PANE_HEIGHT} testId="indicator-pane-canvas" group={group} />
    </div>
  );
}

/**
 * The panes of the indicators that are not price levels (RSI, MACD, ATR, volume), each
 * under the price chart with its x: they zoom, pan and show the cursor with it.
 * `columns[i]` holds pane i's lines over `xs`.
 */
export function IndicatorPanes({ panes, xs, columns, group }: { panes: readonly IndicatorPane[]; xs: uPlot.AlignedData[0]; columns: (number | null)[][][]; group: XRangeGroup }) {
  return (
    <>
      {panes.map((pane, i) => (
        <Pane key={pane.id} pane={pane} xs={xs} columns={columns[i] ?? []} group={group} />
      ))}
    </>
  );
}
