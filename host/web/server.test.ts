import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../../core/application/contract/dispatcher.js';
import { createEventBus, type EventBus } from '../../core/application/contract/events.js';
import { NotFoundError } from '../../core/application/errors.js';
import { jobId } from '../../core/domain/market/ids.js';
import { NonLoopbackHostError, startWebServer, type WebServer } from './server.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(server: WebServer, pathname: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: pathname, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const invoke = (server: WebServer, body: unknown, headers: Record<string, string> = {}) =>
  request(server, '/api/invoke', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}`, ...headers },
    body: JSON.stringify(body),
  });

describe('web server', () => {
  let dir: string;
  let events: EventBus;
  let server: WebServer;
  let activity = 0;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-web-'));
    fs.mkdirSync(path.join(dir, 'static/assets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'static/index.html'), '<!doctype html><title>bws</title>');
    fs.writeFileSync(path.join(dir, 'static/assets/app-123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
    events = createEventBus();
    const dispatcher = createDispatcher(
      {
        'jobs/list': async () => [],
        'jobs/cancel': async ({ id }) => ({
          id: jobId(id),
          kind: 'import',
          title: 'x',
          status: 'cancelled',
          progress: { done: 0, total: 0 },
          createdAt: 1,
          startedAt: null,
          finishedAt: 2,
        }),
        'system/activity': async () => {
          activity++;
          return null;
        },
        'data/export': async ({ symbol, path: file }) => {
          if (symbol !== 'ES') throw new NotFoundError(`No instrument with symbol "${symbol}"`);
          fs.writeFileSync(file, 'ts,open,high,low,close,volume\n2024-01-01T00:00:00.000Z,1,2,0.5,1.5,10\n');
          return { path: file, rows: 1 };
        },
      },
      { logger: { error: () => {} }, now: () => performance.now() },
    );
    server = await startWebServer({ dispatcher, events, staticDir: path.join(dir, 'static'), uploadDir: path.join(dir, 'uploads'), maxUploadBytes: 1024 });
  });

  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('binds to loopback on a free port and prints a URL carrying a random token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });

  it('answers a valid call with the dispatcher envelope', async () => {
    const answer = await invoke(server, { name: 'jobs/cancel', args: { id: 'j1' } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, value: { id: 'j1', status: 'cancelled' } });
    const invalid = await invoke(server, { name: 'jobs/cancel', args: {} });
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { type: 'ValidationError' } });
    const viaQuery = await request(server, `/api/invoke?token=${server.token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'jobs/list' }),
    });
    expect(JSON.parse(viaQuery.body)).toEqual({ ok: true, value: [] });
  });

  it('refuses calls without the token or with a wrong one (401)', async () => {
    const none = await request(server, '/api/invoke', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"jobs/list"}' });
    expect(none.status).toBe(401);
    const wrong = await invoke(server, { name: 'jobs/list' }, { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const upload = await request(server, '/api/upload?name=a.csv', { method: 'POST', body: 'ts,open\n' });
    expect(upload.status).toBe(401);
  });

  it('refuses foreign origins and unexpected Host headers (403), even with the token', async () => {
    expect((await invoke(server, { name: 'jobs/list' }, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await invoke(server, { name: 'jobs/list' }, { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await invoke(server, { name: 'jobs/list' }, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await invoke(server, { name: 'jobs/list' }, { Origin: server.origin })).status).toBe(200);
    expect((await invoke(server, { name: 'jobs/list' }, { Origin: `http://localhost:${server.port}`, Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses a non-loopback bind unless asked', async () => {
    const base = { dispatcher: createDispatcher({}, { logger: { error: () => {} }, now: () => 0 }), events, staticDir: dir, uploadDir: dir };
    await expect(startWebServer({ ...base, host: '0.0.0.0' })).rejects.toBeInstanceOf(NonLoopbackHostError);
    await expect(startWebServer({ ...base, host: '192.168.1.20' })).rejects.toBeInstanceOf(NonLoopbackHostError);
    const allowed = await startWebServer({ ...base, host: '0.0.0.0', allowNonLoopback: true });
    await allowed.close();
  });

  it('serves the renderer with a strict CSP and keeps paths inside the static folder', async () => {
    const page = await request(server, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>bws</title>');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self';/);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await request(server, '/assets/app-123.js')).headers['content-type']).toMatch(/javascript/);
    expect((await request(server, '/strategies/42')).body).toContain('<title>bws</title>');
    for (const escape of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00index.html', '/..%5csecret.txt']) {
      const answer = await request(server, escape);
      expect(answer.body, escape).not.toContain('do not serve');
    }
    expect((await request(server, '/missing.js')).status).toBe(404);
  });

  it('stores uploads in the upload folder, capped in size', async () => {
    const answer = await request(server, `/api/upload?name=${encodeURIComponent('../../bars 1.csv')}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/octet-stream' },
      body: 'ts,open,high,low,close,volume\n',
    });
    expect(answer.status).toBe(200);
    const { value } = JSON.parse(answer.body) as { value: { path: string } };
    expect(path.dirname(value.path)).toBe(path.join(dir, 'uploads'));
    expect(path.basename(value.path)).toMatch(/bars_1\.csv$/);
    expect(fs.readFileSync(value.path, 'utf8')).toBe('ts,open,high,low,close,volume\n');
    const tooBig = await request(server, '/api/upload?name=big.csv', {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}` },
      body: Buffer.alloc(2048),
    });
    expect(tooBig.status).toBe(413);
    expect(fs.readdirSync(path.join(dir, 'uploads'))).toHaveLength(1);
  });

  it('counts a page load with the token as user activity (the workers pause while the app opens), assets and strangers not', async () => {
    const before = activity;
    await request(server, `/?token=${server.token}`);
    await request(server, `/strategies/42?token=${server.token}`);
    await request(server, '/assets/app-123.js');
    // Without the token (or with a wrong one): served, but no pause for anyone else's request.
    await request(server, '/');
    await request(server, '/?token=wrong');
    await vi.waitFor(() => expect(activity - before).toBe(2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(activity - before).toBe(2);
  });

  it('streams a series export as a CSV attachment and keeps no scratch file; refuses without the token', async () => {
    const answer = await request(server, `/api/download/bars?symbol=ES&timeframe=1m&token=${server.token}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/csv/);
    expect(answer.headers['content-disposition']).toBe('attachment; filename="ES-1m.csv"');
    expect(answer.body).toBe('ts,open,high,low,close,volume\n2024-01-01T00:00:00.000Z,1,2,0.5,1.5,10\n');
    // Removed once the stream has ended on the server's side.
    await vi.waitFor(() => expect(fs.readdirSync(path.join(dir, 'uploads'))).toEqual([]));
    const missing = await request(server, `/api/download/bars?symbol=NOPE&timeframe=1m&token=${server.token}`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ ok: false, error: { type: 'NotFoundError' } });
    const bad = await request(server, `/api/download/bars?symbol=ES&timeframe=7q&fromTs=abc&token=${server.token}`);
    expect(bad.status).toBe(400);
    expect((await request(server, '/api/download/bars?symbol=ES&timeframe=1m')).status).toBe(401);
    await vi.waitFor(() => expect(fs.readdirSync(path.join(dir, 'uploads'))).toEqual([]));
  });

  it('deletes uploads older than the age limit at start', async () => {
    const uploads = path.join(dir, 'old-uploads');
    fs.mkdirSync(uploads);
    fs.writeFileSync(path.join(uploads, 'stale.csv'), 'x');
    fs.utimesSync(path.join(uploads, 'stale.csv'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    fs.writeFileSync(path.join(uploads, 'fresh.csv'), 'x');
    const other = await startWebServer({ dispatcher: createDispatcher({}, { logger: { error: () => {} }, now: () => 0 }), events, staticDir: dir, uploadDir: uploads });
    await other.close();
    expect(fs.readdirSync(uploads)).toEqual(['fresh.csv']);
  });

  it('pushes events over the WebSocket to token holders only', async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(refused).toBe(401);
    const foreign = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, { origin: 'https://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(foreign).toBe(403);

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, { origin: server.origin });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const received = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    events.emit('data/changed', { kind: 'strategies', ids: ['s1'] });
    expect(await received).toEqual({ name: 'data/changed', payload: { kind: 'strategies', ids: ['s1'] } });
    ws.close();
  });

  it('answers calls over the WebSocket with the dispatcher envelope, matched by call number', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, { origin: server.origin });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const replies = new Map<number, unknown>();
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { reply?: number; answer?: unknown };
      if (typeof message.reply === 'number') replies.set(message.reply, message.answer);
    });
    ws.send(JSON.stringify({ call: 1, name: 'jobs/cancel', args: { id: 'j1' } }));
    ws.send(JSON.stringify({ call: 2, name: 'jobs/cancel', args: {} }));
    ws.send(JSON.stringify({ call: 3, name: 'no/such' }));
    ws.send(JSON.stringify({ call: 4 }));
    ws.send('not json');
    ws.send(JSON.stringify({ name: 'jobs/list' })); // no call number: nothing to answer
    ws.send(JSON.stringify({ call: 5, name: 'jobs/list' }));
    const end = Date.now() + 5_000;
    while (replies.size < 5 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(replies.get(1)).toMatchObject({ ok: true, value: { id: 'j1', status: 'cancelled' } });
    expect(replies.get(2)).toMatchObject({ ok: false, error: { type: 'ValidationError' } });
    expect(replies.get(3)).toMatchObject({ ok: false, error: { type: 'NotFoundError', message: expect.stringContaining('no/such') } });
    expect(replies.get(4)).toMatchObject({ ok: false });
    expect(replies.get(5)).toEqual({ ok: true, value: [] });
    await new Promise((r) => setTimeout(r, 50));
    expect([...replies.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    ws.close();
  });
});
