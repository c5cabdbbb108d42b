// The Electron main process's composition (store, worker pool, handlers, IPC, app
// protocol) run for real under the project's Node with a fake `electron` module: the
// bundle npm start gives Electron, loaded as Electron would, then used as the renderer
// would use it. What this cannot show (a real window, Chromium, the preload bridge in a
// sandbox) is listed in docs/DESKTOP.md.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../core/infrastructure/test-kit/temp-db.js';

const root = path.resolve(fileURLToPath(import.meta.url), '../..');
const kit = path.join(root, 'electron/test-kit');
const dataDir = tempDir('bws-electron-main-');
afterAll(() => dataDir.cleanup());

interface DriveResult {
  window: { url: string; webPreferences: Record<string, unknown>; preload: string };
  privilegedSchemes: string[];
  page: { status: number; csp: string | null; script: string | null; scriptStatus: number | null };
  info: { ok: boolean; value: { transport: string; runtimeVersion: string; databaseFile: string } };
  foreign: { ok: boolean; error: { message: string } };
  unknown: { ok: boolean; error: { type: string } };
  series: { ok: boolean; value: { instrument: { symbol: string } }[] };
  created: boolean;
  started: boolean;
  job: { status: string; result: { runId: string; hash: string; barCount: number } };
  runs: { ok: boolean; value: { items: { id: string; hash: string }[] } };
}

describe('Electron main process (fake electron module, real SQLite and workers)', () => {
  const output = execFileSync(
    process.execPath,
    ['--import', path.join(kit, 'register-fake-electron.mjs'), path.join(kit, 'drive-main.mjs'), path.join(root, 'dist/electron/index.js'), dataDir.dir],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 },
  );
  const line = output.split('\n').find((l) => l.startsWith('RESULT '));
  const result = JSON.parse(line!.slice('RESULT '.length)) as DriveResult;

  it('opens one hardened window on the app scheme with the preload beside the bundle', () => {
    expect(result.window.url).toBe('bws://app/index.html');
    expect(result.window.preload).toBe(path.join(root, 'dist/electron/preload.cjs'));
    expect(result.window.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });
    expect(result.privilegedSchemes).toEqual(['bws']);
  });

  it('serves the built renderer through the app protocol with the CSP', () => {
    expect(result.page.status).toBe(200);
    expect(result.page.csp).toContain("script-src 'self'");
    expect(result.page.script).toMatch(/assets\/.+\.js$/);
    expect(result.page.scriptStatus).toBe(200);
  });

  it('answers handler calls over IPC from the app page on the project runtime and refuses foreign frames', () => {
    expect(result.info.ok).toBe(true);
    expect(result.info.value.transport).toBe('electron');
    expect(result.info.value.runtimeVersion).toBe(`Node ${process.version}`);
    expect(result.info.value.databaseFile).toBe(path.join(dataDir.dir, 'workstation.sqlite'));
    expect(result.foreign.ok).toBe(false);
    expect(result.foreign.error.message).toMatch(/did not come from the app/);
    expect(result.unknown).toMatchObject({ ok: false, error: { type: 'NotFoundError' } });
  });

  it('runs a backtest in a worker thread on the SQLite file and stores it', () => {
    expect(result.series.value.map((s) => s.instrument.symbol)).toContain('DEMO-BTC');
    expect(result.created && result.started).toBe(true);
    expect(result.job.status).toBe('done');
    expect(result.job.result.barCount).toBeGreaterThan(8000);
    expect(result.runs.value.items.map((r) => r.hash)).toContain(result.job.result.hash);
  });
});
