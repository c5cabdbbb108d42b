import type { HandlerName } from './contract.js';

/**
 * Calls started before React has mounted, so their round trips overlap module
 * evaluation and the first render instead of following them. A screen's first
 * `invoke` with the same name and arguments takes the answer in flight (once), within
 * `FRESH_MS`; later calls go to the server as usual. An answer already back can be
 * taken synchronously (`takeSettledEarly`), so the first render shows it and no
 * "Loading" frame is laid out and painted before it.
 */
const FRESH_MS = 5_000;
interface EarlyCall {
  readonly answer: Promise<unknown>;
  readonly startedAt: number;
  /** The first render waits for this one (see `earlyCallsSettled`). */
  readonly awaited: boolean;
  settled?: { readonly value: unknown };
}
const early = new Map<string, EarlyCall>();

const keyOf = (name: HandlerName, args: unknown) => `${name}\u0000${JSON.stringify(args ?? null)}`;

/**
 * Starts `call` now and keeps its answer for the first matching `takeEarly`; `awaited`:
 * the first render shows it, so it waits for it (briefly: `earlyCallsSettled`).
 */
export function startEarly(name: HandlerName, args: unknown, call: () => Promise<unknown>, awaited = false): void {
  const answer = call();
  const entry: EarlyCall = { answer, startedAt: performance.now(), awaited };
  // A failure is handed to whoever takes it; until then it must not count as unhandled.
  answer.then(
    (value) => {
      entry.settled = { value };
    },
    () => undefined,
  );
  early.set(keyOf(name, args), entry);
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

/** The early answer for this call if it has already arrived (and is fresh), taken; else undefined. */
export function takeSettledEarly(name: HandlerName, args: unknown): { readonly value: unknown } | undefined {
  if (early.size === 0) return undefined;
  const key = keyOf(name, args);
  const hit = early.get(key);
  if (!hit?.settled || performance.now() - hit.startedAt > FRESH_MS) return undefined;
  early.delete(key);
  return hit.settled;
}

/** Settles once every awaited early call has answered (or failed), or after `maxMs`, whichever is first. */
export function earlyCallsSettled(maxMs: number): Promise<void> {
  const awaited = [...early.values()].filter((call) => call.awaited).map((call) => call.answer);
  const all = Promise.allSettled(awaited).then(() => undefined);
  return Promise.race([all, new Promise<void>((resolve) => setTimeout(resolve, maxMs))]);
}
