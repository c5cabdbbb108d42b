import { useCallback, useEffect, useState } from 'react';

export const SCREENS = ['data', 'strategies', 'builder', 'run', 'history', 'optimize', 'performance'] as const;
export type Screen = (typeof SCREENS)[number];

export interface Route {
  readonly screen: Screen;
  /** The strategy (builder, run), run (history) or sweep (optimize) the screen shows, if any. */
  readonly id?: string;
}

const parse = (hash: string): Route => {
  const [screen, id] = hash.replace(/^#\/?/, '').split('/');
  const known = (SCREENS as readonly string[]).includes(screen ?? '') ? (screen as Screen) : 'data';
  return id ? { screen: known, id: decodeURIComponent(id) } : { screen: known };
};

/** The URL hash of a route: '#/optimize/run%3A123'. */
export const routeHash = (route: Route): string => `#/${route.screen}${route.id ? `/${encodeURIComponent(route.id)}` : ''}`;

/** Returns the route kept in the URL hash (so a reload lands on the same screen) and a navigate function. */
export function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState<Route>(() => parse(window.location.hash));
  useEffect(() => {
    const onHash = (): void => setRoute(parse(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const navigate = useCallback((next: Route) => {
    window.location.hash = routeHash(next);
  }, []);
  return [route, navigate];
}
