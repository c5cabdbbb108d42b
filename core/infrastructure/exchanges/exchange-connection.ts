/** How the workstation talks to exchanges: their own hosts by default. */
export interface ExchangeConnection {
  /**
   * Send every request to this origin instead of the exchange's hosts, the host kept as
   * the first path segment (`https://api.binance.com/api/v3/klines` becomes
   * `ORIGIN/api.binance.com/api/v3/klines`): a local mirror, or the tests' exchange server.
   */
  readonly apiOrigin?: string;
  /** Milliseconds per unit of request cost for the library's rate limiter (default: the exchange's own pace). */
  readonly rateLimitMs?: number;
  /** Milliseconds before a request counts as failed (default: the library's 10 s). */
  readonly timeoutMs?: number;
}

/** Environment variables that set the connection for every command and the app (docs/MARKET-DATA.md). */
export const EXCHANGE_API_ENV = 'BWS_EXCHANGE_API';
export const EXCHANGE_RATE_LIMIT_ENV = 'BWS_EXCHANGE_RATE_LIMIT_MS';

/** Reads the connection settings from the environment; throws on a malformed value, naming the variable. */
export function exchangeConnectionFromEnv(env: Readonly<Record<string, string | undefined>>): ExchangeConnection {
  const origin = env[EXCHANGE_API_ENV]?.trim();
  const rate = env[EXCHANGE_RATE_LIMIT_ENV]?.trim();
  let apiOrigin: string | undefined;
  if (origin) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`${EXCHANGE_API_ENV}="${origin}" is not a URL (expected e.g. http://127.0.0.1:8400)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${EXCHANGE_API_ENV}="${origin}" must be an http or https URL`);
    apiOrigin = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }
  let rateLimitMs: number | undefined;
  if (rate) {
    rateLimitMs = Number(rate);
    if (!Number.isFinite(rateLimitMs) || rateLimitMs < 0) throw new Error(`${EXCHANGE_RATE_LIMIT_ENV}="${rate}" must be a number of milliseconds >= 0`);
  }
  return { ...(apiOrigin === undefined ? {} : { apiOrigin }), ...(rateLimitMs === undefined ? {} : { rateLimitMs }) };
}

/** Returns the library's API URL table with every http(s) URL moved under `origin` (see ExchangeConnection.apiOrigin). */
export function pointApiAt(urls: Readonly<Record<string, unknown>>, origin: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(urls).map(([key, url]) => [key, moved(url, origin)]));
}

function moved(url: unknown, origin: string): unknown {
  if (typeof url === 'string') return url.replace(/^https?:\/\/([^/]+)/, `${origin}/$1`);
  if (Array.isArray(url)) return url.map((item: unknown) => moved(item, origin));
  if (url !== null && typeof url === 'object') return Object.fromEntries(Object.entries(url).map(([key, item]) => [key, moved(item, origin)]));
  return url;
}
