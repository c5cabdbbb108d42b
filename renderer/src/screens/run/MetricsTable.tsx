import type { RunMetrics } from '../../api/contract.js';
import { METRIC_HELP, metricCell, metricRows } from './metric-format.js';

/** Metrics of one or more runs side by side. */
export function MetricsTable({ metrics, headers }: { metrics: readonly RunMetrics[]; headers?: readonly string[] }) {
  const rows = metricRows(metrics);
  return (
    <table className="grid" data-testid="metrics-table">
      {headers && (
        <thead>
          <tr>
            <th>Metric</th>
            {headers.map((h, i) => (
              <th key={i} className="num wrap">
                {h}
              </th>
            ))}
          </tr>
        </thead>
      )}
      <tbody>
        {rows.map(([key, label]) => (
          <tr key={key} data-testid={`metric-${key}`}>
            {/* The label wraps ('Average drawdown duration'), so a long value ('2026-01-01 10:15') is never cut off at the panel's edge. */}
            <td className="wrap" title={METRIC_HELP[key]}>
              {label}
            </td>
            {metrics.map((m, i) => {
              const cell = metricCell(key, m);
              return (
                <td key={i} className="num" title={cell.title}>
                  {cell.text}
                  {cell.note && (
                    <span className="metric-note muted" data-testid="metric-note">
                      {cell.note}
                    </span>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
