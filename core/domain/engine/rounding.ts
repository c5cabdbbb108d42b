/**
 * Rounds a fill price to the instrument's tick in the adverse direction: buys up, sells
 * down. A small epsilon absorbs binary error so on-tick prices stay where they are.
 */
export function roundToTick(price: number, tick: number, up: boolean): number {
  if (!(tick > 0)) return price;
  const steps = up ? Math.ceil(price / tick - 1e-9) : Math.floor(price / tick + 1e-9);
  return fromSteps(steps, tick);
}

/**
 * Rounds a quantity down to whole steps: the same result as roundDownToStep
 * (core/domain/market/instrument.ts), without its toString/toFixed per call, which
 * showed up in the engine's profile at thousands of fills per run.
 */
export function roundDownQuantity(quantity: number, step: number): number {
  if (!(quantity > 0)) return 0;
  return fromSteps(Math.floor(quantity / step + 1e-9), step);
}

/**
 * steps x unit as the double nearest the decimal value. For units whose inverse is a
 * whole number (0.01, 0.001, 1...) steps / inverse is exactly that (one correctly
 * rounded division); other units go through toFixed, as roundDownToStep does.
 */
function fromSteps(steps: number, unit: number): number {
  // A run alternates between two units (the price tick and the quantity step): two
  // remembered entries answer those without the Map lookup (hashing a double), which
  // showed in the engine's profile at ~18,000 fills per run.
  if (unit === lastUnitA) return lastInverseA > 0 ? steps / lastInverseA : fromStepsSlow(steps, unit);
  if (unit === lastUnitB) return lastInverseB > 0 ? steps / lastInverseB : fromStepsSlow(steps, unit);
  let inverse = inverses.get(unit);
  if (inverse === undefined) {
    const candidate = Math.round(1 / unit);
    inverse = candidate >= 1 && Math.abs(1 / candidate - unit) <= unit * 1e-12 ? candidate : 0;
    inverses.set(unit, inverse);
  }
  lastUnitB = lastUnitA;
  lastInverseB = lastInverseA;
  lastUnitA = unit;
  lastInverseA = inverse;
  return inverse > 0 ? steps / inverse : fromStepsSlow(steps, unit);
}

let lastUnitA = Number.NaN;
let lastInverseA = 0;
let lastUnitB = Number.NaN;
let lastInverseB = 0;

/** Whole-number inverse of each unit seen (0 = none): a pure cache, a run uses one tick and one step. */
const inverses = new Map<number, number>();

function fromStepsSlow(steps: number, unit: number): number {
  if (Number.isInteger(unit)) return steps * unit;
  return Number((steps * unit).toFixed(unitDecimals(unit)));
}

function unitDecimals(unit: number): number {
  const s = unit.toString();
  return s.includes('e-') ? Number(s.split('e-')[1]) + (s.split('e-')[0]?.split('.')[1]?.length ?? 0) : (s.split('.')[1]?.length ?? 0);
}
