import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';

/** True for names and addresses that reach only this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}

/** Compares tokens in constant time (length differences leak nothing useful: tokens have one length). */
export function tokensMatch(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: `Authorization: Bearer <token>` or `?token=`. */
export function requestToken(request: IncomingMessage, url: URL): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return url.searchParams.get('token');
}

export interface OriginPolicy {
  /** The origins the server answers as (http://127.0.0.1:PORT, http://localhost:PORT...). */
  readonly origins: ReadonlySet<string>;
  /** The Host header values accepted; null accepts any (a non-loopback bind the user asked for). */
  readonly hosts: ReadonlySet<string> | null;
}

/** Origins and Host values of a server bound to `host:port`. */
export function originPolicy(host: string, port: number, loopback: boolean): OriginPolicy {
  const names = loopback ? ['127.0.0.1', 'localhost', '[::1]', formatHost(host)] : [formatHost(host)];
  const hosts = new Set(names.map((name) => `${name}:${port}`));
  return { origins: new Set([...hosts].map((h) => `http://${h}`)), hosts: loopback ? hosts : null };
}

/**
 * Says why a request must be refused as foreign, or null. A wrong Host header is a DNS
 * rebinding attempt (a web page whose name now points at 127.0.0.1); a foreign Origin
 * or a cross-site fetch is another site's page calling in.
 */
export function foreignRequest(request: IncomingMessage, policy: OriginPolicy): string | null {
  const hostHeader = request.headers.host;
  if (policy.hosts && (!hostHeader || !policy.hosts.has(hostHeader.toLowerCase()))) return 'unexpected Host header';
  const origin = request.headers.origin;
  if (origin !== undefined && !policy.origins.has(origin)) return 'cross-origin request';
  if (request.headers['sec-fetch-site'] === 'cross-site') return 'cross-site request';
  return null;
}

export function formatHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

/** Headers on every answer: a strict CSP, no sniffing, no framing, no referrer (the URL holds the token). */
export function securityHeaders(connectOrigins: readonly string[]): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // Inline style attributes are set by uPlot and React's style prop; no inline scripts are allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectOrigins.join(' ')}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  };
}
