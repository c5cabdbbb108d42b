import { ApiError, toApiError } from './api-error.js';
import type { Transport } from './transport.js';

type Listener = (payload: unknown) => void;

/**
 * Returns a transport over the local web server: `POST /api/invoke` with the token as a
 * bearer, pushed events over one WebSocket (`/api/events`) that reconnects with backoff.
 */
export function webTransport(token: string, base = window.location.origin): Transport {
  const listeners = new Map<string, Set<Listener>>();
  let socket: WebSocket | null = null;
  let retryMs = 250;

  const connect = (): void => {
    const wsUrl = new URL('/api/events', base);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    wsUrl.searchParams.set('token', token);
    socket = new WebSocket(wsUrl);
    socket.onopen = () => {
      retryMs = 250;
    };
    socket.onmessage = (message) => {
      let data: { event?: unknown; name?: unknown; payload?: unknown };
      try {
        data = JSON.parse(String(message.data)) as typeof data;
      } catch {
        return;
      }
      const event = typeof data.event === 'string' ? data.event : typeof data.name === 'string' ? data.name : '';
      listeners.get(event)?.forEach((listener) => listener(data.payload));
    };
    socket.onclose = () => {
      socket = null;
      if (listeners.size === 0) return;
      // Server restarted or the laptop slept: come back without a page reload.
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5_000);
    };
  };

  const headers = { Authorization: `Bearer ${token}` };

  return {
    async invoke(name, args) {
      let response: Response;
      try {
        response = await fetch(new URL('/api/invoke', base), {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, args }),
        });
      } catch {
        throw new ApiError('ConnectionError', 'The workstation server is not reachable. Is `bws serve` still running?');
      }
      if (response.status === 401) throw new ApiError('Unauthorized', 'Access refused: open the workstation with the URL (token included) that `bws serve` printed.');
      const body = (await response.json().catch(() => null)) as { ok?: boolean; value?: unknown; error?: unknown } | null;
      if (body && body.ok === true) return body.value;
      if (body && body.ok === false) throw toApiError(body.error);
      throw new ApiError('InternalError', `Unexpected answer from the server (HTTP ${response.status}).`);
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
