import { Suspense, useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { errorMessage } from '../api/api-error.js';
import { ScreenErrorBoundary } from '../components/ScreenErrorBoundary.js';
import { ToastProvider } from '../components/Toast.js';
import { DataScreen } from '../screens/data/DataScreen.js';
import { lazyScreen } from './lazy-screen.js';
import { SCREENS, useRoute, type Screen } from './use-route.js';
import { useShortcut } from './use-shortcut.js';
import { useStoredState } from './use-session-state.js';
import { useTheme } from './use-theme.js';

const isIdOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

// The first screen loads with the app; the others (and uPlot, react-window) load on first
// visit or once the first screen has painted and the page is idle (main.tsx), so opening
// the app parses a third of the code and a switch does not wait on a chunk.
const builder = lazyScreen(() => import('../screens/builder/BuilderScreen.js').then((m) => m.BuilderScreen));
const history = lazyScreen(() => import('../screens/history/HistoryScreen.js').then((m) => m.HistoryScreen));
const run = lazyScreen(() => import('../screens/run/RunScreen.js').then((m) => m.RunScreen));
const optimize = lazyScreen(() => import('../screens/optimize/OptimizeScreen.js').then((m) => m.OptimizeScreen));
const performanceScreen = lazyScreen(() => import('../screens/performance/PerformanceScreen.js').then((m) => m.PerformanceScreen));
const strategies = lazyScreen(() => import('../screens/strategies/StrategiesScreen.js').then((m) => m.StrategiesScreen));
const { Screen: BuilderScreen } = builder;
const { Screen: HistoryScreen } = history;
const { Screen: RunScreen } = run;
const { Screen: OptimizeScreen } = optimize;
const { Screen: PerformanceScreen } = performanceScreen;
const { Screen: StrategiesScreen } = strategies;

/** The other screens' code, in the order a user most often goes to them. */
export const SCREEN_PRELOADS: readonly (() => Promise<unknown>)[] = [strategies, builder, run, history, optimize, performanceScreen].map((screen) => screen.preload);

const LABELS: Record<Screen, string> = { data: 'Data', strategies: 'Strategies', builder: 'Builder', run: 'Run & Results', history: 'History', optimize: 'Optimize', performance: 'Performance' };

/** The shell: top bar with the screens (Alt+1..7), theme toggle (Alt+T), and the current screen. */
export function App() {
  const [route, navigate] = useRoute();
  const [theme, toggleTheme] = useTheme();
  const [fatal, setFatal] = useState<string | null>(null);

  // One cheap call up front: a missing or wrong token shows a clear message instead of empty screens.
  useEffect(() => {
    api()
      .invoke('system/info')
      .then(
        () => setFatal(null),
        (error: unknown) => setFatal(errorMessage(error)),
      );
  }, []);

  useShortcut('Alt+t', toggleTheme);
  // The strategy last open in the builder or on Run: their tabs (and Alt+3/4) go back to
  // it after a detour through other screens or a reload, instead of "No strategy open".
  const [lastStrategy, setLastStrategy] = useStoredState<string | null>('local', 'bws.lastStrategy', null, isIdOrNull);
  useEffect(() => {
    if ((route.screen === 'builder' || route.screen === 'run') && route.id) setLastStrategy(route.id);
  }, [route, setLastStrategy]);
  // The sweep open last on Optimize: its tab goes back to it, not to an empty view.
  const [lastSweep, setLastSweep] = useStoredState<string | null>('session', 'bws.lastSweep', null, isIdOrNull);
  useEffect(() => {
    // Only a sweep: a preselected strategy or a run's Monte Carlo is a one-off request.
    if (route.screen === 'optimize') setLastSweep(route.id && !route.id.includes(':') ? route.id : null);
  }, [route, setLastSweep]);
  const openScreen = useCallback(
    (screen: Screen) => {
      const id = screen === 'builder' || screen === 'run' ? lastStrategy : screen === 'optimize' ? lastSweep : null;
      navigate(id ? { screen, id } : { screen });
    },
    [navigate, lastStrategy, lastSweep],
  );
  // Alt+1..7 switch screens.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const digit = /^Digit([1-7])$/.exec(event.code)?.[1];
      if (!digit) return;
      event.preventDefault();
      openScreen(SCREENS[Number(digit) - 1]!);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openScreen]);

  return (
    <ToastProvider>
      <div className="app">
        <nav className="topbar" role="tablist">
          <span className="brand">Backtest Workstation</span>
          {SCREENS.map((screen, index) => (
            <button
              key={screen}
              className="tab"
              role="tab"
              aria-selected={route.screen === screen}
              data-testid={`nav-${screen}`}
              title={`Alt+${index + 1}`}
              onClick={() => openScreen(screen)}
            >
              {LABELS[screen]}
            </button>
          ))}
          <span className="spacer" />
          <button data-testid="theme-toggle" title="Alt+T" onClick={toggleTheme}>
            {theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </button>
        </nav>
        {fatal ? (
          <main className="screen">
            <div className="error-box" role="alert" data-testid="fatal-error">
              {fatal}
            </div>
          </main>
        ) : (
          <main className={route.screen === 'data' || route.screen === 'history' || route.screen === 'optimize' || route.screen === 'performance' ? 'screen' : 'screen fill'} data-testid={`screen-${route.screen}`}>
            <ScreenErrorBoundary resetKey={`${route.screen}/${route.id ?? ''}`}>
            <Suspense fallback={<div className="muted">Loading…</div>}>
              {route.screen === 'data' && <DataScreen navigate={navigate} />}
              {route.screen === 'strategies' && <StrategiesScreen navigate={navigate} />}
              {route.screen === 'builder' && <BuilderScreen strategyId={route.id} navigate={navigate} />}
              {route.screen === 'run' && <RunScreen strategyId={route.id} navigate={navigate} />}
              {route.screen === 'history' && <HistoryScreen runId={route.id} navigate={navigate} />}
              {route.screen === 'optimize' && <OptimizeScreen id={route.id} navigate={navigate} />}
              {route.screen === 'performance' && <PerformanceScreen />}
            </Suspense>
            </ScreenErrorBoundary>
          </main>
        )}
      </div>
    </ToastProvider>
  );
}
