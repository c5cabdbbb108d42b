import { AppError } from '../../core/application/errors.js';
import { UsageError } from './cli-error.js';
import { storageWayOut } from './commands/db-way-out.js';

/** Prints one JSON object on stdout (the --json contract). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Prints rows as an aligned text table. */
export function printTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): void {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  printLine(line(headers));
  printLine(line(widths.map((w) => '-'.repeat(w))));
  for (const r of cells) printLine(line(r));
}

/** Writes an error to stderr (what and where, never a stack for known errors) and returns the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`bws: ${error.message}\n`);
    return 2;
  }
  if (error instanceof AppError) {
    process.stderr.write(`bws: ${error.type}: ${error.message}\n`);
    const rows = (error.details as { rowErrors?: { file: string; line: number; message: string }[] } | undefined)?.rowErrors;
    const problems = (error.details as { problems?: { path: string; message: string }[] } | undefined)?.problems;
    for (const r of rows?.slice(0, 50) ?? []) process.stderr.write(`  ${r.file}:${r.line}: ${r.message}\n`);
    if (rows && rows.length > 50) process.stderr.write(`  ... and ${rows.length - 50} more\n`);
    for (const p of problems ?? []) process.stderr.write(`  ${p.path}: ${p.message}\n`);
    const wayOut = storageWayOut(error);
    if (wayOut) process.stderr.write(`${wayOut}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`bws: ${message}\n`);
  if (process.env.BWS_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}
