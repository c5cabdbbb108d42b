// The run path at 1, 5 and 10 years of 1-minute bars, whole CLI processes side by side
// (issue 21): `bws backtest` and a 100-variant `bws optimize`, wall time and peak RSS of the
// process (VmHWM: every thread's memory, the workers' included). Each length is its own
// store seeded with the same random walk; the stores are seeded before any timing.
// Run: node dist/bench/history.js [--years 1,5,10] [--keep DIR]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedStore } from '../core/infrastructure/test-kit/bar-fixture.js';
import { isMain, runStandalone, type BenchRow } from './lib/bench-row.js';

const YEAR_OF_MINUTES = 525_600;
const bws = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/bws.js');

interface ProcessFigures {
  readonly wallMs: number;
  readonly peakRssMb: number;
}

/** Runs `node bin/bws.js args`; its wall time and its peak RSS, read from /proc every 5 ms. */
function measure(args: readonly string[]): Promise<ProcessFigures> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bws, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let peakKb = 0;
    // VmHWM only grows; the last read before exit misses at most 5 ms of the run.
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // exited between two polls
      }
    }, 5);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`bws ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').pop()}`));
      else resolve({ wallMs: performance.now() - t0, peakRssMb: peakKb / 1024 });
    });
  });
}

function seeded(root: string, years: number): string {
  const dir = path.join(root, `${years}y`);
  if (fs.existsSync(dir)) return dir; // kept by an earlier --keep run
  fs.mkdirSync(dir);
  const t0 = performance.now();
  const { storage } = seedStore(dir, years * YEAR_OF_MINUTES, 'HIST', Date.UTC(2015, 0, 1));
  storage.close();
  process.stderr.write(`history: ${years} year(s) of minutes seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return dir;
}

/** Best wall time and largest peak of `rounds` runs. */
async function best(rounds: number, args: readonly string[]): Promise<ProcessFigures> {
  let wallMs = Infinity;
  let peakRssMb = 0;
  for (let r = 0; r < rounds; r++) {
    const f = await measure(args);
    wallMs = Math.min(wallMs, f.wallMs);
    peakRssMb = Math.max(peakRssMb, f.peakRssMb);
  }
  return { wallMs, peakRssMb };
}

export async function run(): Promise<BenchRow[]> {
  const arg = process.argv.indexOf('--years');
  const years = arg > 0 ? process.argv[arg + 1]!.split(',').map(Number) : [1, 5, 10];
  // --keep DIR: seed the stores there once and keep them (for profiling one length again).
  const keep = process.argv.indexOf('--keep');
  const root = keep > 0 ? path.resolve(process.argv[keep + 1]!) : fs.mkdtempSync(path.join(os.tmpdir(), 'bws-history-'));
  fs.mkdirSync(root, { recursive: true });
  const rows: BenchRow[] = [];
  try {
    const dirs = new Map(years.map((y) => [y, seeded(root, y)]));
    for (const [y, dir] of dirs) {
      const backtest = await best(2, ['backtest', '--template', 'sma-cross', '--param', 'fast=10', '--param', 'slow=30', '--symbol', 'HIST', '--json', '--data-dir', dir]);
      const target = y === 10 ? 300 : null;
      rows.push({
        figure: `bws backtest, ${y} year(s) of 1m (${(y * YEAR_OF_MINUTES / 1e6).toFixed(2)}M bars): wall / peak RSS`,
        value: `${backtest.wallMs.toFixed(0)} ms / ${backtest.peakRssMb.toFixed(0)} MB`,
        target: target === null ? '(side by side)' : `peak < ${target} MB`,
        pass: target === null || backtest.peakRssMb < target,
      });
    }
    for (const [y, dir] of dirs) {
      if (y > 5) continue; // the sweep figures are at 1 and 5 years
      // 10 x 10 = 100 variants, the grid sweep.
      const sweep = await best(1, ['optimize', '--template', 'sma-cross', '--symbol', 'HIST', '--timeframe', '1m', '--param', 'fast=2:20:2', '--param', 'slow=30:120:10', '--objective', 'sharpe', '--json', '--data-dir', dir]);
      const target = y === 5 ? 1024 : null;
      rows.push({
        figure: `bws optimize, 100 variants, ${y} year(s) of 1m: wall / peak RSS`,
        value: `${sweep.wallMs.toFixed(0)} ms / ${sweep.peakRssMb.toFixed(0)} MB`,
        target: target === null ? '(side by side)' : `peak < ${target / 1024} GB`,
        pass: target === null || sweep.peakRssMb < target,
      });
    }
  } finally {
    if (keep < 0) fs.rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

if (isMain(import.meta.url)) void runStandalone(run);
