import type { CacheStats } from '../system/performance-probe.js';

export type { CacheStats } from '../system/performance-probe.js';

/**
 * A least-recently-used cache bounded by bytes rather than entries: bar sets range from a
 * few KB (daily bars) to ~25 MB (a year of minute bars), so an entry count says nothing
 * about memory. A Map keeps insertion order; a hit re-inserts the key to mark it recent,
 * and eviction walks from the oldest. A value larger than the whole budget is not kept.
 */
export class ByteLruCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(readonly maxBytes: number) {}

  /** `counted` false: a lookup the caller counts itself with `count` (it may find the value elsewhere). */
  get(key: string, counted = true): V | undefined {
    const entry = this.entries.get(key);
    if (counted) this.count(entry !== undefined);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
      this.evictions++;
    }
  }

  /** Returns the cached value, or computes, stores and returns it (counting a miss). */
  getOrCompute(key: string, compute: () => { value: V; bytes: number }): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const { value, bytes } = compute();
    this.set(key, value, bytes);
    return value;
  }

  count(hit: boolean): void {
    if (hit) this.hits++;
    else this.misses++;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  stats(): CacheStats {
    return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes, hits: this.hits, misses: this.misses, evictions: this.evictions };
  }
}
