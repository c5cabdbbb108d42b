// Viridis at five stops: ordered in lightness, readable on dark and light themes and by
// most colour-blind viewers.
const STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Returns the colour of `t` in 0..1 (clamped), best = 1 = yellow. */
export function scaleColour(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const mix = (k: number): number => Math.round(a[k]! + (b[k]! - a[k]!) * f);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/**
 * Where a value sits between min and max, flipped when the objective is minimized so the
 * best cell is always the brightest.
 */
export function scalePosition(value: number, min: number, max: number, direction: 'maximize' | 'minimize'): number {
  const t = max > min ? (value - min) / (max - min) : 1;
  return direction === 'maximize' ? t : 1 - t;
}

/** A CSS gradient of the scale, worst to best, for the legend. */
export function legendGradient(): string {
  return `linear-gradient(to right, ${STOPS.map((_, i) => scaleColour(i / (STOPS.length - 1))).join(', ')})`;
}
