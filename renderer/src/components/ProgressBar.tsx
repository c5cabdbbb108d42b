import type { JobProgress } from '../api/contract.js';
import { formatCount } from '../app/format.js';

/** A determinate bar when the total is known, else a full bar labelled by the count so far; `label` words it instead. */
export function ProgressBar({ progress, label, testId = 'progress' }: { progress: JobProgress | undefined; label?: string | undefined; testId?: string }) {
  const done = progress?.done ?? 0;
  const total = progress?.total ?? 0;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div className="col" style={{ gap: 2 }}>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} data-testid={testId}>
        <div style={{ width: `${total > 0 ? fraction * 100 : 100}%`, opacity: total > 0 ? 1 : 0.3 }} />
      </div>
      <span className="muted" style={{ fontSize: 12 }}>
        {label ?? progress?.message ?? (total > 0 ? `${formatCount(done)} / ${formatCount(total)}` : `${formatCount(done)}`)}
      </span>
    </div>
  );
}
