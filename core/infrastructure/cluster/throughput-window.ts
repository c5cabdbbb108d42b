/** Variants per second over the last `windowMs`, from counts added as batches finish. */
export class ThroughputWindow {
  private readonly samples: { at: number; count: number }[] = [];

  constructor(private readonly windowMs = 10_000) {}

  add(at: number, count: number): void {
    this.samples.push({ at, count });
    this.trim(at);
  }

  /** Counts in the window over the window's length (or the time since the first sample, when shorter). */
  rate(now: number): number {
    this.trim(now);
    if (this.samples.length === 0) return 0;
    const total = this.samples.reduce((sum, s) => sum + s.count, 0);
    const span = Math.max(1_000, Math.min(this.windowMs, now - this.samples[0]!.at));
    return (total * 1000) / span;
  }

  private trim(now: number): void {
    while (this.samples.length > 0 && this.samples[0]!.at < now - this.windowMs) this.samples.shift();
  }
}
