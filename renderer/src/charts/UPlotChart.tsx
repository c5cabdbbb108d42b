import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useWidth } from './use-width.js';

export interface UPlotChartProps {
  /** Options without size; a new object rebuilds the chart, so memoize it. */
  readonly options: Omit<uPlot.Options, 'width' | 'height'>;
  readonly data: uPlot.AlignedData;
  readonly height: number;
  readonly testId?: string;
  readonly onReady?: (chart: uPlot) => void;
}

/**
 * A uPlot chart sized to its container. The height is fixed and reserved up front so the
 * page does not jump when data arrives; data updates go through setData (no rebuild).
 */
export function UPlotChart({ options, data, height, testId, onReady }: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const width = useWidth(box);
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    if (!box.current || width === 0) return;
    // Every redraw is timed (drawClear → draw) as a 'chart-draw' measure for the perf script.
    const hooks = {
      ...options.hooks,
      drawClear: [...(options.hooks?.drawClear ?? []), () => void performance.mark('chart-draw-start')],
      draw: [...(options.hooks?.draw ?? []), () => void performance.measure('chart-draw', 'chart-draw-start')],
    };
    const made = new uPlot({ ...options, hooks, width, height }, dataRef.current, box.current);
    chart.current = made;
    onReady?.(made);
    return () => {
      made.destroy();
      chart.current = null;
    };
    // Width changes go through setSize below, not a rebuild.
  }, [options, height, width === 0]);

  useEffect(() => {
    if (chart.current && width > 0) chart.current.setSize({ width, height });
  }, [width, height]);

  useEffect(() => {
    const made = chart.current;
    if (!made) return;
    // Scales follow the data: a zoom refetches exactly the visible range.
    made.setData(data, true);
  }, [data]);

  // Room for uPlot's legend row under the plot is reserved too, so nothing below moves.
  const legendRoom = options.legend?.show === false ? 0 : 28;
  return <div ref={box} className="chart" style={{ minHeight: height + legendRoom }} data-testid={testId} />;
}
