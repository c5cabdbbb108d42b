/**
 * The cancel flag shared between the pool and a worker: one Int32 in a SharedArrayBuffer
 * per job. A worker busy in a synchronous loop cannot receive messages, so the pool
 * flips this flag and the loop reads it (a plain Atomics.load, a few ns) every few
 * thousand bars. Both sides import this module so the layout is defined once.
 */
const CANCEL_INDEX = 0;
const CANCEL_REQUESTED = 1;

/** Returns a fresh, unset cancel flag. */
export function createCancelFlag(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** Sets the flag; every reader sees it on its next poll. */
export function requestCancel(flag: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(flag), CANCEL_INDEX, CANCEL_REQUESTED);
}

/** Returns a cheap poll function for the flag (the view is built once). */
export function cancelPoller(flag: SharedArrayBuffer): () => boolean {
  const view = new Int32Array(flag);
  return () => Atomics.load(view, CANCEL_INDEX) === CANCEL_REQUESTED;
}
