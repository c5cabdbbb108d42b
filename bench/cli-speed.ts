// CLI speed, whole processes side by side (issue 15): `bws --help`, and one year of
// 1-minute bars backtested by `bws backtest --json` (the run saved, its trades printed)
// against a bare typed-array loop process that parses the same year from CSV
// (bench/bare-csv-loop.ts). The three are run in turn, round after round, so a busy
// machine slows them alike; medians of the rounds. CPU time (user + system, from
// /usr/bin/time when there is one) is printed beside wall time: on a shared machine wall
// time mostly measures the neighbours.
//   npm run build && node dist/bench/cli-speed.js [--rounds N] [--write-docs]
// --write-docs rewrites its block of docs/BENCHMARKS.md (`cli-speed`). BWS_BENCH_BEFORE=
// path/to/other/bin/bws.js also times another build's CLI (on a data dir of its own) in
// the same rounds, for a before/after (BWS_BENCH_BEFORE_LABEL names it in the table).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { writeRandomWalkCsv } from '../core/infrastructure/test-kit/random-walk-csv.js';
import { isMain, machineDescription, printRows, runStandalone, type BenchRow } from './lib/bench-row.js';
import { writeSection } from './lib/docs-section.js';

const YEAR_OF_MINUTES = 525_600;
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const bws = path.join(repo, 'bin/bws.js');
const bare = path.join(here, 'bare-csv-loop.js');
const TIME = '/usr/bin/time';
const hasTime = fs.existsSync(TIME);

interface Timed {
  readonly wallMs: number;
  /** User + system CPU of the process (null without /usr/bin/time). */
  readonly cpuMs: number | null;
  readonly stdout: string;
}

