import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import { onSingleClick, useSingleFlight } from '../../app/use-single-flight.js';
import { ErrorBox } from '../../components/ErrorBox.js';

/**
 * The selected instrument's tags: remove one (its ×), or add some (typed, separated by
 * commas; Enter adds). Every instrument with a tag is a universe the Run form offers, so
 * a basket is built here without the command line. The core checks each tag's spelling and
 * keeps one of each (case-insensitive); the list shows what it stored.
 */
export function InstrumentTags({ symbol, tags, onChanged }: { symbol: string; tags: readonly string[]; onChanged: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  // What was stored last: shown at once, before the list's reload brings it.
  const [shown, setShown] = useState<readonly string[]>(tags);
  const flight = useSingleFlight();
  useEffect(() => setShown(tags), [symbol, tags.join(',')]);
  useEffect(() => {
    setText('');
    setError(null);
  }, [symbol]);

  const save = (next: readonly string[]) =>
    flight.run(async () => {
      setError(null);
      try {
        const answer = await api().invoke('data/setTags', { symbol, tags: [...next] });
        setShown(answer.tags);
        setText('');
        onChanged();
      } catch (failure) {
        setError(errorMessage(failure));
      }
    });
  const typed = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const add = (): Promise<void> => save([...shown, ...typed]);

  return (
    <div className="col" style={{ gap: 6 }} data-testid="instrument-tags">
      <div className="row" style={{ flexWrap: 'wrap' }}>
        <span className="muted">Tags of {symbol}:</span>
        {shown.length === 0 && <span className="muted">none</span>}
        {shown.map((tag) => (
          <span key={tag} className="tag" data-testid="instrument-tag" data-tag={tag}>
            {tag}
            <button className="link" aria-label={`Remove the tag ${tag}`} data-testid={`instrument-tag-remove-${tag}`} disabled={flight.pending} onClick={onSingleClick(() => save(shown.filter((t) => t !== tag)))}>
              ×
            </button>
          </span>
        ))}
        <input
          data-testid="instrument-tag-input"
          aria-label={`Add tags to ${symbol}`}
          placeholder="add tags: a, b"
          value={text}
          style={{ width: 160 }}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && typed.length > 0) void add();
          }}
        />
        <button data-testid="instrument-tag-add" disabled={typed.length === 0 || flight.pending} title="Every instrument with a tag is a universe on the Run form" onClick={onSingleClick(add)}>
          Add
        </button>
      </div>
      <ErrorBox message={error} testId="instrument-tags-error" />
    </div>
  );
}
