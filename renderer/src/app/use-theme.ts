import { useCallback, useSyncExternalStore } from 'react';

export type Theme = 'dark' | 'light';
const KEY = 'bws.theme';

const initialTheme = (): Theme => {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'dark' || saved === 'light') return saved;
  } catch {
    // blocked storage: the system's theme
  }
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
};

// One theme for the page, outside React: it is applied to <html data-theme> before anyone
// hears of the change, so a chart that reads its colours while re-rendering for the new
// theme reads the new ones (canvas drawing cannot use CSS variables).
let current: Theme | null = null;
const listeners = new Set<() => void>();

const read = (): Theme => {
  if (current === null) apply(initialTheme());
  return current!;
};

function apply(theme: Theme): void {
  current = theme;
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // blocked storage: the theme lasts as long as the page
  }
}

const subscribe = (listener: () => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Returns the theme (saved, else the system's) and a toggle; the theme is applied to <html data-theme>. */
export function useTheme(): [Theme, () => void] {
  const theme = useSyncExternalStore(subscribe, read);
  const toggle = useCallback(() => {
    apply(read() === 'dark' ? 'light' : 'dark');
    for (const listener of listeners) listener();
  }, []);
  return [theme, toggle];
}

/** The current theme, re-rendering on a switch: what canvas drawings (charts) depend on to recolour. */
export function useThemeName(): Theme {
  return useSyncExternalStore(subscribe, read);
}

/** Reads a theme colour token (for canvas drawing, which cannot use CSS variables). */
export function themeColor(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}