/** Runs `node args` to completion; its wall time from spawn to exit, and its CPU time. */
function timed(args: readonly string[]): Timed {
  const command = hasTime ? TIME : process.execPath;
  const argv = hasTime ? ['-f', 'BWS_TIME %U %S', process.execPath, ...args] : [...args];
  const t0 = performance.now();
  const out = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - t0;
  if (out.status !== 0) throw new Error(`node ${args.join(' ')} failed (${out.status}): ${out.stderr}`);
  const line = /BWS_TIME ([\d.]+) ([\d.]+)/.exec(out.stderr);
  return { wallMs, cpuMs: line ? (Number(line[1]) + Number(line[2])) * 1000 : null, stdout: out.stdout };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** The backtest command of a CLI on its own data dir holding the year (imported by that CLI). */
function prepareCli(cli: string, csv: string, dataDir: string): string[] {
  execFileSync(process.execPath, [cli, 'data', 'import', csv, '--symbol', 'BENCH', '--timeframe', '1m', '--data-dir', dataDir, '--json'], { stdio: 'ignore' });
  return [cli, 'backtest', '--template', 'sma-cross', '--param', 'fast=10', '--param', 'slow=30', '--symbol', 'BENCH', '--json', '--data-dir', dataDir];
}

export async function run(rounds = 5, before = process.env['BWS_BENCH_BEFORE']): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-bench-cli-'));
  try {
    const csv = path.join(dir, 'year.csv');
    writeRandomWalkCsv(csv, { rows: YEAR_OF_MINUTES });
    const dataDir = path.join(dir, 'data');
    const backtest = prepareCli(bws, csv, dataDir);
    const backtestBefore = before ? prepareCli(before, csv, path.join(dir, 'data-before')) : null;
    // Each loaded once before timing (the OS file cache holds the CSV and the databases alike).
    timed(backtest);
    timed([bare, csv, '10', '30']);
    if (backtestBefore) timed(backtestBefore);
    const help: Timed[] = [];
    const runs: Timed[] = [];
    const loops: Timed[] = [];
    const bareNode: Timed[] = [];
    const helpBefore: Timed[] = [];
    const runsBefore: Timed[] = [];
    for (let i = 0; i < rounds; i++) {
      bareNode.push(timed(['-e', '0']));
      help.push(timed([bws, '--help']));
      runs.push(timed(backtest));
      loops.push(timed([bare, csv, '10', '30']));
      if (before && backtestBefore) {
        helpBefore.push(timed([before, '--help']));
        runsBefore.push(timed(backtestBefore));
      }
    }
    const last = JSON.parse(runs[runs.length - 1]!.stdout) as { runId: string; trades: unknown[] };
    const loop = JSON.parse(loops[0]!.stdout) as { bars: number; trades: number };
    // The backtests were saved, each of them: the listing has one run per call.
    const listed = JSON.parse(execFileSync(process.execPath, [bws, 'runs', 'list', '--json', '--data-dir', dataDir], { encoding: 'utf8' })) as { total: number; runs: { id: string }[] };
    const saved = listed.total === rounds + 1 && listed.runs[0]?.id === last.runId;

    const wall = (xs: readonly Timed[]) => median(xs.map((x) => x.wallMs));
    const cpu = (xs: readonly Timed[]) => (hasTime ? median(xs.map((x) => x.cpuMs!)) : null);
    const helpWall = wall(help);
    const helpCpu = cpu(help);
    const ratioWall = wall(runs) / wall(loops);
    const runCpu = cpu(runs);
    const loopCpu = cpu(loops);
    const ratioCpu = runCpu !== null && loopCpu !== null ? runCpu / loopCpu : null;
    const cpuText = (x: number | null) => (x === null ? '' : `, ${ms(x)} CPU`);
    const beforeRows: BenchRow[] =
      runsBefore.length > 0
        ? [
            { figure: `before (${process.env['BWS_BENCH_BEFORE_LABEL'] ?? before}): \`bws --help\``, value: `${ms(wall(helpBefore))} wall${cpuText(cpu(helpBefore))}`, target: 'info', pass: true },
            {
              figure: 'before: `bws backtest --json` / bare loop, same rounds',
              value: `${ms(wall(runsBefore))} wall${cpuText(cpu(runsBefore))}; ${(wall(runsBefore) / wall(loops)).toFixed(2)}x wall${loopCpu === null || cpu(runsBefore) === null ? '' : `, ${(cpu(runsBefore)! / loopCpu).toFixed(2)}x CPU`}`,
              target: 'info',
              pass: true,
            },
          ]
        : [];
    return [
      { figure: `\`bws --help\`, whole process (median of ${rounds})`, value: `${ms(helpWall)} wall${cpuText(helpCpu)}`, target: '< 100 ms', pass: helpWall < 100 },
      { figure: '`node -e 0`: the runtime starting and exiting, the floor of any CLI here', value: `${ms(wall(bareNode))} wall${cpuText(cpu(bareNode))}`, target: 'info', pass: true },
      {
        figure: `\`bws backtest --json\`, SMA 10/30 on 1y 1m (${YEAR_OF_MINUTES.toLocaleString('en-US')} bars; ${last.trades.length} trades printed; run saved: ${saved ? 'yes' : 'NO'})`,
        value: `${ms(wall(runs))} wall${cpuText(runCpu)}`,
        target: 'info',
        pass: saved,
      },
      {
        figure: `bare typed-array loop process parsing the same year from CSV (${loop.bars.toLocaleString('en-US')} bars, ${loop.trades} trades)`,
        value: `${ms(wall(loops))} wall${cpuText(loopCpu)}`,
        target: 'info',
        pass: true,
      },
      {
        figure: '`bws backtest --json` / bare loop, whole processes side by side',
        value: `${ratioWall.toFixed(2)}x wall${ratioCpu === null ? '' : `, ${ratioCpu.toFixed(2)}x CPU`}`,
        target: '<= 1.0x',
        pass: ratioWall <= 1.0,
      },
      ...beforeRows,
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf('--rounds');
  const rounds = at > 0 ? Number(process.argv[at + 1]) : 5;
  if (process.argv.includes('--write-docs')) {
    const load = os.loadavg()[0]!.toFixed(1);
    const rows = await run(rounds);
    const table = ['| figure | value | target | result |', '|---|---|---|---|', ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.target} | ${r.pass ? 'pass' : 'short'} |`)].join('\n');
    const before = process.env['BWS_BENCH_BEFORE'];
    const label = process.env['BWS_BENCH_BEFORE_LABEL'];
    const env = before ? `BWS_BENCH_BEFORE=${before}${label ? ` BWS_BENCH_BEFORE_LABEL="${label}"` : ''} ` : '';
    const body = `## CLI, whole processes side by side: \`${env}node dist/bench/cli-speed.js --rounds ${rounds} --write-docs\`\n\nmachine: ${machineDescription()}\ndate: ${new Date().toISOString()}; load average at the start: ${load}\n\n${table}`;
    writeSection(path.join(repo, 'docs/BENCHMARKS.md'), 'cli-speed', body);
    process.stdout.write(`machine: ${machineDescription()} (load average ${load})\n\n`);
    printRows(rows);
  } else {
    await runStandalone(() => run(rounds));
  }
}
