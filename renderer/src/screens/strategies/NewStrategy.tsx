import { useRef, useState } from 'react';
import { listTemplates } from '../../../../core/domain/strategy/templates.js';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import { useShortcut } from '../../app/use-shortcut.js';
import { onSingleClick, useSingleFlight } from '../../app/use-single-flight.js';

/** "New strategy" from a template of the catalog (Alt+N). */
export function NewStrategy({ onCreated }: { onCreated: (id: string) => void }) {
  const [templateId, setTemplateId] = useState('');
  const [error, setError] = useState<string | null>(null);
  // A repeated Alt+N or a double click would create two.
  const flight = useSingleFlight();
  // Set once a strategy is made: the screen is on its way to the builder, and an Alt+N
  // pressed again before it has gone (the create answers in a few ms) must not make another.
  const created = useRef(false);
  const templates = listTemplates();
  const chosen = templateId || templates[0]?.id || '';

  const create = (): Promise<void> =>
    flight.run(async () => {
      if (!chosen || created.current) return;
      setError(null);
      try {
        const strategy = await api().invoke('strategies/create', { templateId: chosen });
        created.current = true;
        onCreated(strategy.id);
      } catch (failure) {
        setError(errorMessage(failure));
      }
    });
  useShortcut('Alt+n', () => void create());

  return (
    <div className="row">
      <select aria-label="Template" data-testid="template-select" value={chosen} onChange={(event) => setTemplateId(event.target.value)} title={templates.find((t) => t.id === chosen)?.description}>
        {templates.map((template) => (
          <option key={template.id} value={template.id}>
            {template.name}
          </option>
        ))}
      </select>
      <button className="primary" data-testid="strategy-new" disabled={!chosen || flight.pending} onClick={onSingleClick(create)} title="Alt+N">
        New strategy
      </button>
      {error && <span className="bad">{error}</span>}
    </div>
  );
}
