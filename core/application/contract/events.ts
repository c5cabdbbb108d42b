import type { JobInfo } from '../jobs/contract.js';
import type { SweepCounts, SweepVariantRow } from '../sweeps/contract.js';

/**
 * Pushes from the core to the UI, event name to payload. Transports forward every
 * event; the UI subscribes with `on(name, cb)`, which returns an unsubscribe function.
 */
export interface WorkstationEvents {
  /** Throttled to at most 10 per second per job. */
  'job/progress': { readonly job: JobInfo };
  /** Exactly once per job, with its final status. */
  'job/finished': { readonly job: JobInfo };
  /** Stored data changed: lists showing it should reload. */
  'data/changed': { readonly kind: 'series' | 'strategies' | 'runs' | 'sweeps'; readonly ids?: readonly string[] };
  /** A sweep's record exists and its job runs: what `sweeps/start` also answers. */
  'sweep/started': { readonly sweepId: string; readonly jobId: string };
  /**
   * A batch of a sweep's variants finished (already stored), in the order they finished.
   * done/total count variants of the whole sweep, for a progress bar beside the heatmap.
   */
  'sweep/variants': {
    readonly sweepId: string;
    readonly jobId: string;
    readonly variants: readonly SweepVariantRow[];
    readonly done: number;
    readonly total: number;
    readonly counts: SweepCounts;
  };
}

export type EventName = keyof WorkstationEvents;
export type EventListener<E extends EventName> = (payload: WorkstationEvents[E]) => void;
/** One event as it travels over a transport. */
export type EventMessage = { [E in EventName]: { readonly name: E; readonly payload: WorkstationEvents[E] } }[EventName];

export interface EventSource {
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void;
  /** Every event, in order: what transports subscribe to. */
  onAny(listener: (message: EventMessage) => void): () => void;
}

export interface EventSink {
  emit<E extends EventName>(name: E, payload: WorkstationEvents[E]): void;
}

export type EventBus = EventSource & EventSink;

/**
 * Returns an in-process event bus. A listener that throws is reported to `onListenerError`
 * and does not stop the others (one broken window must not starve the rest).
 */
export function createEventBus(onListenerError: (error: unknown) => void = () => {}): EventBus {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const anyListeners = new Set<(message: EventMessage) => void>();
  const safely = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      onListenerError(error);
    }
  };
  return {
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const entry = listener as (payload: never) => void;
      set.add(entry);
      return () => void set.delete(entry);
    },
    onAny(listener) {
      anyListeners.add(listener);
      return () => void anyListeners.delete(listener);
    },
    emit(name, payload) {
      for (const listener of [...(listeners.get(name) ?? [])]) safely(() => (listener as EventListener<typeof name>)(payload));
      const message = { name, payload } as EventMessage;
      for (const listener of [...anyListeners]) safely(() => listener(message));
    },
  };
}
