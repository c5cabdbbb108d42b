// Helpers of the cluster tests: `bws agent` processes (dist/cli.js) on this machine, a
// digest of a sweep's stored variants to compare sweeps by, and a poll-until helper.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SweepStore } from '../../../core/application/sweeps/ports.js';
import { canonicalJson } from '../../../core/domain/engine/run-hash.js';

/** The folder holding package.json above this module (its source, or a bench bundle in dist/). */
function findRoot(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
  }
}

export const repoRoot = findRoot();
export const cliScript = path.join(repoRoot, 'dist/cli.js');

export interface AgentProcess {
  /** host-pid, as the agent names itself. */
  readonly id: string;
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Sends a signal (SIGKILL, SIGSTOP, SIGCONT...) to its pid. */
  signal(signal: NodeJS.Signals): void;
  /** Stops it (SIGTERM, SIGKILL after 10 s) and removes its data dir. */
  stop(): Promise<void>;
}

export interface AgentOptions {
  readonly workers?: number;
  /** Test fault: each batch held this long before it runs (BWS_TEST_AGENT_HOLD_MS). */
  readonly holdMs?: number;
  readonly lockMs?: number;
  readonly stalledMs?: number;
}

/** Starts `bws agent` in a fresh data dir and resolves once it has announced itself. */
export async function startAgent(redisUrl: string, options: AgentOptions = {}): Promise<AgentProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bws-agent-'));
  const args = [cliScript, 'agent', '--redis', redisUrl, '--workers', String(options.workers ?? 1), '--data-dir', dataDir];
  if (options.lockMs !== undefined) args.push('--lock-ms', String(options.lockMs));
  if (options.stalledMs !== undefined) args.push('--stalled-ms', String(options.stalledMs));
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  if (options.holdMs !== undefined) {
    env.BWS_TEST_FAULTS = '1';
    env.BWS_TEST_AGENT_HOLD_MS = String(options.holdMs);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const id = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bws agent did not start within 30 s:\n${output}`)), 30_000);
    const check = (): void => {
      const match = /bws agent (\S+): engine/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`bws agent exited before it started:\n${output}`));
    });
  });
  return {
    id,
    child,
    output: () => output,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, signal);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGCONT');
        process.kill(child.pid!, 'SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A digest of a sweep's stored variants: index, parameters, metrics and error of each, in
 * index order. Two sweeps with equal digests stored the same variants with the same results.
 */
export function sweepDigest(sweeps: SweepStore, id: string): { digest: string; count: number; indices: number[] } {
  const variants = [...sweeps.variants(id, { limit: 100_000 }).variants].sort((a, b) => a.index - b.index);
  const canonical = canonicalJson(variants.map((v) => ({ index: v.index, params: v.params, metrics: v.metrics, error: v.error })));
  return { digest: createHash('sha256').update(canonical).digest('hex'), count: variants.length, indices: variants.map((v) => v.index) };
}

/** Polls `check` every 50 ms until it returns a value other than undefined/false. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
