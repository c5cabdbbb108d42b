import type { RowErrorView } from '../../api/api-error.js';
import { formatCount } from '../../app/format.js';

const MAX_SHOWN = 500;

/** The rows a rejected import complained about, by line number, readable at a glance. */
export function ImportErrors({ rows }: { rows: readonly RowErrorView[] }) {
  if (rows.length === 0) return null;
  return (
    <div style={{ maxHeight: 240, overflow: 'auto' }}>
      <table className="grid" data-testid="import-row-errors">
        <thead>
          <tr>
            <th className="num">Line</th>
            <th>Problem</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, MAX_SHOWN).map((row) => (
            <tr key={`${row.file}:${row.line}:${row.message}`} data-testid="import-row-error">
              <td className="num">{row.line}</td>
              <td>{row.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > MAX_SHOWN && <div className="muted">and {formatCount(rows.length - MAX_SHOWN)} more</div>}
    </div>
  );
}
