import type { SpecIssue } from '../../api/contract.js';

/**
 * The validator's warnings the strategy has not accepted: each blocks Run until it is fixed
 * or accepted ("I mean it": its path goes into `spec.acceptedWarnings`, saved with the
 * spec). Listed in one place, so a warning at a path no field shows can be accepted too;
 * accepted ones stay listed, muted, and can be taken back.
 */
export function WarningsBox({ warnings, accepted, onAccept }: { warnings: readonly SpecIssue[]; accepted: readonly SpecIssue[]; onAccept: (path: string, accept: boolean) => void }) {
  if (warnings.length === 0 && accepted.length === 0) return null;
  return (
    <div className="warning-box col" data-testid="builder-warnings">
      {warnings.map((issue) => (
        <div key={`${issue.path}:${issue.code}`} className="row" data-testid="builder-warning">
          <span className="grow">{issue.message}</span>
          <button data-testid="accept-warning" title="Run it as it is: the warning is kept with the strategy as accepted" onClick={() => onAccept(issue.path, true)}>
            Accept: I mean it
          </button>
        </div>
      ))}
      {accepted.map((issue) => (
        <div key={`${issue.path}:${issue.code}`} className="row muted" data-testid="accepted-warning">
          <span className="grow">Accepted: {issue.message}</span>
          <button data-testid="unaccept-warning" onClick={() => onAccept(issue.path, false)}>
            Take back
          </button>
        </div>
      ))}
    </div>
  );
}
