import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Resolves a URL path to a file inside `root`, or null when it would leave `root`
 * (`..`, encoded slashes, absolute paths, NUL bytes) or names no regular file.
 * Symbolic links are resolved and must stay inside `root` too.
 */
export function resolveStaticFile(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const realRoot = fs.realpathSync(root);
  const candidate = path.resolve(realRoot, `.${path.posix.normalize(`/${decoded}`)}`);
  if (candidate !== realRoot && !candidate.startsWith(realRoot + path.sep)) return null;
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    return null;
  }
  if (!real.startsWith(realRoot + path.sep)) return null;
  return fs.statSync(real).isFile() ? real : null;
}

/**
 * Serves a file of the built renderer. Paths without an extension that name no file get
 * index.html (client-side routes); missing assets get 404.
 */
export function serveStatic(root: string, urlPath: string, method: string, response: ServerResponse, headers: Record<string, string>): void {
  let file = resolveStaticFile(root, urlPath === '/' ? '/index.html' : urlPath);
  if (!file && path.posix.extname(urlPath) === '') file = resolveStaticFile(root, '/index.html');
  if (!file) {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const isHtml = type.startsWith('text/html');
  response.writeHead(200, {
    ...headers,
    'Content-Type': type,
    'Content-Length': String(fs.statSync(file).size),
    // Vite names assets by content hash; the page itself must always be fresh.
    'Cache-Control': !isHtml && urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-store',
  });
  if (method === 'HEAD') {
    response.end();
    return;
  }
  fs.createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response);
}
