import { useEffect, useRef, useState } from 'react';
import type { ResultOf } from '../../api/contract.js';
import { formatCount, formatNumber } from '../../app/format.js';
import { themeColor, useThemeName } from '../../app/use-theme.js';
import { legendGradient, scaleColour, scalePosition } from './colour-scale.js';
import { tickStride } from './tick-stride.js';

export type HeatmapData = ResultOf<'sweeps/heatmap'>;

const AXIS = 56; // room for the y labels (left) and x labels (bottom)
const LABEL_HEIGHT = 14; // px a y label of 11px text needs
// Cells as big as the panel's width allows, up to 80 px (a 4 x 5 grid had 32 px cells in a
// 900 px panel); the plot up to 480 px high.
const MAX_CELL = 80;
const MAX_HEIGHT = 480;

/**
 * The heatmap on one canvas: a grid of up to 250,000 cells (the contract's cap) would be a
 * quarter of a million DOM nodes as a CSS grid. Colour = metric of the cell's best variant;
 * empty cells (not run yet, or rejected by a constraint) stay blank. Click opens the cell's variant.
 * `nameOf` names the axes' parameters in words (a saved spec's paths).
 */
export function Heatmap({ map, minTrades = 0, nameOf = (name) => name, onPick }: { map: HeatmapData; minTrades?: number; nameOf?: (name: string) => string; onPick: (variantIndex: number) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Drawn again on a theme switch, in its colours.
  const theme = useThemeName();
  const box = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  const [width, setWidth] = useState(0);
  const nx = map.x.values.length;
  const ny = map.y.values.length;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const cell = Math.max(2, Math.min(MAX_CELL, Math.floor((Math.max(width, 200) - AXIS) / Math.max(1, nx)), Math.floor(MAX_HEIGHT / Math.max(1, ny))));
  const plotWidth = cell * nx;
  const plotHeight = cell * ny;

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const ratio = window.devicePixelRatio || 1;
    element.width = (AXIS + plotWidth) * ratio;
    element.height = (plotHeight + AXIS / 2) * ratio;
    const g = element.getContext('2d');
    if (!g) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, AXIS + plotWidth, plotHeight + AXIS / 2);
    g.fillStyle = themeColor('--panel-2');
    g.fillRect(AXIS, 0, plotWidth, plotHeight);
    const { min, max } = map;
    for (let yi = 0; yi < ny; yi++) {
      for (let xi = 0; xi < nx; xi++) {
        const value = map.values[yi * nx + xi];
        if (value === null || value === undefined || min === null || max === null) continue;
        const side = Math.max(1, cell - (cell > 6 ? 1 : 0));
        const left = AXIS + xi * cell;
        // y grows upward like a chart: the first y value is the bottom row.
        const top = (ny - 1 - yi) * cell;
        g.fillStyle = scaleColour(scalePosition(value, min, max, map.direction));
        // A cell whose best made fewer than the minimum trades: faded and struck through.
        const below = map.eligible[yi * nx + xi] === false;
        g.globalAlpha = below ? 0.35 : 1;
        g.fillRect(left, top, side, side);
        g.globalAlpha = 1;
        if (below && cell > 6) {
          g.strokeStyle = themeColor('--muted');
          g.beginPath();
          g.moveTo(left + 2, top + side - 2);
          g.lineTo(left + side - 2, top + 2);
          g.stroke();
        }
      }
    }
    g.fillStyle = themeColor('--muted');
    g.font = '11px sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const xLabels = map.x.values.map(formatTick);
    const widest = Math.max(...xLabels.map((label) => g.measureText(label).width));
    const xEvery = tickStride(nx, cell, widest + 6);
    for (let xi = 0; xi < nx; xi += xEvery) g.fillText(xLabels[xi]!, AXIS + xi * cell + cell / 2, plotHeight + 4);
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    const yEvery = tickStride(ny, cell, LABEL_HEIGHT);
    for (let yi = 0; yi < ny; yi += yEvery) g.fillText(formatTick(map.y.values[yi]!), AXIS - 6, (ny - 1 - yi) * cell + cell / 2);
  }, [map, cell, plotWidth, plotHeight, nx, ny, theme]);

  const cellAt = (event: React.MouseEvent<HTMLCanvasElement>): number | null => {
    const rect = event.currentTarget.getBoundingClientRect();
    const xi = Math.floor((event.clientX - rect.left - AXIS) / cell);
    const row = Math.floor((event.clientY - rect.top) / cell);
    if (xi < 0 || xi >= nx || row < 0 || row >= ny) return null;
    return (ny - 1 - row) * nx + xi;
  };
  const filled = map.values.reduce<number>((count, v) => (v === null ? count : count + 1), 0);
  const below = map.values.reduce<number>((count, v, i) => (v !== null && map.eligible[i] === false ? count + 1 : count), 0);
  const hovered = hover === null ? null : { x: map.x.values[hover % nx], y: map.y.values[Math.floor(hover / nx)], value: map.values[hover], variant: map.variantIndex[hover] };

  return (
    <div className="col" ref={box} data-testid="heatmap" data-filled={filled} data-below-min={below} data-cells={nx * ny} data-nx={nx} data-ny={ny} data-cell={cell} data-axis={AXIS}>
      <canvas
        ref={canvas}
        data-testid="heatmap-canvas"
        style={{ width: AXIS + plotWidth, height: plotHeight + AXIS / 2, cursor: 'pointer' }}
        onMouseMove={(event) => setHover(cellAt(event))}
        onMouseLeave={() => setHover(null)}
        onClick={(event) => {
          const at = cellAt(event);
          const variant = at === null ? null : map.variantIndex[at];
          if (variant !== null && variant !== undefined) onPick(variant);
        }}
      />
      <div className="row" style={{ fontSize: 12 }}>
        <span className="muted">
          <span data-testid="heatmap-x-name">x: {nameOf(map.x.name)}</span> · <span data-testid="heatmap-y-name">y: {nameOf(map.y.name)}</span> · {map.metric} ({map.direction})
        </span>
        <span data-testid="heatmap-min">{formatNumber(map.direction === 'maximize' ? map.min : map.max)}</span>
        <span className="heat-legend" style={{ background: legendGradient() }} />
        <span data-testid="heatmap-max">{formatNumber(map.direction === 'maximize' ? map.max : map.min)}</span>
        <span className="muted" data-testid="heatmap-count">
          {formatCount(filled)} / {formatCount(nx * ny)} cells
        </span>
        {below > 0 && (
          <span className="warn" data-testid="heatmap-below-min">
            {formatCount(below)} faded, struck cell{below === 1 ? '' : 's'}: fewer than {formatCount(minTrades)} trades
          </span>
        )}
        {hovered && (
          <span data-testid="heatmap-hover">
            {nameOf(map.x.name)}={hovered.x} {nameOf(map.y.name)}={hovered.y}: {formatNumber(hovered.value ?? null)}
            {hovered.variant !== null && hovered.variant !== undefined ? ` (variant #${hovered.variant})` : ' (no variant)'}
            {hover !== null && hovered.value !== null && map.eligible[hover] === false ? `, fewer than ${formatCount(minTrades)} trades` : ''}
          </span>
        )}
      </div>
    </div>
  );
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
