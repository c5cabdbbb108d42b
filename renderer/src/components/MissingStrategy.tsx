import { useState } from 'react';
import { api } from '../api/client.js';
import { errorMessage } from '../api/api-error.js';
import type { StrategyMissing } from '../api/strategy-missing.js';
import type { Route } from '../app/use-route.js';
import { EmptyState } from './EmptyState.js';
import { ErrorBox } from './ErrorBox.js';

/** The builder's and Run screen's empty state for a deleted or unknown strategy: back to the list, or restore it. */
export function MissingStrategy({ id, missing, navigate, onRestored }: { id: string; missing: StrategyMissing; navigate: (route: Route) => void; onRestored: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(false);
  const restore = (): void => {
    setRestoring(true);
    api()
      .invoke('strategies/restore', { id })
      .then(onRestored, (failure: unknown) => setError(errorMessage(failure)))
      .finally(() => setRestoring(false));
  };
  return (
    <EmptyState title={missing.deleted ? 'This strategy was deleted' : 'There is no such strategy'} testId="strategy-missing">
      {missing.name && (
        <div className="muted ellipsis" title={missing.name} style={{ marginBottom: 8 }}>
          “{missing.name}”
        </div>
      )}
      <div className="row" style={{ justifyContent: 'center' }}>
        <button className="primary" data-testid="missing-back" onClick={() => navigate({ screen: 'strategies' })}>
          Back to Strategies
        </button>
        {missing.deleted && (
          <button data-testid="missing-restore" disabled={restoring} onClick={restore}>
            Restore it
          </button>
        )}
      </div>
      <ErrorBox message={error} />
    </EmptyState>
  );
}
