import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allocateBars, type BarColumns } from '../../domain/market/bars.js';

/** Creates a fresh temp directory; returns it and a cleanup function. */
export function tempDir(prefix = 'bws-sqlite-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Builds `n` sound bars every `stepMs` from `startTs`; prices derived from `seed` and the index. */
export function regularBars(n: number, startTs: number, stepMs = 60_000, seed = 1): BarColumns {
  const bars = allocateBars(n);
  for (let i = 0; i < n; i++) {
    const base = 100 + seed + ((i * 7919) % 1000) / 100;
    bars.ts[i] = startTs + i * stepMs;
    bars.open[i] = base;
    bars.high[i] = base + 1;
    bars.low[i] = base - 1;
    bars.close[i] = base + 0.5;
    bars.volume[i] = i + seed;
  }
  return bars;
}
