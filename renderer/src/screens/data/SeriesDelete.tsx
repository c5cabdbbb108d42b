import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { ResultOf, Timeframe } from '../../api/contract.js';
import { formatCount } from '../../app/format.js';
import { useShortcut } from '../../app/use-shortcut.js';
import { onSingleClick, useSingleFlight } from '../../app/use-single-flight.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { useToast } from '../../components/Toast.js';
import type { SeriesKey } from './SeriesTable.js';

type Summary = ResultOf<'data/listSeries'>[number];

/**
 * Deleting the selected series (the button, or the Delete key): a confirmation offers that
 * timeframe or the whole instrument, then a toast offers Undo until the core makes the
 * delete final (its `undoUntil`). Runs made on the bars keep their results.
 */
export function SeriesDelete(props: { selected: SeriesKey | null; series: readonly Summary[]; onDeleted: () => void; onRestored: () => void }) {
  const { selected, series, onDeleted, onRestored } = props;
  const toast = useToast();
  const flight = useSingleFlight();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const timeframes = selected ? series.filter((s) => s.instrument.symbol === selected.symbol) : [];
  const one = timeframes.find((s) => s.timeframe === selected?.timeframe);

  useEffect(() => {
    setConfirming(false);
    setError(null);
  }, [selected?.symbol, selected?.timeframe]);

  const undo = (deletionId: string): void => {
    api()
      .invoke('data/undoDelete', { deletionId })
      .then(onRestored, (failure: unknown) => setError(errorMessage(failure)));
  };

  const remove = (symbol: string, timeframe: Timeframe | undefined) =>
    flight.run(async () => {
      setError(null);
      try {
        const done = await api().invoke('data/delete', timeframe === undefined ? { symbol } : { symbol, timeframe });
        setConfirming(false);
        onDeleted();
        const what = done.wholeInstrument ? `${done.symbol} (${done.timeframes.join(', ')})` : `${done.symbol} ${done.timeframes.join(', ')}`;
        const seconds = Math.max(1, Math.round((done.undoUntil - Date.now()) / 1000));
        toast({
          text: `Deleted ${formatCount(done.bars)} bars of ${what}; Undo within ${seconds} s. Runs made on them keep their results.`,
          action: { label: 'Undo', run: () => undo(done.deletionId) },
          // Leaves a little before the core makes the delete final, so no Undo is offered in vain.
          durationMs: Math.max(1_000, done.undoUntil - Date.now() - 500),
        });
      } catch (failure) {
        setError(errorMessage(failure));
      }
    });

  useShortcut('Delete', () => setConfirming(true), selected !== null && !confirming);
  useShortcut('Escape', () => setConfirming(false), confirming);

  if (!selected || !one) return <ErrorBox message={error} testId="series-delete-error" />;
  return (
    <div className="col" style={{ gap: 6 }}>
      {confirming ? (
        <div className="row" role="alertdialog" aria-label={`Delete ${selected.symbol}`} data-testid="series-delete-confirm">
          <span>
            Delete the stored bars of <strong>{selected.symbol}</strong>? Runs made on them keep their results.
          </span>
          <button className="danger" data-testid="series-delete-timeframe" disabled={flight.pending} onClick={onSingleClick(() => remove(selected.symbol, selected.timeframe))}>
            {timeframes.length > 1 ? `Delete ${selected.timeframe} only (${formatCount(one.barCount)} bars)` : `Delete ${selected.symbol} (${formatCount(one.barCount)} bars)`}
          </button>
          {timeframes.length > 1 && (
            <button className="danger" data-testid="series-delete-all" disabled={flight.pending} onClick={onSingleClick(() => remove(selected.symbol, undefined))}>
              Delete {selected.symbol}: all {timeframes.length} timeframes ({timeframes.map((s) => s.timeframe).join(', ')})
            </button>
          )}
          <button data-testid="series-delete-cancel" autoFocus onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="row">
          <button className="danger" data-testid="series-delete" title="Delete this series or the whole instrument (Delete key); undo for a few seconds after" onClick={() => setConfirming(true)}>
            Delete {selected.symbol} {selected.timeframe}…
          </button>
        </div>
      )}
      <ErrorBox message={error} testId="series-delete-error" />
    </div>
  );
}
