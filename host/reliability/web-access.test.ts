// Web mode access through the real CLI: `bws serve` as a child process refuses calls
// without the per-start token, with a wrong one, and from a foreign Origin; a
// non-loopback bind without --allow-remote is refused before anything listens, and so is
// a --files folder that is a system folder, missing or not a folder.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bws, ensureRendererBuilt, invokeOverHttp, startServe, tempDir, type ServeProcess } from './reliability-kit.js';

describe('web mode access (bws serve)', () => {
  let dataDir: string;
  let serve: ServeProcess;

  beforeAll(async () => {
    ensureRendererBuilt();
    dataDir = tempDir('web-access');
    serve = await startServe(dataDir, ['--no-demo']);
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses an API call without a token (401)', async () => {
    const answer = await invokeOverHttp(serve, 'system/info', undefined, {});
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ ok: false, error: { type: 'Unauthorized' } });
  });

  it('refuses a wrong token, in the header or the query (401)', async () => {
    const wrong = serve.token.slice(0, -2) + (serve.token.endsWith('AA') ? 'BB' : 'AA');
    expect((await invokeOverHttp(serve, 'system/info', undefined, { Authorization: `Bearer ${wrong}` })).status).toBe(401);
    expect((await invokeOverHttp(serve, 'system/info', undefined, { Authorization: 'Bearer ' })).status).toBe(401);
    const byQuery = await fetch(`${serve.origin}/api/invoke?token=${wrong}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'system/info' }),
    });
    expect(byQuery.status).toBe(401);
  });

  it('refuses a foreign Origin even with the right token (403)', async () => {
    const answer = await invokeOverHttp(serve, 'system/info', undefined, { Authorization: `Bearer ${serve.token}`, Origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ ok: false, error: { type: 'Forbidden' } });
  });

  it('refuses the event socket without the token or from a foreign Origin', async () => {
    const wsUrl = `${serve.origin.replace('http', 'ws')}/api/events`;
    const refusal = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(url, { headers });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => {
          socket.close();
          reject(new Error('the socket opened'));
        });
        socket.on('error', () => undefined);
      });
    expect(await refusal(wsUrl)).toBe(401);
    expect(await refusal(`${wsUrl}?token=${serve.token}`, { Origin: 'https://evil.example' })).toBe(403);
  });

  it('answers a call with the valid token', async () => {
    const answer = await invokeOverHttp(serve, 'system/info', undefined, { Authorization: `Bearer ${serve.token}` });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, value: { transport: 'web', dataDir } });
    // The page's own Origin is accepted.
    const same = await invokeOverHttp(serve, 'data/listSeries', undefined, { Authorization: `Bearer ${serve.token}`, Origin: serve.origin });
    expect(same).toMatchObject({ status: 200, body: { ok: true, value: [] } });
  });

  it('bws serve --host 0.0.0.0 without --allow-remote exits non-zero with a clear message', async () => {
    const outcome = await bws(['serve', '--host', '0.0.0.0', '--port', '0', '--no-demo', '--data-dir', dataDir], { timeoutMs: 20_000 });
    expect(outcome.signal).toBeNull();
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('Refusing to listen on 0.0.0.0');
    expect(outcome.stderr).toContain('--allow-remote');
    expect(outcome.stdout).not.toContain('Web mode:');
  });

  it('bws serve --files refuses a system folder, a missing folder and a file at start, naming it', async () => {
    const notAFolder = path.join(dataDir, 'bars.csv');
    fs.writeFileSync(notAFolder, 'timestamp,open,high,low,close,volume\n');
    const missing = path.join(dataDir, 'no-such-folder');
    const cases: [string, string][] = [
      ['/etc', '--files: /etc is a system folder; the workstation never reads or writes there. Name a folder of your own'],
      ['/proc/self', '--files: /proc/self'],
      ['/', '--files: / holds the system folder'],
      [missing, `--files: ${missing} does not exist`],
      [notAFolder, `--files: ${notAFolder} is not a folder`],
    ];
    for (const [folder, said] of cases) {
      const outcome = await bws(['serve', '--port', '0', '--no-demo', '--files', dataDir, '--files', folder, '--data-dir', dataDir], { timeoutMs: 20_000 });
      expect(outcome.signal, folder).toBeNull();
      expect(outcome.code, folder).toBe(2);
      expect(outcome.stderr, folder).toContain(said);
      expect(outcome.stdout, folder).not.toContain('Web mode:');
    }
  });
});
