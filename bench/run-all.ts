// `npm run bench`: every benchmark of the project, each in its own process (so one's
// heap and RSS do not colour the next), then one table: figure, value, target,
// pass/short, with the machine. `--write-docs` also rewrites its block of docs/BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineDescription, type BenchRow } from './lib/bench-row.js';
import { writeSection } from './lib/docs-section.js';

const SUITES = [
  { name: 'store', title: 'SQLite store (issue 2)' },
  { name: 'import', title: 'CSV import (issue 2)' },
  { name: 'strategy', title: 'Strategy model and indicators (issue 3)' },
  { name: 'engine', title: 'Engine (issue 3)' },
  { name: 'backtest-e2e', title: 'Backtest end to end through a worker (issue 3)' },
  { name: 'portfolio', title: 'Portfolio backtests through a worker (issue 18)' },
  { name: 'demo-seed', title: 'The demo set at a first start, with and without the basket (issue 18)' },
  { name: 'optimize', title: 'Parameter sweeps over the worker pool (issue 5)' },
  { name: 'cli-speed', title: 'CLI, whole processes side by side (issue 15)' },
  { name: 'reliability', title: 'Write lock, writes during an import, main-thread stalls (issue 16)' },
  { name: 'market-data', title: 'Market data: downloads and exchange archives (issue 20)' },
  { name: 'cluster', title: 'Sweeps on a cluster of agents (issue 19)' },
] as const;

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const writeDocs = process.argv.includes('--write-docs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bws-bench-'));

const sections: { title: string; rows: BenchRow[]; error?: string }[] = [];
for (const suite of SUITES.filter((s) => only.length === 0 || only.includes(s.name))) {
  const rowsFile = path.join(tmp, `${suite.name}.json`);
  process.stderr.write(`bench: ${suite.name}...\n`);
  try {
    execFileSync(process.execPath, ['--expose-gc', path.join(here, `${suite.name}.js`)], {
      env: { ...process.env, BWS_BENCH_ROWS_FILE: rowsFile },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    sections.push({ title: suite.title, rows: JSON.parse(readFileSync(rowsFile, 'utf8')) as BenchRow[] });
  } catch (error) {
    sections.push({ title: suite.title, rows: [], error: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
  }
}
rmSync(tmp, { recursive: true, force: true });

const machine = machineDescription();
const lines = [`machine: ${machine}`, `date: ${new Date().toISOString()}`, ''];
for (const section of sections) {
  lines.push(`### ${section.title}`, '', '| figure | value | target | result |', '|---|---|---|---|');
  for (const r of section.rows) lines.push(`| ${r.figure} | ${r.value} | ${r.target} | ${r.pass ? 'pass' : 'short'} |`);
  if (section.error) lines.push(`| (suite failed) | ${section.error} | | short |`);
  lines.push('');
}
const table = lines.join('\n');
process.stdout.write(`${table}\n`);
const short = sections.flatMap((s) => s.rows).filter((r) => !r.pass).length;
process.stdout.write(`${short === 0 ? 'all figures meet their targets' : `${short} figure(s) short of target`}\n`);

if (writeDocs) {
  // Only the benchmarks' block: the UI latency block is `npm run test:perf -- --write-docs`'s.
  const docs = path.resolve(here, '../../docs/BENCHMARKS.md');
  writeSection(docs, 'bench', `## Store, import, engine and sweeps: \`npm run bench -- --write-docs\`\n\n${table}`);
  process.stderr.write(`bench: wrote ${docs}\n`);
}
