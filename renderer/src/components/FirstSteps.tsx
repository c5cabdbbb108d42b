import { api, settledEarly } from '../api/client.js';
import { useQuery } from '../api/use-query.js';
import type { Route } from '../app/use-route.js';

/**
 * What to do first, one line a step, on the first screen of a workstation that has no
 * strategy yet: data, a strategy, a run. It goes once the first strategy exists.
 */
export function FirstSteps({ hasData, navigate }: { hasData: boolean; navigate: (route: Route) => void }) {
  const strategies = useQuery(() => api().invoke('strategies/list', { limit: 1 }), [], () => settledEarly('strategies/list', { limit: 1 }));
  if (strategies.data?.total !== 0) return null;
  return (
    <section className="panel col first-steps" data-testid="first-steps">
      <h2 style={{ margin: 0 }}>Start here</h2>
      <ol style={{ margin: 0, paddingLeft: 20 }}>
        <li data-testid="first-step-data">
          {/* These steps sit above the Import panel and the Instruments table. */}
          {hasData ? 'Data: bars are loaded (see Instruments below); import your own CSV below whenever you like.' : 'Data: import a CSV of bars below (time, open, high, low, close, volume).'}
        </li>
        <li data-testid="first-step-strategy">
          <strong>Next:</strong> make a strategy from a template or a blank one on{' '}
          <button className="link" data-testid="first-step-strategies" onClick={() => navigate({ screen: 'strategies' })}>
            Strategies
          </button>
          .
        </li>
        <li data-testid="first-step-run">Run it on Run &amp; Results; every run is kept in History.</li>
      </ol>
    </section>
  );
}
