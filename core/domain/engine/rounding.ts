/**
 * Rounds a fill price to the instrument's tick in the adverse direction: buys up, sells
 * down. A price already on the tick stays where it is, for ticks from 1e-8 to 1 and prices
 * up to 1e7 (up to 1e15 steps; see stepsOf and onGridTolerance).
 */
export function roundToTick(price: number, tick: number, up: boolean): number {
  if (!(tick > 0)) return price;
  return fromSteps(wholeSteps(price, tick, up), tick);
}

/**
 * Rounds a quantity down to whole steps: the same result as roundDownToStep
 * (core/domain/market/instrument.ts), without its toString/toFixed per call, which
 * showed up in the engine's profile at thousands of fills per run.
 */
export function roundDownQuantity(quantity: number, step: number): number {
  if (!(quantity > 0)) return 0;
  return fromSteps(wholeSteps(quantity, step, false), step);
}

/**
 * value / unit as a whole number of units: the nearest one when the quotient is within
 * binary error of it (the value is on the grid), else the next one up or down.
 *
 * The error grows with the count: a price of 1e7 on a 1e-8 tick is 1e15 steps, where one
 * rounding is ~0.1 step, so a fixed epsilon (1e-9 steps, kept as the floor) moved on-grid
 * prices a tick once counts passed ~1e7. The tolerance is the bound of the value's own
 * rounding plus the quotient's: two units in the last place (2^-53 each, relative) when the
 * unit's inverse is a whole number (one exact-operand multiplication: 1e-8 -> x 1e8),
 * three when dividing by a unit that is itself a rounded binary fraction.
 */
function wholeSteps(value: number, unit: number, up: boolean): number {
  const inverse = wholeInverse(unit);
  const steps = inverse > 0 ? value * inverse : value / unit;
  const tolerance = Math.max(1e-9, Math.abs(steps) * (inverse > 0 ? 2.3e-16 : 3.4e-16));
  const nearest = Math.round(steps);
  if (Math.abs(steps - nearest) <= tolerance) return nearest;
  return up ? Math.ceil(steps) : Math.floor(steps);
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
  const inverse = wholeInverse(unit);
  return inverse > 0 ? steps / inverse : fromStepsSlow(steps, unit);
}

/** The unit's inverse when it is a whole number (0.01 -> 100), else 0. */
function wholeInverse(unit: number): number {
  if (unit === lastUnitA) return lastInverseA;
  if (unit === lastUnitB) return lastInverseB;
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
  return inverse;
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
