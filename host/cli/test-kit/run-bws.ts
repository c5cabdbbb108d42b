// The `bws` CLI as a real process (dist/cli.js, built by the tests' global set-up) on a
// data folder: what the CLI tests run and read.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const run = promisify(execFile);
export const cliScript = path.resolve(import.meta.dirname, '../../../dist/cli.js');

export interface BwsOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BwsOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Output kept, bytes (default 64 MiB). */
  readonly maxBuffer?: number;
}

/** Runs `bws ARGS --data-dir DIR`; a non-zero exit is an outcome, not a throw. */
export async function runBws(dataDir: string, args: readonly string[], options: BwsOptions = {}): Promise<BwsOutcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliScript, ...args, '--data-dir', dataDir], {
      maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs `bws ARGS --json`, expects a clean success and returns the parsed answer. */
export async function runBwsJson<T>(dataDir: string, args: readonly string[], options: BwsOptions = {}): Promise<T> {
  const outcome = await runBws(dataDir, [...args, '--json'], options);
  expect(outcome.stderr).toBe('');
  expect(outcome.code).toBe(0);
  return JSON.parse(outcome.stdout) as T;
}
