import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { webTransport } from './transport-web.js';

/** A WebSocket the test drives: opens, delivers and closes when told. */
class FakeSocket {
  static readonly OPEN = 1;
  static instances: FakeSocket[] = [];
  readyState = 0;
  readonly sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: URL) {
    FakeSocket.instances.push(this);
  }
  send(data: string): void {
    this.sent.push(data);
  }
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.();
  }
}

const BASE = 'http://127.0.0.1:4000';
let fetched: { url: string; body: string }[];

beforeEach(() => {
  FakeSocket.instances = [];
  fetched = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('fetch', async (url: URL, init: { body: string }) => {
    fetched.push({ url: String(url), body: init.body });
    return new Response(JSON.stringify({ ok: true, value: 'over http' }), { status: 200 });
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const callsSent = (socket: FakeSocket) => socket.sent.map((text) => JSON.parse(text) as { call: number; name: string; args?: unknown });

describe('webTransport', () => {
  it('calls over HTTP until its socket is open, then over the socket, matching replies by call number', async () => {
    const transport = webTransport('t0k', BASE);
    expect(await transport.invoke('jobs/list', undefined)).toBe('over http');
    expect(fetched).toHaveLength(1);
    const socket = FakeSocket.instances[0]!;
    expect(socket.url.href).toBe('ws://127.0.0.1:4000/api/events?token=t0k');
    socket.open();

    const first = transport.invoke('runs/get', { id: 'a' });
    const second = transport.invoke('runs/get', { id: 'b' });
    expect(callsSent(socket)).toEqual([
      { call: 1, name: 'runs/get', args: { id: 'a' } },
      { call: 2, name: 'runs/get', args: { id: 'b' } },
    ]);
    socket.receive({ reply: 2, answer: { ok: false, error: { type: 'NotFoundError', message: 'No run b' } } });
    socket.receive({ reply: 1, answer: { ok: true, value: { id: 'a' } } });
    await expect(second).rejects.toMatchObject({ type: 'NotFoundError', message: 'No run b' });
    await expect(first).resolves.toEqual({ id: 'a' });
    expect(fetched).toHaveLength(1);
  });

  it('still delivers pushed events to their listeners', () => {
    const transport = webTransport('t0k', BASE);
    const seen: unknown[] = [];
    transport.on('data/changed', (payload) => seen.push(payload));
    FakeSocket.instances[0]!.open();
    FakeSocket.instances[0]!.receive({ name: 'data/changed', payload: { kind: 'runs', ids: ['r1'] } });
    expect(seen).toEqual([{ kind: 'runs', ids: ['r1'] }]);
  });

  it('fails calls in flight when the socket drops (they may have run: no silent retry), then calls over HTTP', async () => {
    vi.useFakeTimers(); // the reconnect backoff
    const transport = webTransport('t0k', BASE);
    transport.on('job/finished', () => undefined);
    const socket = FakeSocket.instances[0]!;
    socket.open();
    const inFlight = transport.invoke('backtest/start', { strategyId: 's' });
    socket.drop();
    await expect(inFlight).rejects.toMatchObject({ type: 'ConnectionError', message: expect.stringContaining('dropped before it answered') });
    expect(fetched).toHaveLength(0);
    expect(await transport.invoke('jobs/list', undefined)).toBe('over http');
    vi.advanceTimersByTime(250);
    expect(FakeSocket.instances).toHaveLength(2); // reconnected for its listener
  });

  it('sends calls over 1 MB over HTTP even with the socket open', async () => {
    const transport = webTransport('t0k', BASE);
    transport.on('job/finished', () => undefined);
    const socket = FakeSocket.instances[0]!;
    socket.open();
    expect(await transport.invoke('strategies/update', { id: 's', spec: { notes: 'x'.repeat(1_100_000) } })).toBe('over http');
    expect(socket.sent).toHaveLength(0);
    expect(fetched).toHaveLength(1);
  });
});
