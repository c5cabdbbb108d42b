import { useBuilder } from './builder-context.js';
import { pathKey, type Path } from './spec-edit.js';

/** The validator's messages for one field, shown right under it (space kept so nothing jumps). */
export function FieldIssues({ path, local, localOnly = false }: { path: Path; local?: string | null; localOnly?: boolean }) {
  const { issuesAt } = useBuilder();
  // localOnly: the field holds no number, so the validator's words are about a value no longer shown.
  const { errors, warnings } = localOnly ? { errors: [], warnings: [] } : issuesAt(path);
  const key = pathKey(path);
  return (
    <>
      {local && errors.length === 0 && <div className="field-error" data-testid={`issue-${key}`}>{local}</div>}
      {errors.map((issue) => (
        <div key={issue.message} className="field-error" data-testid={`issue-${key}`} role="alert">
          {issue.message}
        </div>
      ))}
      {warnings.map((issue) => (
        <div key={issue.message} className="field-warning" data-testid={`warning-${key}`}>
          {issue.message}
        </div>
      ))}
    </>
  );
}
