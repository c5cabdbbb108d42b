import { createElement, lazy, useState, type ComponentType } from 'react';

export interface LazyScreen<P> {
  readonly Screen: ComponentType<P>;
  /** Loads (fetches and evaluates) the screen's code now; again after a failure. */
  readonly preload: () => Promise<unknown>;
}

/**
 * A screen whose code loads on first visit or on `preload`. Once loaded, a visit renders it
 * at once: React.lazy suspends for a tick even on a loaded module, which commits the
 * "Loading" fallback and a second frame on the switch.
 */
export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): LazyScreen<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  const preload = (): Promise<ComponentType<P>> =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        loading = null;
        throw error;
      },
    ));
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  function Screen(props: P) {
    // Chosen once per mount: turning from Lazy into the component would remount the screen.
    const [component] = useState<ComponentType<P>>(() => loaded ?? Lazy);
    return createElement(component, props);
  }
  return { Screen, preload };
}
