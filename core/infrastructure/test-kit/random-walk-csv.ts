import { closeSync, openSync, writeSync } from 'node:fs';

export interface RandomWalkCsvOptions {
  readonly rows: number;
  readonly startTs?: number;
  readonly stepMs?: number;
  readonly seed?: number;
  /** Timestamp column as ISO 8601 text (default) or epoch ms. */
  readonly timestamps?: 'iso' | 'epoch-ms';
}

/** Mulberry32: a tiny seeded generator, so generated files are the same every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes a minute-bar CSV (header timestamp,open,high,low,close,volume) of a seeded random walk; returns its first ts. */
export function writeRandomWalkCsv(path: string, options: RandomWalkCsvOptions): number {
  const random = seededRandom(options.seed ?? 42);
  const startTs = options.startTs ?? Date.UTC(2023, 0, 1);
  const stepMs = options.stepMs ?? 60_000;
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'timestamp,open,high,low,close,volume\n');
    let price = 100;
    let text = '';
    for (let i = 0; i < options.rows; i++) {
      const open = price;
      price = Math.max(1, price * (1 + (random() - 0.5) * 0.002));
      const close = Math.round(price * 100_000) / 100_000;
      const high = Math.round(Math.max(open, close) * (1 + random() * 0.0005) * 100_000) / 100_000;
      const low = Math.round(Math.min(open, close) * (1 - random() * 0.0005) * 100_000) / 100_000;
      const volume = Math.round(random() * 1_000_000) / 1000;
      const ts = startTs + i * stepMs;
      const stamp = options.timestamps === 'epoch-ms' ? String(ts) : new Date(ts).toISOString();
      text += `${stamp},${open},${Math.max(high, open, close)},${Math.min(low, open, close)},${close},${volume}\n`;
      price = close;
      if (text.length > 1 << 20) {
        writeSync(fd, text);
        text = '';
      }
    }
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return startTs;
}
