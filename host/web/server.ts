import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatcher, Logger } from '../../core/application/contract/dispatcher.js';
import type { EventMessage, EventSource } from '../../core/application/contract/events.js';
import { foreignRequest, formatHost, isLoopbackHost, originPolicy, requestToken, securityHeaders, tokensMatch } from './security.js';
import { serveStatic } from './static-files.js';

export interface WebServerOptions {
  readonly dispatcher: Pick<Dispatcher, 'invoke'>;
  readonly events: EventSource;
  /** The built renderer (dist/renderer). */
  readonly staticDir: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default: 32 random bytes, base64url. */
  readonly token?: string;
  /** A non-loopback host is refused unless this is true. */
  readonly allowNonLoopback?: boolean;
  /** Where `POST /api/upload` writes files (the data directory's uploads folder in the app). */
  readonly uploadDir: string;
  /** Default 2 GiB. */
  readonly maxUploadBytes?: number;
  /** Uploads older than this are deleted at start (default 24 h): an import reads its file once. */
  readonly uploadMaxAgeMs?: number;
  /** Largest `POST /api/invoke` body (default 8 MiB). */
  readonly maxRequestBytes?: number;
  readonly logger?: Logger;
}

export interface WebServer {
  /** The page URL including `?token=`: what the user opens. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Refused before binding: listening beyond this machine must be asked for. */
export class NonLoopbackHostError extends Error {
  constructor(host: string) {
    super(`Refusing to listen on ${host}: it is reachable from other machines. Pass allowNonLoopback (--allow-remote) to do it anyway.`);
    this.name = 'NonLoopbackHostError';
  }
}

const DEFAULT_MAX_UPLOAD = 2 * 1024 ** 3;
const DEFAULT_MAX_REQUEST = 8 * 1024 ** 2;
/** A socket this far behind stops receiving progress events until it drains (finished events still go). */
const WS_BACKLOG_BYTES = 4 * 1024 ** 2;

/** How long a page load counts as the user at the app (a cold open is ~0.5-1 s here). */
const PAGE_LOAD_ACTIVITY_MS = 1_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves the built renderer and the handler table over HTTP + WebSocket: `POST
 * /api/invoke` `{ name, args }` answers the dispatcher's `{ ok, value | error }`;
 * `GET /api/events` (WebSocket) pushes `{ name, payload }` events and answers
 * `{ call, name, args }` messages with `{ reply: call, answer }` (the page's calls:
 * no request to set up per call); `POST /api/upload`
 * stores a file for `data/import`; `GET /api/download/bars?symbol&timeframe[&fromTs&toTs]`
 * answers a series as a CSV attachment. API calls and the WebSocket need the per-start token;
 * foreign origins and unexpected Host headers are refused.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopbackHost(host);
  if (!loopback && !options.allowNonLoopback) throw new NonLoopbackHostError(host);
  const token = options.token ?? randomBytes(32).toString('base64url');
  const maxUpload = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  const maxRequest = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST;
  const logger = options.logger ?? { error: (message: string, fields?: Record<string, unknown>) => console.error(message, fields ?? '') };
  const staticDir = path.resolve(options.staticDir);
  await removeOldUploads(options.uploadDir, options.uploadMaxAgeMs ?? 24 * 3600_000);

  // Filled in once the port is known.
  let policy = originPolicy(host, 0, loopback);
  let headers: Record<string, string> = {};

