import type { JobThroughput, ThroughputReport } from './contract.js';

/** Recent jobs kept per kind: enough for a stable median, small enough to report whole. */
export const THROUGHPUT_WINDOW = 20;

/**
 * A small ring of recent job figures (bars/s of backtests, variants/s of sweeps). One
 * entry is added when a job finishes, never from inside the engine, so keeping it costs
 * nothing on the hot path.
 */
export class ThroughputLog {
  private readonly backtests: JobThroughput[] = [];
  private readonly sweeps: JobThroughput[] = [];

  recordBacktest(ts: number, bars: number, durationMs: number): void {
    push(this.backtests, figure(ts, bars, durationMs));
  }

  recordSweep(ts: number, variants: number, durationMs: number): void {
    push(this.sweeps, figure(ts, variants, durationMs));
  }

  /** Newest first, with the median rate of each kind. */
  report(): ThroughputReport {
    return {
      backtests: [...this.backtests].reverse(),
      sweeps: [...this.sweeps].reverse(),
      barsPerSecond: median(this.backtests),
      variantsPerSecond: median(this.sweeps),
    };
  }
}

function figure(ts: number, units: number, durationMs: number): JobThroughput {
  const ms = Math.max(0, durationMs);
  return { ts, units, durationMs: ms, perSecond: ms > 0 ? (units * 1000) / ms : 0 };
}

function push(ring: JobThroughput[], entry: JobThroughput): void {
  ring.push(entry);
  if (ring.length > THROUGHPUT_WINDOW) ring.shift();
}

function median(ring: readonly JobThroughput[]): number | null {
  if (ring.length === 0) return null;
  const rates = ring.map((f) => f.perSecond).sort((a, b) => a - b);
  const mid = rates.length >> 1;
  return rates.length % 2 === 1 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2;
}
