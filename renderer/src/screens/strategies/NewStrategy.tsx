import { useState } from 'react';
import { api } from '../../api/client.js';
import { loadCatalog } from '../../api/catalog.js';
import { errorMessage } from '../../api/api-error.js';
import { useQuery } from '../../api/use-query.js';
import { useShortcut } from '../../app/use-shortcut.js';

/** "New strategy" from a template of the catalog (Alt+N). */
export function NewStrategy({ onCreated }: { onCreated: (id: string) => void }) {
  const catalog = useQuery(loadCatalog, []);
  const [templateId, setTemplateId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const templates = catalog.data?.templates ?? [];
  const chosen = templateId || templates[0]?.id || '';

  const create = async (): Promise<void> => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api().invoke('strategies/create', { templateId: chosen });
      onCreated(created.id);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
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
      <button className="primary" data-testid="strategy-new" disabled={!chosen || busy} onClick={() => void create()} title="Alt+N">
        New strategy
      </button>
      {(error ?? catalog.error) && <span className="bad">{error ?? catalog.error}</span>}
    </div>
  );
}
