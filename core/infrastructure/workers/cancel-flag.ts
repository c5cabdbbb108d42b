/**
 * The cancel flag shared between the pool and a worker: one Int32 in a SharedArrayBuffer
 * per job. A worker busy in a synchronous loop cannot receive messages, so the pool
 * flips this flag and the loop reads it (a plain Atomics.load, a few ns) every few
 * thousand bars. Both sides import this module so the layout is defined once.
 */
const CANCEL_INDEX = 0;
const CANCEL_REQUESTED = 1;
/** Second slot: > 0 while the worker is inside a database write it must not be killed in. */
const WRITING_INDEX = 1;
/**
 * Third slot: 1 once the worker began such a write. Its job is past the point of no
 * return (e.g. the run is saved) and will answer with its result; killing it between the
 * write and the reply would report a saved run as cancelled.
 */
const WROTE_INDEX = 2;

/** Returns a fresh, unset cancel flag. */
export function createCancelFlag(): SharedArrayBuffer {
  return new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
}

/**
 * Runs `write` marked as a write in progress: the pool does not terminate the worker for
 * an ignored cancel or an overrun timeout until it returns (a thread killed inside a
 * SQLite transaction could leave the store's write lock to this process's other
 * connections). The write itself is short; the engine loop before it polls cancel.
 */
export function duringWrite<T>(flag: SharedArrayBuffer, write: () => T): T {
  const view = new Int32Array(flag);
  Atomics.add(view, WRITING_INDEX, 1);
  Atomics.store(view, WROTE_INDEX, 1);
  try {
    return write();
  } finally {
    Atomics.sub(view, WRITING_INDEX, 1);
  }
}

/** Whether the worker holding this flag is inside `duringWrite`. */
export function isWriting(flag: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(flag), WRITING_INDEX) > 0;
}

/** Whether the worker holding this flag has entered `duringWrite` at least once. */
export function hasWritten(flag: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(flag), WROTE_INDEX) === 1;
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