  const sendJson = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(text);
  };
  const sendError = (response: ServerResponse, status: number, type: string, message: string) =>
    sendJson(response, status, { ok: false, error: { type, message } });

  const guard = (request: IncomingMessage, url: URL): void => {
    const foreign = foreignRequest(request, policy);
    if (foreign) throw new HttpError(403, `Forbidden: ${foreign}`);
    if (!tokensMatch(requestToken(request, url), token)) throw new HttpError(401, 'Unauthorized: the token is missing or wrong');
  };

  const handleInvoke = async (request: IncomingMessage, response: ServerResponse) => {
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) throw new HttpError(415, 'Send JSON (Content-Type: application/json)');
    const body = await readBody(request, maxRequest);
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      throw new HttpError(400, 'The body is not JSON');
    }
    if (typeof message !== 'object' || message === null || typeof (message as { name?: unknown }).name !== 'string') {
      throw new HttpError(400, 'Expected { name, args }');
    }
    const { name, args } = message as { name: string; args?: unknown };
    sendJson(response, 200, await options.dispatcher.invoke(name, args));
  };

  const handleUpload = async (request: IncomingMessage, url: URL, response: ServerResponse) => {
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (declared > maxUpload) throw new HttpError(413, `The file is larger than the ${maxUpload} byte limit`);
    await fs.promises.mkdir(options.uploadDir, { recursive: true });
    const original = path.basename(url.searchParams.get('name') ?? 'upload').replace(/[^A-Za-z0-9._-]/g, '_').slice(-80) || 'upload';
    const target = path.join(options.uploadDir, `${Date.now()}-${randomBytes(6).toString('hex')}-${original}`);
    let received = 0;
    try {
      await pipeline(
        request,
        async function* cap(source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            received += chunk.length;
            if (received > maxUpload) throw new HttpError(413, `The file is larger than the ${maxUpload} byte limit`);
            yield chunk;
          }
        },
        fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }),
      );
    } catch (error) {
      await fs.promises.rm(target, { force: true });
      throw error;
    }
    sendJson(response, 200, { ok: true, value: { path: target, bytes: received } });
  };

  // A browser download of a series as CSV: the same `data/export` handler writes a scratch
  // file beside the uploads, which is streamed as an attachment and removed. Streaming
  // keeps a decade of minutes out of the page's and the server's memory.
  const handleBarsDownload = async (url: URL, response: ServerResponse) => {
    const params = url.searchParams;
    const optionalNumber = (name: string) => (params.has(name) ? Number(params.get(name)) : undefined);
    await fs.promises.mkdir(options.uploadDir, { recursive: true });
    const scratch = path.join(options.uploadDir, `export-${Date.now()}-${randomBytes(6).toString('hex')}.csv`);
    try {
      const fromTs = optionalNumber('fromTs');
      const toTs = optionalNumber('toTs');
      const args = { symbol: params.get('symbol') ?? '', timeframe: params.get('timeframe') ?? '', path: scratch, ...(fromTs === undefined ? {} : { fromTs }), ...(toTs === undefined ? {} : { toTs }) };
      const answer = await options.dispatcher.invoke('data/export', args);
      if (!answer.ok) {
        sendJson(response, answer.error.type === 'NotFoundError' ? 404 : 400, answer);
        return;
      }
      const name = `${args.symbol}-${args.timeframe}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
      response.writeHead(200, {
        ...headers,
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Length': String((await fs.promises.stat(scratch)).size),
        'Content-Disposition': `attachment; filename="${name}"`,
        'Cache-Control': 'no-store',
      });
      await pipeline(fs.createReadStream(scratch), response);
    } finally {
      await fs.promises.rm(scratch, { force: true });
    }
  };

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const route = async () => {
      if (url.pathname.startsWith('/api/')) {
        guard(request, url);
        if (url.pathname === '/api/invoke' && method === 'POST') return handleInvoke(request, response);
        if (url.pathname === '/api/upload' && method === 'POST') return handleUpload(request, url, response);
        if (url.pathname === '/api/download/bars' && method === 'GET') return handleBarsDownload(url, response);
        throw new HttpError(url.pathname === '/api/invoke' || url.pathname === '/api/upload' ? 405 : 404, 'No such API route');
      }
      const foreign = foreignRequest(request, policy);
      if (foreign) throw new HttpError(403, `Forbidden: ${foreign}`);
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'Method not allowed');
      // A page load is the user opening the app: running backtests pause while it loads,
      // before the page's own first report (renderer/src/api/boot.ts) can arrive. Only a
      // load carrying the token counts: anyone else's request must not slow the work down.
      if (path.posix.extname(url.pathname) === '' && tokensMatch(requestToken(request, url), token)) {
        void options.dispatcher.invoke('system/activity', { forMs: PAGE_LOAD_ACTIVITY_MS });
      }
      serveStatic(staticDir, url.pathname, method, response, headers);
    };
    route().catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof HttpError) {
        const type = error.status === 401 ? 'Unauthorized' : error.status === 403 ? 'Forbidden' : 'BadRequest';
        sendError(response, error.status, type, error.message);
        // Stop reading an oversized or refused body.
        if (error.status === 413 || error.status === 401 || error.status === 403) request.resume();
        return;
      }
      logger.error('Web server request failed', { path: url.pathname, error: error instanceof Error ? error.stack : String(error) });
      sendError(response, 500, 'InternalError', 'Internal error; see the log for details');
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxRequest });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api/events') return refuse(404, 'Not Found');
    try {
      guard(request, url);
    } catch (error) {
      return error instanceof HttpError && error.status === 403 ? refuse(403, 'Forbidden') : refuse(401, 'Unauthorized');
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attach(ws));
  });

  const attach = (ws: WebSocket) => {
    const unsubscribe = options.events.onAny((message: EventMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      if (message.name === 'job/progress' && ws.bufferedAmount > WS_BACKLOG_BYTES) return;
      ws.send(JSON.stringify(message));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
    ws.on('message', (data, isBinary) => void answerCall(ws, isBinary ? null : data.toString()));
  };

  // A call over the socket: the same dispatcher as POST /api/invoke. The page's fetch()
  // per call cost ~4 ms of its main thread (a jump in a 175,000-row table made five).
  const answerCall = async (ws: WebSocket, text: string | null) => {
    let message: unknown = null;
    try {
      message = text === null ? null : JSON.parse(text);
    } catch {
      // answered below as malformed
    }
    const { call, name, args } = (message ?? {}) as { call?: unknown; name?: unknown; args?: unknown };
    if (!Number.isSafeInteger(call)) return; // nothing to answer to
    let answer: unknown;
    try {
      // An unknown or missing name is the dispatcher's to refuse, as for POST /api/invoke.
      answer = await options.dispatcher.invoke(name, args);
    } catch (error) {
      logger.error('WebSocket call failed', { error: error instanceof Error ? error.stack : String(error) });
      answer = { ok: false, error: { type: 'InternalError', message: 'Internal error; see the log for details' } };
    }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ reply: call, answer }));
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  policy = originPolicy(host, port, loopback);
  const origin = `http://${formatHost(host)}:${port}`;
  // CSP host-sources cannot hold IPv6 literals ([::1]); a page served from one reaches
  // its own WebSocket through 'self' anyway.
  headers = securityHeaders([...policy.origins].filter((o) => !o.includes('[')).map((o) => o.replace(/^http:/, 'ws:')));

  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    token,
    host,
    port,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Reads a request body as text, refusing more than `limit` bytes. */
async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `The request is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Deletes upload files older than `maxAgeMs` (leftovers of earlier sessions). */
async function removeOldUploads(dir: string, maxAgeMs: number): Promise<void> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return; // no uploads yet
  }
  const cutoff = Date.now() - maxAgeMs;
  for (const name of names) {
    const file = path.join(dir, name);
    const stat = await fs.promises.lstat(file).catch(() => null);
    if (stat?.isFile() && stat.mtimeMs < cutoff) await fs.promises.rm(file, { force: true });
  }
}
