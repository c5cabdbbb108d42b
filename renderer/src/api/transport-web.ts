import { ApiError, toApiError } from './api-error.js';
import type { Transport } from './transport.js';

type Listener = (payload: unknown) => void;

/** Calls bigger than this go over HTTP (the server caps a socket message like a request body). */
const MAX_SOCKET_CALL_CHARS = 1024 * 1024;

interface PendingCall {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Returns a transport over the local web server: one WebSocket (`/api/events`, token in
 * the URL) that pushes events and carries calls (`{ call, name, args }` answered by
 * `{ reply, answer }`), reconnecting with backoff; `POST /api/invoke` with the token as a
 * bearer while the socket is not open, and for very large calls. A fetch() per call cost
 * ~4 ms of the page's main thread, several per table jump.
 */
export function webTransport(token: string, base = window.location.origin): Transport {
  const listeners = new Map<string, Set<Listener>>();
  const pending = new Map<number, PendingCall>();
  let nextCall = 1;
  let socket: WebSocket | null = null;
  let retryMs = 250;

  const answerOf = (body: { ok?: boolean; value?: unknown; error?: unknown } | null, status: string): unknown => {
    if (body && body.ok === true) return body.value;
    if (body && body.ok === false) throw toApiError(body.error);
    throw new ApiError('InternalError', `Unexpected answer from the server (${status}).`);
  };

  const connect = (): void => {
    const wsUrl = new URL('/api/events', base);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    wsUrl.searchParams.set('token', token);
    const ws = new WebSocket(wsUrl);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
    };
    ws.onmessage = (message) => {
      let data: { event?: unknown; name?: unknown; payload?: unknown; reply?: unknown; answer?: unknown };
      try {
        data = JSON.parse(String(message.data)) as typeof data;
      } catch {
        return;
      }
      if (typeof data.reply === 'number') {
        const call = pending.get(data.reply);
        if (!call) return;
        pending.delete(data.reply);
        try {
          call.resolve(answerOf(data.answer as Parameters<typeof answerOf>[0], 'socket'));
        } catch (error) {
          call.reject(error);
        }
        return;
      }
      const event = typeof data.event === 'string' ? data.event : typeof data.name === 'string' ? data.name : '';
      listeners.get(event)?.forEach((listener) => listener(data.payload));
    };
    ws.onclose = () => {
      if (socket === ws) socket = null;
      // Whether the server acted on these is unknown: say so rather than send them again.
      for (const call of pending.values()) {
        call.reject(new ApiError('ConnectionError', 'The connection to the workstation dropped before it answered; check whether the action took effect.'));
      }
      pending.clear();
      if (listeners.size === 0) return;
      // Server restarted or the laptop slept: come back without a page reload (unless a
      // call has reconnected meanwhile).
      setTimeout(() => socket ?? connect(), retryMs);
      retryMs = Math.min(retryMs * 2, 5_000);
    };
  };

  const headers = { Authorization: `Bearer ${token}` };

  return {
    async invoke(name, args) {
      const body = JSON.stringify({ name, args });
      if (socket?.readyState === WebSocket.OPEN && body.length <= MAX_SOCKET_CALL_CHARS) {
        const call = nextCall++;
        const open = socket;
        return new Promise((resolve, reject) => {
          pending.set(call, { resolve, reject });
          open.send(`{"call":${call},${body.slice(1)}`);
        });
      }
      if (!socket) connect(); // for the next calls
      let response: Response;
      try {
        response = await fetch(new URL('/api/invoke', base), {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body,
        });
      } catch {
        throw new ApiError('ConnectionError', 'The workstation server is not reachable: it may have stopped. Start it again (`npm start`, or `bws serve`) and open the new address it prints.');
      }
      if (response.status === 401) throw new ApiError('Unauthorized', 'Access refused: open the workstation with the URL (token included) that `bws serve` printed.');
      const answer = (await response.json().catch(() => null)) as Parameters<typeof answerOf>[0];
      return answerOf(answer, `HTTP ${response.status}`);
    },
    on(event, callback) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(callback);
      if (!socket) connect();
      return () => {
        set.delete(callback);
        if (set.size === 0) listeners.delete(event);
      };
    },
    barsDownloadUrl(query) {
      const url = new URL('/api/download/bars', base);
      url.searchParams.set('symbol', query.symbol);
      url.searchParams.set('timeframe', query.timeframe);
      if (query.fromTs !== undefined) url.searchParams.set('fromTs', String(query.fromTs));
      if (query.toTs !== undefined) url.searchParams.set('toTs', String(query.toTs));
      url.searchParams.set('token', token);
      return url.href;
    },
    async upload(file) {
      const response = await fetch(new URL(`/api/upload?name=${encodeURIComponent(file.name)}`, base), {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name) },
        body: file,
      });
      const body = (await response.json().catch(() => null)) as { ok?: boolean; value?: unknown; error?: unknown; path?: unknown } | null;
      if (!response.ok || !body || body.ok === false) throw body?.error ? toApiError(body.error) : new ApiError('UploadError', `Upload failed (HTTP ${response.status}).`);
      const value = body.value as { path?: unknown } | string | undefined;
      const path = typeof value === 'string' ? value : typeof value?.path === 'string' ? value.path : typeof body.path === 'string' ? body.path : '';
      if (!path) throw new ApiError('UploadError', 'Upload answered without a file path.');
      return path;
    },
  };
}
