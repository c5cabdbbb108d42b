import { useCallback, useEffect, useMemo, useState } from 'react';
import { parsePath } from '../../../../core/domain/optimize/spec-path.js';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { SpecIssue, SpecParameter, StrategyDetail, StrategySpec } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { formatTs } from '../../app/format.js';
import type { Route } from '../../app/use-route.js';
import { useShortcut } from '../../app/use-shortcut.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { issueText } from './issue-section.js';
import { strategyMissing, type StrategyMissing } from '../../api/strategy-missing.js';
import { MissingStrategy } from '../../components/MissingStrategy.js';
import { BuilderContext, type BuilderApi } from './builder-context.js';
import { GeneralForm } from './GeneralForm.js';
import { ManagementForm } from './ManagementForm.js';
import { SideConditions } from './SideConditions.js';
import { SignalPreview } from './SignalPreview.js';
import { PortfolioForm } from './PortfolioForm.js';
import { SizingCostsForm } from './SizingCostsForm.js';
import { formatSpecPath, linkField, unlinkField } from '../../../../core/domain/strategy/parameters.js';
import { getIn, pathKey, removeFromSpec, sameValue, setIn, updateSpec, type Path } from './spec-edit.js';
import { ParametersForm } from './ParametersForm.js';
import { useDraftAutosave } from './use-draft.js';
import { WarningsBox } from './WarningsBox.js';
import { useValidation } from './use-validation.js';
import { loadStrategy, type LoadedStrategy } from './strategy-loader.js';

const NO_PARAMETERS: readonly SpecParameter[] = [];

/** The keys and indices of an issue's path (the validator writes `children[0]`); none for the spec as a whole. */
const issuePath = (path: string): Path => {
  if (path === '') return [];
  try {
    return parsePath(path);
  } catch {
    return [path];
  }
};

const byPath = (issues: readonly SpecIssue[]): Map<string, SpecIssue[]> => {
  const map = new Map<string, SpecIssue[]>();
  for (const issue of issues) {
    const key = pathKey(issuePath(issue.path));
    map.set(key, [...(map.get(key) ?? []), issue]);
  }
  return map;
};

/** Builder: the strategy as forms generated from the domain's catalog and field table, validated as you type, autosaved as a draft. */
export function BuilderScreen({ strategyId, navigate }: { strategyId: string | undefined; navigate: (route: Route) => void }) {
  if (!strategyId) {
    return (
      <EmptyState title="No strategy open" testId="builder-empty">
        <div style={{ marginBottom: 8 }}>Open a strategy to edit its rules, or first make one from a template or a blank one.</div>
        <button className="primary" onClick={() => navigate({ screen: 'strategies' })}>
          Choose or create a strategy
        </button>
      </EmptyState>
    );
  }
  return <StrategyBuilderOrMissing strategyId={strategyId} navigate={navigate} />;
}

/** The builder, mounted afresh when a deleted strategy is restored from its empty state. */
function StrategyBuilderOrMissing({ strategyId, navigate }: { strategyId: string; navigate: (route: Route) => void }) {
  const [generation, setGeneration] = useState(0);
  return <StrategyBuilder key={`${strategyId}:${generation}`} strategyId={strategyId} navigate={navigate} onRestored={() => setGeneration((n) => n + 1)} />;
}

