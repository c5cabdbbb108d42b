import type uPlot from 'uplot';

/**
 * Returns a draw hook painting candles from data columns [x, close, high, low, open]
 * (after min/max reduction there is at most one candle per pixel column, so this is cheap).
 */
export function drawCandles(colors: () => { up: string; down: string }): (u: uPlot) => void {
  return (u) => {
    const columns: readonly ArrayLike<number | null | undefined>[] = u.data;
    const [xs, close, high, low, open] = columns;
    if (!xs || !close || !high || !low || !open || xs.length === 0) return;
    const { up, down } = colors();
    const ctx = u.ctx;
    const visible = Math.max(1, xs.length);
    const bodyWidth = Math.max(1, Math.min(12 * devicePixelRatio, (u.bbox.width / visible) * 0.6));
    ctx.save();
    for (let i = 0; i < xs.length; i += 1) {
      const x = Math.round(u.valToPos(xs[i] ?? Number.NaN, 'x', true));
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      const o = open[i] ?? Number.NaN;
      const c = close[i] ?? Number.NaN;
      const color = c >= o ? up : down;
      ctx.fillStyle = color;
      ctx.strokeStyle = color;
      const yHigh = u.valToPos(high[i] ?? Number.NaN, 'y', true);
      const yLow = u.valToPos(low[i] ?? Number.NaN, 'y', true);
      ctx.fillRect(x, yHigh, Math.max(1, devicePixelRatio * 0.5), yLow - yHigh || 1);
      const yOpen = u.valToPos(o, 'y', true);
      const yClose = u.valToPos(c, 'y', true);
      ctx.fillRect(x - bodyWidth / 2, Math.min(yOpen, yClose), bodyWidth, Math.max(1, Math.abs(yClose - yOpen)));
    }
    ctx.restore();
  };
}
