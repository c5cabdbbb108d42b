import type { HandlerName } from './contract.js';

/**
 * Calls started before React has mounted, so their round trips overlap module
 * evaluation and the first render instead of following them. A screen's first
 * `invoke` with the same name and arguments takes the answer in flight (once), within
 * `FRESH_MS`; later calls go to the server as usual.
 */
const FRESH_MS = 5_000;
const early = new Map<string, { answer: Promise<unknown>; startedAt: number }>();

const keyOf = (name: HandlerName, args: unknown) => `${name}\u0000${JSON.stringify(args ?? null)}`;

/** Starts `call` now and keeps its answer for the first matching `takeEarly`. */
export function startEarly(name: HandlerName, args: unknown, call: () => Promise<unknown>): void {
  const answer = call();
  // A failure is handed to whoever takes it; until then it must not count as unhandled.
  answer.catch(() => undefined);
  early.set(keyOf(name, args), { answer, startedAt: performance.now() });
}

/** Returns the early answer for this call, if one is in flight or fresh, and forgets it. */
export function takeEarly(name: HandlerName, args: unknown): Promise<unknown> | undefined {
  if (early.size === 0) return undefined;
  const key = keyOf(name, args);
  const hit = early.get(key);
  if (!hit) return undefined;
  early.delete(key);
  return performance.now() - hit.startedAt <= FRESH_MS ? hit.answer : undefined;
}
