import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { SpecIssue, StrategyDetail, StrategySpec } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { formatTs } from '../../app/format.js';
import type { Route } from '../../app/use-route.js';
import { useShortcut } from '../../app/use-shortcut.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { BuilderContext, type BuilderApi } from './builder-context.js';
import { GeneralForm } from './GeneralForm.js';
import { ManagementForm } from './ManagementForm.js';
import { SideConditions } from './SideConditions.js';
import { SignalPreview } from './SignalPreview.js';
import { SizingCostsForm } from './SizingCostsForm.js';
import { getIn, pathKey, removeAt, setIn } from './spec-edit.js';
import { useDraftAutosave } from './use-draft.js';
import { useValidation } from './use-validation.js';
import { loadStrategy, type LoadedStrategy } from './strategy-loader.js';

/** The validator writes array steps as `children[0]`; the forms key fields as `children.0`. */
const normalizePath = (path: string): string => path.replace(/\[(\d+)\]/g, '.$1');

const byPath = (issues: readonly SpecIssue[]): Map<string, SpecIssue[]> => {
  const map = new Map<string, SpecIssue[]>();
  for (const issue of issues) {
    const key = normalizePath(issue.path);
    map.set(key, [...(map.get(key) ?? []), issue]);
  }
  return map;
};

/** Builder: the strategy as forms generated from the catalog, validated as you type, autosaved as a draft. */
export function BuilderScreen({ strategyId, navigate }: { strategyId: string | undefined; navigate: (route: Route) => void }) {
  if (!strategyId) {
    return (
      <EmptyState title="No strategy open" testId="builder-empty">
        <button className="primary" onClick={() => navigate({ screen: 'strategies' })}>
          Choose or create a strategy
        </button>
      </EmptyState>
    );
  }
  return <StrategyBuilder key={strategyId} strategyId={strategyId} navigate={navigate} />;
}

