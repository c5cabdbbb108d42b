import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { StrategySummary } from '../../api/contract.js';
import type { Route } from '../../app/use-route.js';
import { useShortcut } from '../../app/use-shortcut.js';
import { onSingleClick, useSingleFlight } from '../../app/use-single-flight.js';
import { useToast } from '../../components/Toast.js';
import { forgetStrategy } from '../builder/strategy-loader.js';

/** Actions on the selected strategy: open, run, duplicate, rename (F2), delete (Del) with undo (the toast, or Ctrl+Z). */
export function StrategyActions(props: {
  selected: StrategySummary | null;
  onChanged: () => void;
  /** The selected strategy as stored after a rename or new tags (the bar showed the old name). */
  onUpdated: (summary: StrategySummary) => void;
  onCleared: () => void;
  navigate: (route: Route) => void;
}) {
  const { selected, onChanged, onUpdated, onCleared, navigate } = props;
  const toast = useToast();
  const [renaming, setRenaming] = useState(false);
  const [tagging, setTagging] = useState(false);
  const [tagText, setTagText] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  // The strategies deleted here, latest last: Ctrl+Z restores them one by one, also after the toast has gone.
  const deleted = useRef<string[]>([]);
  // One action at a time: a double click on Duplicate made two copies.
  const flight = useSingleFlight();

  useEffect(() => {
    setRenaming(false);
    setTagging(false);
    setError(null);
  }, [selected?.id]);

  const attempt = (work: () => Promise<void>): Promise<void> =>
    flight.run(async () => {
      setError(null);
      try {
        await work();
      } catch (failure) {
        setError(errorMessage(failure));
      }
    });

  const duplicate = () =>
    attempt(async () => {
      if (!selected) return;
      await api().invoke('strategies/duplicate', { id: selected.id });
      onChanged();
    });
  const rename = () =>
    attempt(async () => {
      if (!selected) return;
      if (!name.trim()) throw new Error('A name cannot be empty: type one, or press Esc to keep the old name.');
      onUpdated(await api().invoke('strategies/rename', { id: selected.id, name: name.trim() }));
      setRenaming(false);
      onChanged();
    });
  const saveTags = () =>
    attempt(async () => {
      if (!selected) return;
      const tags = [...new Set(tagText.split(',').map((t) => t.trim()).filter(Boolean))];
      // Tags travel with an update of the saved spec, which stays as it is.
      const detail = await api().invoke('strategies/get', { id: selected.id });
      const { spec: _spec, ...updated } = await api().invoke('strategies/update', { id: selected.id, spec: detail.spec, tags });
      onUpdated(updated);
      setTagging(false);
      onChanged();
    });
  const restore = (id: string): void => {
    deleted.current = deleted.current.filter((d) => d !== id);
    api()
      .invoke('strategies/restore', { id })
      .then(onChanged, (failure: unknown) => setError(errorMessage(failure)));
  };
  const remove = () =>
    attempt(async () => {
      if (!selected) return;
      const { id, name: deletedName } = selected;
      await api().invoke('strategies/delete', { id });
      deleted.current.push(id);
      forgetStrategy(id);
      onCleared();
      onChanged();
      toast({ text: `Deleted “${deletedName}” (Ctrl+Z brings it back)`, action: { label: 'Undo', run: () => restore(id) } });
    });
  const undoDelete = (): void => {
    const id = deleted.current.at(-1);
    if (id) restore(id);
  };

  useShortcut('Delete', () => void remove(), selected !== null && !renaming);
  // Not in the search box or a rename field: there Ctrl+Z undoes typing.
  useShortcut('Mod+z', undoDelete, true, { inFields: false });
  useShortcut('F2', () => {
    if (!selected) return;
    setName(selected.name);
    setRenaming(true);
  });

  if (!selected) return <div className="row muted" style={{ minHeight: 30 }}>Select a strategy to act on it; double-click or Enter opens it in the builder.</div>;
  return (
    <div className="row" style={{ minHeight: 30 }} data-testid="strategy-actions">
      <strong>{selected.name}</strong>
      <button data-testid="strategy-open" onClick={() => navigate({ screen: 'builder', id: selected.id })}>
        Open
      </button>
      <button data-testid="strategy-run" onClick={() => navigate({ screen: 'run', id: selected.id })}>
        Run
      </button>
      <button data-testid="strategy-sweep" title="Optimize its numeric parameters" onClick={() => navigate({ screen: 'optimize', id: `strategy:${selected.id}` })}>
        Sweep
      </button>
      <button data-testid="strategy-duplicate" disabled={flight.pending} onClick={onSingleClick(duplicate)}>
        Duplicate
      </button>
      {renaming ? (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            void rename();
          }}
        >
          <input autoFocus aria-label="New name" data-testid="strategy-rename-input" value={name} onChange={(event) => setName(event.target.value)} onKeyDown={(event) => event.key === 'Escape' && setRenaming(false)} />
          <button type="submit" className="primary" data-testid="strategy-rename-save" disabled={flight.pending}>
            Save name
          </button>
        </form>
      ) : (
        <button
          data-testid="strategy-rename"
          title="F2"
          onClick={() => {
            setName(selected.name);
            setRenaming(true);
          }}
        >
          Rename
        </button>
      )}
      {tagging ? (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            void saveTags();
          }}
        >
          <input autoFocus aria-label="Tags, comma separated" placeholder="trend, crypto" data-testid="strategy-tags-input" value={tagText} onChange={(event) => setTagText(event.target.value)} onKeyDown={(event) => event.key === 'Escape' && setTagging(false)} />
          <button type="submit" className="primary" data-testid="strategy-tags-save" disabled={flight.pending}>
            Save tags
          </button>
        </form>
      ) : (
        <button
          data-testid="strategy-tags"
          onClick={() => {
            setTagText(selected.tags.join(', '));
            setTagging(true);
          }}
        >
          Tags
        </button>
      )}
      <button className="danger" data-testid="strategy-delete" title="Delete" disabled={flight.pending} onClick={() => void remove()}>
        Delete
      </button>
      {error && <span className="bad">{error}</span>}
    </div>
  );
}
