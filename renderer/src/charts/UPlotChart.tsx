import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useWidth } from './use-width.js';
import type { XRangeGroup } from './x-range.js';
import { zoomPanPlugin } from './zoom-pan.js';

export interface UPlotChartProps {
  /** Options without size; a new object rebuilds the chart, so memoize it (a theme switch does, to recolour). */
  readonly options: Omit<uPlot.Options, 'width' | 'height'>;
  readonly data: uPlot.AlignedData;
  readonly height: number;
  readonly testId?: string;
  readonly onReady?: (chart: uPlot) => void;
  /**
   * The charts this one zooms and pans with: it then answers the wheel, drags and pinches
   * (zoom-pan.ts) and shows the group's range, also after new data or a rebuild.
   */
  readonly group?: XRangeGroup;
}

/**
 * A uPlot chart sized to its container. The height is fixed and reserved up front so the
 * page does not jump when data arrives; data updates go through setData (no rebuild).
 */
export function UPlotChart({ options, data, height, testId, onReady, group }: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const width = useWidth(box);
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    if (!box.current || width === 0) return;
    // Every redraw is timed (drawClear → draw) as a 'chart-draw' measure for the perf script.
    const element = box.current;
    const hooks = {
      ...options.hooks,
      drawClear: [...(options.hooks?.drawClear ?? []), () => void performance.mark('chart-draw-start')],
      draw: [...(options.hooks?.draw ?? []), () => void performance.measure('chart-draw', 'chart-draw-start')],
      // The x range shown, on the element: what a test (or a person in devtools) reads of a zoom.
      setScale: [
        ...(options.hooks?.setScale ?? []),
        (u: uPlot, key: string) => {
          if (key !== 'x') return;
          element.dataset.xMin = String(u.scales['x']?.min ?? '');
          element.dataset.xMax = String(u.scales['x']?.max ?? '');
        },
      ],
    };
    const plugins = group ? [...(options.plugins ?? []), zoomPanPlugin(group)] : options.plugins;
    const made = new uPlot({ ...options, ...(plugins ? { plugins } : {}), hooks, width, height }, dataRef.current, element);
    chart.current = made;
    const leave = group?.add(made);
    showGroupRange(made, group);
    onReady?.(made);
    return () => {
      leave?.();
      made.destroy();
      chart.current = null;
    };
    // Width changes go through setSize below, not a rebuild.
  }, [options, height, width === 0, group]);

  useEffect(() => {
    if (chart.current && width > 0) chart.current.setSize({ width, height });
  }, [width, height]);

  useEffect(() => {
    const made = chart.current;
    if (!made) return;
    // Scales follow the data, or stay on the group's zoom (the data is that range, fetched again).
    made.setData(data, !group?.current());
    showGroupRange(made, group);
  }, [data]);

  // Room for uPlot's legend row under the plot is reserved too, so nothing below moves.
  const legendRoom = options.legend?.show === false ? 0 : 28;
  return <div ref={box} className="chart" style={{ minHeight: height + legendRoom }} data-testid={testId} />;
}

function showGroupRange(chart: uPlot, group: XRangeGroup | undefined): void {
  const shown = group?.current();
  if (shown) chart.setScale('x', { min: shown.min, max: shown.max });
}
