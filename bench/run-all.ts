// `npm run bench`: every benchmark of the project, each in its own process (so one's
// heap and RSS do not colour the next), then one table: figure, value, target,
// pass/short, with the machine. `--write-docs` also rewrites docs/BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineDescription, type BenchRow } from './lib/bench-row.js';

const SUITES = [
  { name: 'store', title: 'SQLite store (issue 2)' },
  { name: 'import', title: 'CSV import (issue 2)' },
  { name: 'strategy', title: 'Strategy model and indicators (issue 3)' },
  { name: 'engine', title: 'Engine (issue 3)' },
  { name: 'backtest-e2e', title: 'Backtest end to end through a worker (issue 3)' },
  { name: 'optimize', title: 'Parameter sweeps over the worker pool (issue 5)' },
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
  const docs = path.resolve(here, '../../docs/BENCHMARKS.md');
  const header = [
    '# Benchmarks',
    '',
    'Produced by `npm run bench -- --write-docs` (each suite in its own process; figures beside',
    'their targets). The machine is shared by builds and tests in development sessions, so',
    'absolute times swing by 30-50 % between runs; the suites print bare-loop baselines and',
    'ratios where that matters.',
    '',
    'Measured elsewhere, with their own commands and tables:',
    '- UI interaction latency (Playwright, `npm run test:perf`) and UI latency under 8 concurrent',
    '  backtests (`npm run test:load`): [UI-PERFORMANCE.md](UI-PERFORMANCE.md)',
    '- 1,000 backtests in a row, memory growth (`npm run soak`): [RELIABILITY.md](RELIABILITY.md)',
    '- Chunk-size and BLOB-layout measurements: [STORAGE.md](STORAGE.md); import internals: [IMPORT.md](IMPORT.md);',
    '  engine internals: [ENGINE.md](ENGINE.md); sweeps: [OPTIMIZE.md](OPTIMIZE.md)',
    '',
  ].join('\n');
  writeFileSync(docs, `${header}\n${table}\n`);
  process.stderr.write(`bench: wrote ${docs}\n`);
}
