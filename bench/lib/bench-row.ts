import { writeFileSync } from 'node:fs';
import os from 'node:os';

/** One benchmark figure beside its target. */
export interface BenchRow {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  readonly pass: boolean;
}

/** A one-line description of the machine the figures came from. */
export function machineDescription(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memGiB = Math.round(os.totalmem() / 2 ** 30);
  const load = os.loadavg()[0]!.toFixed(1);
  return `${os.availableParallelism()} cores (${cpu}), ${memGiB} GiB, ${os.platform()} ${os.release()}, Node ${process.version}, load average ${load}`;
}

/** Prints rows as a Markdown table: figure | value | target | pass/short. */
export function printRows(rows: readonly BenchRow[]): void {
  process.stdout.write('| figure | value | target | result |\n|---|---|---|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.figure} | ${r.value} | ${r.target} | ${r.pass ? 'pass' : 'short'} |\n`);
}

/** True when this module is the process's entry script (a bench run on its own). */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const name = entry.split(/[\\/]/).pop() ?? '';
  return moduleUrl.endsWith(`/${name}`) || moduleUrl.endsWith(`/${name}.js`);
}

/**
 * Runs a bench module's `run()` as a script: prints its table with the machine line, or,
 * when run-all asks through BWS_BENCH_ROWS_FILE, writes the rows there as JSON.
 */
export async function runStandalone(run: () => Promise<readonly BenchRow[]>): Promise<void> {
  const rows = await run();
  const rowsFile = process.env.BWS_BENCH_ROWS_FILE;
  if (rowsFile) {
    writeFileSync(rowsFile, JSON.stringify(rows));
    return;
  }
  process.stdout.write(`machine: ${machineDescription()}\n\n`);
  printRows(rows);
}