function StrategyBuilder({ strategyId, navigate, onRestored }: { strategyId: string; navigate: (route: Route) => void; onRestored: () => void }) {
  const loaded = useQuery(() => loadStrategy(strategyId), [strategyId]);
  const [saved, setSaved] = useState<StrategyDetail | null>(null);
  const [spec, setSpec] = useState<StrategySpec | null>(null);
  const [restoredAt, setRestoredAt] = useState<number | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // Set when a save finds the strategy deleted meanwhile.
  const [goneOnSave, setGoneOnSave] = useState<StrategyMissing | null>(null);
  // Number fields whose text is no number (blank): the spec cannot hold them, the header counts them.
  const [unparsed, setUnparsed] = useState<ReadonlySet<string>>(() => new Set());
  // Bumped by "Discard changes": the fields mount again from the saved spec, typed text included.
  const [formGeneration, setFormGeneration] = useState(0);
  // Ctrl+Enter while Run is not allowed: the reason, shown until it no longer holds.
  const [runRefused, setRunRefused] = useState(false);
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
    // A draft equal to the saved spec (left by "discard" or an edit typed back) is no unsaved edit.
    if (loaded.data.draft && !sameValue(loaded.data.draft.draft, loaded.data.detail.spec)) {
      setSpec(loaded.data.draft.draft);
      setRestoredAt(loaded.data.draft.savedAt);
    } else setSpec(loaded.data.detail.spec);
  }

  // Unsaved means "differs from the saved spec" by value: an edit typed back is no edit.
  const dirty = useMemo(() => spec !== null && saved !== null && !sameValue(spec, saved.spec), [spec, saved]);
  const draftStatus = useDraftAutosave(strategyId, spec, dirty, restoredAt !== null);
  const { check, checked, current: checkCurrent, error: validateError } = useValidation(spec);

  const reportUnparsed = useCallback((key: string, isUnparsed: boolean) => {
    setUnparsed((now) => {
      if (now.has(key) === isUnparsed) return now;
      const next = new Set(now);
      if (isUnparsed) next.add(key);
      else next.delete(key);
      return next;
    });
  }, []);

  const api_ = useMemo<BuilderApi | null>(() => {
    if (!loaded.data) return null;
    const errors = byPath(check?.errors ?? []);
    // Notices (a buy-and-hold's position staying open) show like warnings; neither blocks Save.
    const warnings = byPath([...(check?.warnings ?? []), ...(check?.notices ?? [])]);
    return {
      issuesAt: (path) => ({ errors: errors.get(pathKey(path)) ?? [], warnings: warnings.get(pathKey(path)) ?? [] }),
      update: (path, value) => setSpec((current) => (current ? updateSpec(current, path, value) : current)),
      remove: (path) => setSpec((current) => (current ? removeFromSpec(current, path) : current)),
      parameters: spec?.parameters ?? NO_PARAMETERS,
      // A field the spec leaves to its catalog default (an SMA's period not written) holds the shown value first.
      link: (path, name, value) =>
        setSpec((current) => {
          if (!current) return current;
          try {
            return linkField(getIn(current, path) === undefined ? setIn(current, path, value) : current, name, formatSpecPath(path));
          } catch {
            return current; // ParameterLink checks the name first; a field gone meanwhile is left alone
          }
        }),
      unlink: (path) => setSpec((current) => (current ? unlinkField(current, formatSpecPath(path)) : current)),
      reportUnparsed,
    };
  }, [loaded.data, check, reportUnparsed, spec?.parameters]);

  const problemCount = (check?.errors.length ?? 0) + unparsed.size;
  // Save only what the validator has seen and passed, with every field holding a number.
  const canSave = dirty && !saving && checkCurrent && problemCount === 0;
  // The button and Ctrl+S ask for a save; one asked for before the check of the last
  // keystroke is back (40 ms + a round trip) waits for it instead of being dropped.
  const [saveWanted, setSaveWanted] = useState(false);
  const mayAskSave = dirty && !saving && problemCount === 0;

  const save = useCallback(async () => {
    if (!spec || !canSave) return;
    setSaving(true);
    setSaveError(null);
    try {
      const submitted = spec;
      const next = await api().invoke('strategies/update', { id: strategyId, spec: submitted });
      draftStatus.cleared();
      setSaved(next);
      // Edits typed while the save was in flight stay (and stay dirty, so they are drafted).
      setSpec((current) => (current === submitted ? next.spec : current));
      setRestoredAt(null);
    } catch (failure) {
      setSaveError(errorMessage(failure));
      setGoneOnSave(strategyMissing(failure));
    } finally {
      setSaving(false);
    }
  }, [spec, strategyId, canSave, draftStatus.cleared]);
  const askSave = (): void => {
    if (!mayAskSave) return;
    if (checkCurrent) void save();
    else setSaveWanted(true);
  };
  useEffect(() => {
    if (!saveWanted || !checkCurrent) return;
    setSaveWanted(false);
    void save(); // saves only if the check passed; else its problems show next to the fields
  }, [saveWanted, checkCurrent, save]);

  const discard = (): void => {
    if (!saved) return;
    // The autosave writes the saved spec over the stored draft, so a reload shows it clean.
    setSpec(saved.spec);
    setRestoredAt(null);
    setFormGeneration((n) => n + 1);
  };

  // Run runs what the form shows, unsaved edits included (their draft, stored first): only a
  // form that cannot run refuses, for the button and Ctrl+Enter alike, saying why.
  const unaccepted = check && check.errors.length === 0 ? check.warnings.length : 0;
  const runBlocked =
    unparsed.size > 0
      ? 'Enter a number in every field first.'
      : unaccepted > 0
        ? `Fix or accept the ${unaccepted === 1 ? 'warning' : `${unaccepted} warnings`} below first: Run refuses a strategy with open warnings.`
        : null;
  // Accepting a warning is an edit of the spec (saved with it): its path in acceptedWarnings.
  const acceptWarning = (path: string, accept: boolean): void =>
    setSpec((current) => {
      if (!current) return current;
      const paths = (current.acceptedWarnings ?? []).filter((p) => p !== path);
      if (accept) paths.push(path);
      const { acceptedWarnings: _old, ...rest } = current;
      return paths.length > 0 ? { ...rest, acceptedWarnings: paths } : rest;
    });
  // The refusal is said for the press that met it: once nothing blocks Run, it is forgotten
  // (it came back on the next edit after an edit had been typed back).
  useEffect(() => {
    if (!runBlocked) setRunRefused(false);
  }, [runBlocked]);
  const run = (): void => {
    if (runBlocked) {
      setRunRefused(true);
      return;
    }
    // The Run screen reads the draft: the edit typed last goes in before it opens.
    void draftStatus.flush().then(() => navigate({ screen: 'run', id: strategyId }));
  };

  useShortcut('Mod+s', askSave);
  useShortcut('Mod+Enter', run);

  const missing = strategyMissing(loaded.failure) ?? draftStatus.missing ?? goneOnSave;
  if (missing) return <MissingStrategy id={strategyId} missing={missing} navigate={navigate} onRestored={onRestored} />;
  if (loaded.error) return <ErrorBox message={loaded.error} />;
  if (!spec || !api_ || !saved) return <div className="muted">Loading…</div>;

  const unplaced = (check?.errors ?? []).filter((issue) => issue.path === '' || getIn(spec, issuePath(issue.path)) === undefined);
  return (
    <BuilderContext.Provider value={api_}>
      <div className="row panel" style={{ minHeight: 44 }}>
        <strong data-testid="builder-title" className="ellipsis" title={saved.name} style={{ maxWidth: 'min(480px, 40%)' }}>
          {saved.name}
        </strong>
        <span className={problemCount ? 'bad' : 'good'} data-testid="validation-status">
          {problemCount ? `${problemCount} problem${problemCount > 1 ? 's' : ''}` : check ? 'Valid' : 'Checking…'}
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
        {runRefused && runBlocked && (
          <span className="bad" role="status" data-testid="builder-run-blocked">
            {runBlocked}
          </span>
        )}
        <span className="grow" />
        {dirty && (
          <button data-testid="builder-discard" onClick={discard}>
            Discard changes
          </button>
        )}
        <button className="primary" data-testid="builder-save" disabled={!mayAskSave} title="Ctrl+S" onClick={askSave}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button data-testid="builder-run" disabled={runBlocked !== null} title={runBlocked ?? (dirty ? 'Runs the strategy as shown, unsaved edits included (Ctrl+Enter)' : 'Ctrl+Enter')} onClick={run}>
          {dirty ? 'Run edits…' : 'Run…'}
        </button>
      </div>
      <ErrorBox message={saveError ?? validateError} testId="builder-error" />
      {check && <WarningsBox warnings={check.warnings} accepted={check.accepted} onAccept={acceptWarning} />}
      {unplaced.length > 0 && (
        <div className="error-box" data-testid="builder-issues">
          {unplaced.map((issue) => (
            // In the form's words: the validator's path ('entry.long: …') meant nothing to a trader.
            <div key={`${issue.path}:${issue.message}`}>{issueText(issue)}</div>
          ))}
        </div>
      )}
      <div className="split grow" style={{ gridTemplateColumns: 'minmax(420px, 1fr) minmax(420px, 1fr)', minHeight: 0 }}>
        <div key={formGeneration} className="col" style={{ overflow: 'auto', minHeight: 0 }} data-testid="builder-form">
          <GeneralForm spec={spec} />
          <ParametersForm spec={spec} />
          <SideConditions spec={spec} which="entry" />
          <SideConditions spec={spec} which="exit" />
          <ManagementForm management={spec.management} />
          <SizingCostsForm spec={spec} />
          <PortfolioForm spec={spec} />
        </div>
        <div style={{ overflow: 'auto', minHeight: 0 }}>
          {/* The spec the check is about: an edit not checked yet (an SMA period typed as 0) is not drawn as valid. */}
          {showPreview && <SignalPreview spec={checked ?? spec} valid={check !== null && problemCount === 0} />}
        </div>
      </div>
    </BuilderContext.Provider>
  );
}
