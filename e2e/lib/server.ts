import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the folder holding package.json, found by walking up from here. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above e2e/lib');
    dir = parent;
  }
  return dir;
}

export interface RunningServer {
  /** The full URL printed by the CLI, token included: `http://127.0.0.1:PORT/?token=...`. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly dataDir: string;
  /** Everything the server wrote, for failure messages. */
  readonly output: () => string;
  readonly stop: () => Promise<void>;
  /** Kills it at once (SIGKILL: no clean close, as a crash or a power cut) and keeps the dir. */
  readonly kill: () => Promise<void>;
}

// The CLI prints this line once the server listens (host/cli.ts).
const URL_LINE = /Web mode: (http:\/\/[^\s]+)/;

/**
 * The folder every test server opens to its page (`--files`), beside the real data set:
 * files the specs write for the API to import, or for the page to export into, go here.
 */
export const E2E_FILES_DIR = realpathSync(mkdtempSync(join(tmpdir(), 'bws-e2e-files-')));

/**
 * Starts `node dist/cli.js serve --data-dir DIR --port 0 --files ...` as a child process in
 * a fresh temp data dir and resolves with the URL it prints. `stop()` kills it and removes
 * the dir.
 */
export async function startServer(
  options: { dataDir?: string; timeoutMs?: number; extraArgs?: string[]; env?: Readonly<Record<string, string>>; files?: readonly string[] } = {},
): Promise<RunningServer> {
  const root = repoRoot();
  // BWS_E2E_CLI runs the flows against another build of the CLI (same arguments, same URL line).
  const cli = process.env.BWS_E2E_CLI ?? join(root, 'dist/cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`node scripts/build.mjs --renderer\` first.`);
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bws-e2e-'));
  // The folders open to the page (a relative export path is taken from the first).
  const files = (options.files ?? [join(root, 'fixtures/market-data'), E2E_FILES_DIR]).flatMap((dir) => ['--files', dir]);
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve', '--data-dir', dataDir, '--port', '0', ...files, ...(options.extraArgs ?? [])], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server printed no URL within ${options.timeoutMs ?? 30_000} ms:\n${output}`)), options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = URL_LINE.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before printing its URL:\n${output}`));
    });
  });

  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
