import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ValidationError } from '../../application/errors.js';

/** A cluster's Redis, as given on the command line (credentials included) and as shown (without them). */
export interface RedisAddress {
  /** The URL with its credentials: only ever handed to the Redis client. */
  readonly url: string;
  /** `redis://host:port[/db]`: what logs, the UI and the sweep records show. */
  readonly display: string;
  readonly host: string;
  readonly port: number;
  readonly hasPassword: boolean;
}

/**
 * Parses a `redis://[user:password@]host[:port][/db]` (or `rediss://`) URL, refusing
 * anything else with a message naming the flag. A password is required unless the host
 * is this machine: the queue carries strategy specs and runs code on every agent.
 */
export function parseRedisAddress(text: string, flag = '--redis'): RedisAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError(`${flag}: "${redact(text)}" is not a URL; expected redis://:PASSWORD@HOST:PORT`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ValidationError(`${flag}: expected a redis:// or rediss:// URL, got ${url.protocol}//`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new ValidationError(`${flag}: the URL names no host`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new ValidationError(`${flag}: the database "${db}" is not a number 0-99`);
  const hasPassword = url.password !== '';
  if (!hasPassword && !isLoopbackName(host)) {
    throw new ValidationError(`${flag}: Redis on ${host} needs a password in the URL (redis://:PASSWORD@${host}:${port}); set requirepass in redis.conf (docs/CLUSTER.md)`);
  }
  return { url: text, display: `${url.protocol}//${url.hostname}:${port}${db === '' ? '' : `/${db}`}`, host, port, hasPassword };
}

/** The URL with any password replaced, for error messages about a URL that did not parse. */
function redact(text: string): string {
  return text.replace(/\/\/([^@/]*)@/, '//***@');
}

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || (isIP(host) !== 0 && isLoopback(host));
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip === '::ffff:127.0.0.1';
}

/**
 * True for addresses that do not route on the public internet: loopback, RFC 1918
 * private ranges, link-local, carrier-grade NAT (VPN overlays such as Tailscale use it)
 * and IPv6 unique-local / link-local.
 */
export function isPrivateAddress(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(v4) === 4) {
    const [a = -1, b = -1] = v4.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  const lower = ip.toLowerCase();
  return lower === '::1' || /^f[cd][0-9a-f]{2}:/.test(lower) || /^fe[89ab][0-9a-f]:/.test(lower);
}

/**
 * Resolves the host and refuses it unless every address it resolves to is loopback or
 * private: Redis has no business on a public address (docs/CLUSTER.md says how to reach
 * agents elsewhere over a VPN or an SSH tunnel).
 */
export async function checkPrivateNetwork(address: RedisAddress, flag = '--redis'): Promise<void> {
  let ips: string[];
  if (isIP(address.host) !== 0) ips = [address.host];
  else {
    try {
      ips = (await lookup(address.host, { all: true })).map((a) => a.address);
    } catch (error) {
      throw new ValidationError(`${flag}: cannot resolve ${address.host}: ${(error as Error).message}`);
    }
  }
  const publicIps = ips.filter((ip) => !isPrivateAddress(ip));
  if (publicIps.length > 0) {
    throw new ValidationError(
      `${flag}: ${address.host} resolves to the public address ${publicIps.join(', ')}; the cluster's Redis must be on this machine or a private network (docs/CLUSTER.md)`,
    );
  }
}
