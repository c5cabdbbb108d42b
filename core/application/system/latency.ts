import type { HandlerLatency } from './contract.js';

/** Samples kept per handler: enough for a stable p99, bounded so memory stays flat. */
export const LATENCY_WINDOW = 2048;

/** Records per-handler call durations in a ring buffer and reports percentiles. */
export class LatencyRecorder {
  private readonly series = new Map<string, { samples: Float64Array; next: number; calls: number; failures: number }>();

  record(name: string, durationMs: number, failed: boolean): void {
    let entry = this.series.get(name);
    if (!entry) this.series.set(name, (entry = { samples: new Float64Array(LATENCY_WINDOW), next: 0, calls: 0, failures: 0 }));
    entry.samples[entry.next % LATENCY_WINDOW] = durationMs;
    entry.next++;
    entry.calls++;
    if (failed) entry.failures++;
  }

  /** Returns p50/p95/p99/max per handler over its window, sorted by name. */
  report(): HandlerLatency[] {
    const out: HandlerLatency[] = [];
    for (const [name, entry] of this.series) {
      const sorted = entry.samples.slice(0, Math.min(entry.next, LATENCY_WINDOW)).sort();
      out.push({
        name,
        calls: entry.calls,
        failures: entry.failures,
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        p99: percentile(sorted, 0.99),
        max: sorted.length ? sorted[sorted.length - 1]! : 0,
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** Nearest-rank percentile of ascending samples. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}