function StrategyBuilder({ strategyId, navigate }: { strategyId: string; navigate: (route: Route) => void }) {
  const loaded = useQuery(() => loadStrategy(strategyId), [strategyId]);
  const [saved, setSaved] = useState<StrategyDetail | null>(null);
  const [spec, setSpec] = useState<StrategySpec | null>(null);
  const [restoredAt, setRestoredAt] = useState<number | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // The preview (a chart and a backtest call) mounts after the form has painted, so
  // opening a strategy shows its form without waiting for the chart.
  const [showPreview, setShowPreview] = useState(false);
  useEffect(() => {
    if (!spec || showPreview) return;
    const frame = requestAnimationFrame(() => setTimeout(() => setShowPreview(true), 0));
    return () => cancelAnimationFrame(frame);
  }, [spec, showPreview]);

  // Taken in the render that brings the data (React re-renders at once, before painting),
  // not in an effect: the form paints in the same frame as the answer.
  const [taken, setTaken] = useState<LoadedStrategy | null>(null);
  if (loaded.data && loaded.data !== taken) {
    setTaken(loaded.data);
    setSaved(loaded.data.detail);
    // A draft equal to the saved spec (left by "discard") is no unsaved edit.
    if (loaded.data.draft && JSON.stringify(loaded.data.draft.draft) !== JSON.stringify(loaded.data.detail.spec)) {
      setSpec(loaded.data.draft.draft as unknown as StrategySpec);
      setRestoredAt(loaded.data.draft.savedAt);
    } else setSpec(loaded.data.detail.spec);
  }

  const dirty = spec !== null && saved !== null && spec !== saved.spec;
  const draftStatus = useDraftAutosave(strategyId, spec, dirty);
  const { check, error: validateError } = useValidation(spec);

  const api_ = useMemo<BuilderApi | null>(() => {
    if (!loaded.data) return null;
    const errors = byPath(check?.errors ?? []);
    const warnings = byPath(check?.warnings ?? []);
    return {
      variables: loaded.data.catalog.variables,
      issuesAt: (path) => ({ errors: errors.get(pathKey(path)) ?? [], warnings: warnings.get(pathKey(path)) ?? [] }),
      update: (path, value) => setSpec((current) => (current ? setIn(current, path, value) : current)),
      remove: (path) => setSpec((current) => (current ? removeAt(current, path) : current)),
    };
  }, [loaded.data, check]);

  const save = useCallback(async () => {
    if (!spec) return;
    setSaving(true);
    setSaveError(null);
    try {
      const submitted = spec;
      const next = await api().invoke('strategies/update', { id: strategyId, spec: submitted as unknown as Record<string, unknown> });
      setSaved(next);
      // Edits typed while the save was in flight stay (and stay dirty, so they are drafted).
      setSpec((current) => (current === submitted ? next.spec : current));
      setRestoredAt(null);
    } catch (failure) {
      setSaveError(errorMessage(failure));
    } finally {
      setSaving(false);
    }
  }, [spec, strategyId]);

  const discard = (): void => {
    if (!saved) return;
    setSpec(saved.spec);
    setRestoredAt(null);
    // An empty draft would still be a draft: save the saved spec over it, then it is clean.
    void api().invoke('strategies/saveDraft', { id: strategyId, draft: saved.spec as unknown as Record<string, unknown> });
  };

  useShortcut('Mod+s', () => void save());
  useShortcut('Mod+Enter', () => navigate({ screen: 'run', id: strategyId }));

  if (loaded.error) return <ErrorBox message={loaded.error} />;
  if (!spec || !api_ || !saved) return <div className="muted">Loading…</div>;

  const errorCount = check?.errors.length ?? 0;
  const unplaced = (check?.errors ?? []).filter((issue) => issue.path === '' || getIn(spec, normalizePath(issue.path).split('.')) === undefined);
  return (
    <BuilderContext.Provider value={api_}>
      <div className="row panel" style={{ minHeight: 44 }}>
        <strong data-testid="builder-title">{saved.name}</strong>
        <span className={errorCount ? 'bad' : 'good'} data-testid="validation-status">
          {check ? (errorCount ? `${errorCount} problem${errorCount > 1 ? 's' : ''}` : 'Valid') : 'Checking…'}
        </span>
        {dirty && (
          <span className="muted" data-testid="draft-status">
            {draftStatus.error ? `Draft not saved: ${draftStatus.error}` : draftStatus.savedAt ? `Draft saved ${formatTs(draftStatus.savedAt)}` : 'Unsaved changes'}
          </span>
        )}
        {restoredAt && (
          <span className="muted" data-testid="draft-restored">
            Restored unsaved edits from {formatTs(restoredAt)}
          </span>
        )}
        <span className="grow" />
        {dirty && (
          <button data-testid="builder-discard" onClick={discard}>
            Discard changes
          </button>
        )}
        <button className="primary" data-testid="builder-save" disabled={!dirty || saving || errorCount > 0} title="Ctrl+S" onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button data-testid="builder-run" disabled={dirty} title={dirty ? 'Save first' : 'Ctrl+Enter'} onClick={() => navigate({ screen: 'run', id: strategyId })}>
          Run…
        </button>
      </div>
      <ErrorBox message={saveError ?? validateError} testId="builder-error" />
      {unplaced.length > 0 && (
        <div className="error-box" data-testid="builder-issues">
          {unplaced.map((issue) => (
            <div key={`${issue.path}:${issue.message}`}>
              {issue.path}: {issue.message}
            </div>
          ))}
        </div>
      )}
      <div className="split grow" style={{ gridTemplateColumns: 'minmax(420px, 1fr) minmax(420px, 1fr)', minHeight: 0 }}>
        <div className="col" style={{ overflow: 'auto', minHeight: 0 }} data-testid="builder-form">
          <GeneralForm spec={spec} />
          <SideConditions spec={spec} which="entry" />
          <SideConditions spec={spec} which="exit" />
          <ManagementForm management={spec.management} />
          <SizingCostsForm spec={spec} />
        </div>
        <div style={{ overflow: 'auto', minHeight: 0 }}>
          {showPreview && <SignalPreview spec={spec} valid={check !== null && errorCount === 0} />}
        </div>
      </div>
    </BuilderContext.Provider>
  );
}
