// The demo data set at a first start (issue 18 item 6): the seeding the app does before it
// serves its first screen, on a fresh SQLite file with the app's settings (WAL, its writer
// never checkpointing: a worker does). Three ways, alternated round by round so the
// machine's load falls on them alike, medians of the rounds:
//   coins only          the three 1-minute DEMO- coins, generated on one thread (the first
//                       start before the demo basket existed)
//   one thread          coins and the basket generated on one thread (as the basket came)
//   two threads         coins and basket generated over two threads, written in one
//                       transaction (the first start now: generateDemoSeriesOnThreads)
//   npm run build && node dist/bench/demo-seed.js [--rounds N]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateDemoSeries, generateDemoSeriesHere, seedDemoDataFrom, type DemoBarSource } from '../core/application/data/seed-demo.js';
import { generateDemoSeriesOnThreads } from '../core/infrastructure/demo/demo-threads.js';
import { openStorage } from '../core/infrastructure/sqlite/storage.js';
import { isMain, runStandalone, type BenchRow } from './lib/bench-row.js';

const coinsOnly: DemoBarSource = async () => ({ ...generateDemoSeries(), basket: [] });

const WAYS: readonly { name: string; source: DemoBarSource }[] = [
  { name: 'coins only, one thread (before the basket)', source: coinsOnly },
  { name: 'coins and basket, one thread', source: generateDemoSeriesHere },
  { name: 'coins and basket, two threads (the first start now)', source: generateDemoSeriesOnThreads() },
];

/** One first-start seeding on a fresh file: generation and the one write transaction, wall and CPU (every thread of the process) ms. */
async function seedOnce(source: DemoBarSource): Promise<{ wall: number; cpu: number; main: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bws-demo-seed-'));
  const storage = openStorage({ file: path.join(dir, 'workstation.sqlite'), readers: 0 });
  try {
    // As the served app: its writer never checkpoints (the checkpoint worker does).
    storage.writer.pragma('wal_autocheckpoint = 0');
    const started = performance.now();
    const cpu = process.cpuUsage();
    const main = process.threadCpuUsage();
    await seedDemoDataFrom(storage.barStore, source);
    const used = process.cpuUsage(cpu);
    const usedHere = process.threadCpuUsage(main);
    return { wall: performance.now() - started, cpu: (used.user + used.system) / 1000, main: (usedHere.user + usedHere.system) / 1000 };
  } finally {
    storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export async function run(): Promise<BenchRow[]> {
  const at = process.argv.indexOf('--rounds');
  const rounds = at > 0 ? Number(process.argv[at + 1]) : 5;
  // One untimed seeding each: the JIT and the worker's bundle warm, as they would not be at a real
  // first start, but the same for all three ways.
  for (const way of WAYS) await seedOnce(way.source);
  const times = WAYS.map(() => ({ wall: [] as number[], cpu: [] as number[], main: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    for (const [k, way] of WAYS.entries()) {
      const { wall, cpu, main } = await seedOnce(way.source);
      times[k]!.wall.push(wall);
      times[k]!.cpu.push(cpu);
      times[k]!.main.push(main);
    }
  }
  const [before, oneThread, twoThreads] = times.map((t) => median(t.wall)) as [number, number, number];
  const cpu = times.map((t) => Math.round(median(t.cpu)));
  // The main thread's own CPU: what a first start waits for on an idle machine of two cores
  // or more (the worker's part runs beside it), and a figure the neighbours' load does not inflate.
  const [mainBefore, mainOne, mainTwo] = times.map((t) => median(t.main)) as [number, number, number];
  const vsMain = (value: number) => `${value >= mainBefore ? '+' : ''}${Math.round(((value - mainBefore) / mainBefore) * 100)} %`;
  const ms = (value: number) => `${Math.round(value)} ms`;
  const vs = (value: number) => `${value >= before ? '+' : ''}${Math.round(((value - before) / before) * 100)} %`;
  return [
    { figure: `demo seeding at a first start, ${WAYS[0]!.name}, wall (median of ${rounds}; CPU ${cpu[0]} ms)`, value: ms(before), target: 'info', pass: true },
    { figure: `  ${WAYS[1]!.name} (CPU ${cpu[1]} ms)`, value: `${ms(oneThread)} (${vs(oneThread)})`, target: 'info', pass: true },
    { figure: `  ${WAYS[2]!.name} (CPU ${cpu[2]} ms, both threads)`, value: `${ms(twoThreads)} (${vs(twoThreads)})`, target: 'info', pass: true },
    { figure: `main thread's CPU of the seeding, ${WAYS[0]!.name}`, value: ms(mainBefore), target: 'info', pass: true },
    { figure: `  ${WAYS[1]!.name}`, value: `${ms(mainOne)} (${vsMain(mainOne)})`, target: 'info', pass: true },
    { figure: `  ${WAYS[2]!.name}`, value: `${ms(mainTwo)} (${vsMain(mainTwo)})`, target: '<= coins only + 5 %', pass: mainTwo <= mainBefore * 1.05 },
  ];
}

if (isMain(import.meta.url)) await runStandalone(run);
