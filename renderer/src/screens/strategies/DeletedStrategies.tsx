import { useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import { useDataChanged } from '../../api/use-data-changed.js';
import { useQuery } from '../../api/use-query.js';
import { formatCountOf, formatTs } from '../../app/format.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { useDismissToast } from '../../components/Toast.js';
import { deletedToastKey } from './StrategyActions.js';

/**
 * The strategies deleted so far, latest first, each with Restore: a delete is never final
 * from the trader's side, also after the Undo toast has gone (the store keeps deleted
 * strategies and their drafts).
 */
export function DeletedStrategies({ onRestored }: { onRestored: () => void }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Closed, the button needs only the count: one row is read, not the list.
  const deleted = useQuery(() => api().invoke('strategies/listDeleted', { limit: open ? 200 : 1 }), [open]);
  useDataChanged('strategies', deleted.reload);
  const total = deleted.data?.total ?? 0;
  const dismissToast = useDismissToast();
  const restore = (id: string): void => {
    setError(null);
    api()
      .invoke('strategies/restore', { id })
      .then(
        () => {
          dismissToast(deletedToastKey(id));
          deleted.reload();
          onRestored();
        },
        (failure: unknown) => setError(errorMessage(failure)),
      );
  };
  return (
    <span style={{ position: 'relative' }}>
      <button data-testid="deleted-toggle" aria-expanded={open} disabled={total === 0 && !open} onClick={() => setOpen((o) => !o)} title="Strategies deleted earlier, to bring back">
        Deleted ({total})
      </button>
      {open && (
        <section className="panel col deleted-strategies" data-testid="deleted-strategies">
          <div className="row">
            <strong>Deleted strategies</strong>
            <span className="muted">{total > (deleted.data?.items.length ?? 0) ? `the latest ${deleted.data?.items.length} of ${total}` : formatCountOf(total, 'strategy', 'strategies')}</span>
            <span className="grow" />
            <button onClick={() => setOpen(false)}>Close</button>
          </div>
          <ErrorBox message={deleted.error ?? error} />
          {total === 0 ? (
            <span className="muted">Nothing deleted.</span>
          ) : (
            <div style={{ maxHeight: 240, overflow: 'auto' }}>
              <table className="grid">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Deleted (UTC)</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {deleted.data?.items.map((s) => (
                    <tr key={s.id} data-testid="deleted-row" data-name={s.name}>
                      <td>{s.name}</td>
                      <td>{formatTs(s.deletedAt)}</td>
                      <td>
                        <button data-testid="deleted-restore" onClick={() => restore(s.id)}>
                          Restore
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </span>
  );
}
