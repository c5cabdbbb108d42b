// A private Redis for the cluster tests: Debian's redis-server started by the test on a
// free loopback port, with its files (the append-only file) in a temporary dir, a
// password, and the settings docs/CLUSTER.md asks for; stopped by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Same lookup as e2e/lib/find-redis-server.ts (which scripts/test-prerequisites.mjs installs from). */
const PATHS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server'];

export function redisServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.BWS_REDIS_SERVER ? [env.BWS_REDIS_SERVER] : PATHS;
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error(`No redis-server at ${candidates.join(', ')}: run \`node scripts/test-prerequisites.mjs\` (installs Debian's redis-server) or set BWS_REDIS_SERVER`);
}

export interface TestRedis {
  readonly port: number;
  readonly password: string;
  /** redis://:password@127.0.0.1:port */
  readonly url: string;
  readonly dir: string;
  pid(): number;
  /** Stops it (SIGTERM: it writes its append-only file and exits) and starts it again on the same port and files. */
  restart(options?: { readonly kill?: boolean; readonly downMs?: number }): Promise<void>;
  /** Stops it and removes its files. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function launch(binary: string, port: number, dir: string, password: string): Promise<ChildProcess> {
  const child = spawn(
    binary,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--requirepass', password,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      '--maxmemory-policy', 'noeviction',
      '--daemonize', 'no',
      '--logfile', '',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(child.pid!, signal);
  });
}

/** Starts a private redis-server; `stop()` it in afterAll. */
export async function startTestRedis(): Promise<TestRedis> {
  const binary = redisServerBinary();
  const dir = mkdtempSync(path.join(tmpdir(), 'bws-redis-'));
  const password = `test-${Math.random().toString(36).slice(2)}`;
  const port = await freePort();
  let child = await launch(binary, port, dir, password);
  return {
    port,
    password,
    url: `redis://:${password}@127.0.0.1:${port}`,
    dir,
    pid: () => child.pid!,
    async restart(options = {}) {
      await stopChild(child, options.kill ? 'SIGKILL' : 'SIGTERM');
      if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
      child = await launch(binary, port, dir, password);
    },
    async stop() {
      await stopChild(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
