// Helpers shared by the fault and abuse tests: the bundled CLI as a child process,
// checksums of the store's tables, temp directories.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const cliScript = path.join(repoRoot, 'dist/cli.js');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bws-rel-${prefix}-`));
}

export interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `node dist/cli.js ...args`; kills it (and fails the outcome) after `timeoutMs`. */
export function bws(args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(process.execPath, [cliScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Resolves when the child's stdout has matched `pattern` (with the match), rejects if it exits first. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    let errText = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms: ${text} ${errText}`)), timeoutMs);
    child.stderr?.on('data', (c: Buffer) => (errText += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      text += c.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before printing ${pattern}: ${text} ${errText}`));
    });
  });
}

/** Kills a child with SIGKILL and waits for it to be gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

/** sha256 of a file's bytes. */
export function fileHash(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * A checksum of the content of each table (rows in rowid order), except the named ones.
 * Read through a read-only connection; a missing file gives {}.
 */
export function tableChecksums(dbFile: string, exclude: readonly string[] = ['slow_statements']): Record<string, string> {
  if (!fs.existsSync(dbFile)) return {};
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const sums: Record<string, string> = {};
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    for (const table of tables) {
      if (exclude.includes(table)) continue;
      const hash = createHash('sha256');
      // Ordered by every column: content order, for rowid and WITHOUT ROWID tables alike.
      const columns = (db.prepare(`SELECT * FROM "${table}" LIMIT 0`).columns()).map((_c, i) => i + 1);
      for (const row of db.prepare(`SELECT * FROM "${table}" ORDER BY ${columns.join(', ')}`).raw().iterate() as Iterable<unknown[]>) {
        for (const cell of row) hash.update(Buffer.isBuffer(cell) ? cell : Buffer.from(`${typeof cell}:${String(cell)}`)).update('\u0000');
        hash.update('\n');
      }
      sums[table] = hash.digest('hex').slice(0, 16);
    }
    return sums;
  } finally {
    db.close();
  }
}

/**
 * Checksums of the instruments and of every chunk a reader sees (its metadata and packed
 * BLOB, joined by data id; the ids themselves are left out: they are where the data sits,
 * not what it is).
 */
export function barsChecksum(dbFile: string): Record<string, string> {
  const all = tableChecksums(dbFile);
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    const rows = db
      .prepare(
        `SELECT c.instrument_id, c.timeframe, c.start_ts, c.end_ts, c.bar_count, c.gap_count, c.max_step_ms, d.data
         FROM bar_chunks c JOIN bar_chunk_data d ON d.id = c.data_id ORDER BY 1, 2, 3`,
      )
      .raw()
      .iterate() as Iterable<unknown[]>;
    for (const row of rows) {
      for (const cell of row) hash.update(Buffer.isBuffer(cell) ? cell : Buffer.from(`${typeof cell}:${String(cell)}`)).update('\u0000');
      hash.update('\n');
    }
    return { instruments: all.instruments ?? 'missing', bar_chunks: hash.digest('hex').slice(0, 16) };
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of a file, through its own connection. */
export function integrityCheck(dbFile: string): string {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** Builds dist/renderer when missing: `bws serve` refuses to start without the UI. */
export function ensureRendererBuilt(): void {
  if (fs.existsSync(path.join(repoRoot, 'dist/renderer/index.html'))) return;
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs'), '--renderer'], { cwd: repoRoot, stdio: 'inherit' });
}

export interface ServeProcess {
  readonly child: ChildProcess;
  /** The page URL with ?token=. */
  readonly url: URL;
  readonly origin: string;
  readonly token: string;
  stop(): Promise<void>;
}

/** Starts `bws serve --port 0` on a data dir and waits for the URL it prints. */
export async function startServe(dataDir: string, extraArgs: readonly string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [cliScript, 'serve', '--port', '0', '--data-dir', dataDir, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const match = await waitForOutput(child, /Web mode: (\S+)/);
    const url = new URL(match[1]!);
    return {
      child,
      url,
      origin: url.origin,
      token: url.searchParams.get('token') ?? '',
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      },
    };
  } catch (error) {
    await killHard(child);
    throw error;
  }
}

/** POSTs `{ name, args }` to /api/invoke; returns the status and the parsed body. */
export async function invokeOverHttp(
  serve: Pick<ServeProcess, 'origin'>,
  name: string,
  args: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; body: { ok: boolean; value?: unknown; error?: { type: string; message: string } } }> {
  const response = await fetch(`${serve.origin}/api/invoke`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ name, args }),
  });
  return { status: response.status, body: (await response.json()) as { ok: boolean } };
}
