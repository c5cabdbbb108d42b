// A local HTTP server that answers like Binance's and Upbit's public REST APIs, for tests
// without internet: the exchange library is pointed at it (ExchangeConnection.apiOrigin)
// and sends exactly the requests it sends to the real hosts, with the host as the first
// path segment. Shapes follow the exchanges' documentation and the library's parsers:
//   Binance  GET /api/v3/exchangeInfo, /fapi/v1/exchangeInfo, /dapi/v1/exchangeInfo,
//            GET /api/v3/klines?symbol&interval&startTime&endTime&limit (oldest first,
//            limit 500 by default, 1000 at most; -1121 Invalid symbol, -1120 Invalid interval)
//   Upbit    GET /v1/market/all, GET /v1/candles/minutes/{unit}|days?market&count&to
//            (newest first, `to` exclusive, 200 at most; a minute without trades has no candle)
// Rate-limit and failure answers as the exchanges give them: 429 with Retry-After and
// Binance's -1003 body, 418 for a ban, 503 for maintenance, a dropped connection.
// Candles come from fixtures/binance-archives/synthetic-klines.mjs, so downloaded bars
// and imported archive bars of the same minute agree.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { centsText, syntheticCandle, volumeText } from '../../../fixtures/binance-archives/synthetic-klines.mjs';

const MINUTE = 60_000;
const BINANCE_INTERVALS: Readonly<Record<string, number>> = {
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': 60 * MINUTE,
  '2h': 120 * MINUTE,
  '4h': 240 * MINUTE,
  '6h': 360 * MINUTE,
  '8h': 480 * MINUTE,
  '12h': 720 * MINUTE,
  '1d': 1440 * MINUTE,
};
const UPBIT_MINUTE_UNITS = [1, 3, 5, 10, 15, 30, 60, 240];

/** A market the server lists, with how its candles are made. */
export interface FakeMarket {
  /** The exchange's id of the market ('BTCUSDT', 'KRW-BTC'). */
  readonly id: string;
  readonly base: string;
  readonly quote: string;
  /** Binance's PRICE_FILTER tickSize and LOT_SIZE stepSize. */
  readonly tickSize?: string;
  readonly stepSize?: string;
  /** Open time of the first candle. */
  readonly listedTs: number;
  /** Prices are the synthetic candle's cents times this (e.g. 10 for KRW prices). */
  readonly scale?: number;
  /** Spans without candles (no trades, maintenance): [fromTs, toTs). */
  readonly holes?: readonly { readonly fromTs: number; readonly toTs: number }[];
  /** A candle only where a minute's hash says there were trades (about two minutes in three), like a quiet Upbit market. */
  readonly sparse?: boolean;
  /** The candle at this open time, and every thousandth after it, is unsound (its low above its open): a broken feed. */
  readonly unsoundFromTs?: number;
}

export type FaultKind = 'rateLimit' | 'banned' | 'maintenance' | 'disconnect';

export interface FakeRequest {
  readonly exchange: 'binance' | 'upbit';
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

export const BINANCE_MARKETS: readonly FakeMarket[] = [
  { id: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: '0.01000000', stepSize: '0.00001000', listedTs: Date.UTC(2017, 7, 17) },
  { id: 'ETHUSDT', base: 'ETH', quote: 'USDT', tickSize: '0.01000000', stepSize: '0.00010000', listedTs: Date.UTC(2017, 7, 17) },
  { id: 'BTCEUR', base: 'BTC', quote: 'EUR', tickSize: '0.01000000', stepSize: '0.00001000', listedTs: Date.UTC(2020, 0, 3) },
  { id: 'BNBUSDT', base: 'BNB', quote: 'USDT', tickSize: '0.01000000', stepSize: '0.00100000', listedTs: Date.UTC(2017, 10, 6) },
];

export const UPBIT_MARKETS: readonly FakeMarket[] = [
  { id: 'KRW-BTC', base: 'BTC', quote: 'KRW', listedTs: Date.UTC(2017, 8, 25), scale: 10 },
  { id: 'KRW-ETH', base: 'ETH', quote: 'KRW', listedTs: Date.UTC(2017, 8, 25), scale: 10 },
  { id: 'KRW-XRP', base: 'XRP', quote: 'KRW', listedTs: Date.UTC(2017, 8, 25), sparse: true },
];

const KOREAN_NAMES: Readonly<Record<string, string>> = { BTC: '비트코인', ETH: '이더리움', XRP: '리플' };
const ENGLISH_NAMES: Readonly<Record<string, string>> = { BTC: 'Bitcoin', ETH: 'Ethereum', XRP: 'XRP' };

function hash(minute: number): number {
  let h = Math.imul(minute | 0, 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** A candle of the market at `ts`, or null where it has none (before listing, in a hole, a quiet minute). */
export function fakeCandle(market: FakeMarket, ts: number, stepMs: number): { ts: number; open: number; high: number; low: number; close: number; volume: number } | null {
  if (ts < market.listedTs) return null;
  if (market.holes?.some((hole) => ts >= hole.fromTs && ts < hole.toTs)) return null;
  if (market.sparse && stepMs === MINUTE && hash(Math.floor(ts / MINUTE)) % 3 === 0) return null;
  const candle = syntheticCandle(ts, stepMs);
  const scale = market.scale ?? 1;
  const unsound = market.unsoundFromTs !== undefined && ts >= market.unsoundFromTs && (ts - market.unsoundFromTs) % (1000 * MINUTE) === 0;
  const low = unsound ? candle.open + 100 : candle.low;
  return { ts, open: candle.open * scale, high: candle.high * scale, low: low * scale, close: candle.close * scale, volume: candle.volume };
}

/**
 * The server. `now` is the exchanges' present: candles exist up to the one forming at
 * `now` (set it to move time on, e.g. "a day later"). Faults and holds apply to candle
 * requests only (not to market lists), as rate limits bite during paging.
 */
export class FakeExchangeServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private faults: { kind: FaultKind; remaining: number; retryAfterS: number | null; after?: number }[] = [];
  /** Candle requests received so far. */
  private candleCount = 0;
  private held: { fromTs: number; waiting: (() => void)[] } | null = null;
  readonly requests: FakeRequest[] = [];
  now: number;
  origin = '';
  binanceMarkets: FakeMarket[] = [...BINANCE_MARKETS];
  upbitMarkets: FakeMarket[] = [...UPBIT_MARKETS];

  constructor(options: { now?: number } = {}) {
    this.now = options.now ?? Date.now();
    this.server = createServer((request, response) => void this.answer(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1 and a free port; resolves with the origin to point the library at. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.origin;
  }

  async stop(): Promise<void> {
    this.release();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `count` candle requests fail with `kind` (a Retry-After of `retryAfterS` seconds for rate limits and bans). */
  fail(kind: FaultKind, count: number, retryAfterS: number | null = null): void {
    this.faults.push({ kind, remaining: count, retryAfterS });
  }

  /** Every candle request fails with `kind` until `heal()`, from the `after`-th candle request from now on. */
  outage(kind: FaultKind, after = 0): void {
    this.faults = [{ kind, remaining: Number.POSITIVE_INFINITY, retryAfterS: null, after: this.candleCount + after }];
  }

  heal(): void {
    this.faults = [];
  }

  /** Candle requests for candles at or after `fromTs` wait (unanswered) until `release()`. */
  hold(fromTs: number): void {
    this.held = { fromTs, waiting: this.held?.waiting ?? [] };
  }

  release(): void {
    const waiting = this.held?.waiting ?? [];
    this.held = null;
    for (const go of waiting) go();
  }

  /** Requests waiting behind a hold. */
  get waiting(): number {
    return this.held?.waiting.length ?? 0;
  }

  /** Candle requests answered or seen so far, of one exchange. */
  candleRequests(exchange: 'binance' | 'upbit'): FakeRequest[] {
    return this.requests.filter((r) => r.exchange === exchange && (r.path.endsWith('/klines') || r.path.includes('/candles/')));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const [, host = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const query = Object.fromEntries(url.searchParams);
    const exchange = host.endsWith('binance.com') ? 'binance' : host.endsWith('upbit.com') ? 'upbit' : null;
    if (!exchange || request.method !== 'GET') return send(response, 404, { code: -1, msg: `No such host or method: ${host}` });
    this.requests.push({ exchange, path, query });
    const candles = path.endsWith('/klines') || path.startsWith('/v1/candles/');
    if (candles) {
      const since = exchange === 'binance' ? Number(query['startTime'] ?? Number.NaN) : upbitWindowStart(path, query);
      if (this.held && Number.isFinite(since) && since >= this.held.fromTs) await new Promise<void>((resolve) => this.held!.waiting.push(resolve));
      if (this.fault(exchange, response)) return;
    }
    if (exchange === 'binance') this.binance(path, query, response);
    else this.upbit(path, query, response);
  }

  /** Answers the next planned fault, if any; true when it did. */
  private fault(exchange: 'binance' | 'upbit', response: ServerResponse): boolean {
    const fault = this.faults[0];
    this.candleCount++;
    if (!fault || (fault.after !== undefined && this.candleCount <= fault.after)) return false;
    if (--fault.remaining <= 0) this.faults.shift();
    const retry: Record<string, string> = fault.retryAfterS === null ? {} : { 'Retry-After': String(fault.retryAfterS) };
    switch (fault.kind) {
      case 'disconnect':
        response.socket?.destroy();
        return true;
      case 'maintenance':
        response.writeHead(503, { 'Content-Type': 'text/html' }).end('<html><body><h1>503 Service Unavailable</h1>System maintenance.</body></html>');
        return true;
      case 'rateLimit':
        if (exchange === 'binance') send(response, 429, { code: -1003, msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.' }, retry);
        else send(response, 429, { error: { name: 'too_many_requests', message: 'Too many API requests.' } }, { 'Remaining-Req': 'group=candles; min=0; sec=0', ...retry });
        return true;
      case 'banned':
        if (exchange === 'binance') send(response, 418, { code: -1003, msg: `Way too many requests; IP(127.0.0.1) banned until ${this.now + 120_000}. Please use WebSocket Streams for live updates to avoid bans.` }, retry);
        else send(response, 418, { error: { name: 'too_many_requests', message: 'Too many API requests.' } }, retry);
        return true;
    }
  }

  private binance(path: string, query: Readonly<Record<string, string>>, response: ServerResponse): void {
    const info = { timezone: 'UTC', serverTime: this.now, rateLimits: BINANCE_RATE_LIMITS, exchangeFilters: [] };
    if (path === '/api/v3/exchangeInfo') return send(response, 200, { ...info, symbols: this.binanceMarkets.map(binanceSymbol) });
    if (path === '/fapi/v1/exchangeInfo' || path === '/dapi/v1/exchangeInfo') return send(response, 200, { ...info, assets: [], symbols: [] });
    if (path === '/api/v3/time') return send(response, 200, { serverTime: this.now });
    if (path !== '/api/v3/klines') return send(response, 404, { code: -1, msg: 'Unknown path' });
    const market = this.binanceMarkets.find((m) => m.id === query['symbol']);
    if (!market) return send(response, 400, { code: -1121, msg: 'Invalid symbol.' });
    const step = BINANCE_INTERVALS[query['interval'] ?? ''];
    if (!step) return send(response, 400, { code: -1120, msg: 'Invalid interval.' });
    const limit = query['limit'] === undefined ? 500 : Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return send(response, 400, { code: -1130, msg: 'Invalid data sent for a parameter.' });
    const forming = Math.floor(this.now / step) * step;
    const end = Math.min(forming, query['endTime'] === undefined ? forming : Math.floor(Number(query['endTime']) / step) * step);
    const rows: unknown[][] = [];
    if (query['startTime'] === undefined) {
      // The most recent klines, the forming one last.
      for (let ts = end; ts >= market.listedTs && rows.length < limit; ts -= step) {
        const row = binanceRow(market, ts, step);
        if (row) rows.unshift(row);
      }
    } else {
      const first = Math.ceil(Math.max(Number(query['startTime']), market.listedTs) / step) * step;
      for (let ts = first; ts <= end && rows.length < limit; ts += step) {
        const row = binanceRow(market, ts, step);
        if (row) rows.push(row);
      }
    }
    send(response, 200, rows, { 'x-mbx-used-weight-1m': String(Math.min(6000, this.requests.length)) });
  }

  private upbit(path: string, query: Readonly<Record<string, string>>, response: ServerResponse): void {
    if (path === '/v1/market/all') {
      return send(
        response,
        200,
        this.upbitMarkets.map((m) => ({ market: m.id, korean_name: KOREAN_NAMES[m.base] ?? m.base, english_name: ENGLISH_NAMES[m.base] ?? m.base })),
        { 'Remaining-Req': 'group=market; min=599; sec=9' },
      );
    }
    const minutes = /^\/v1\/candles\/minutes\/(\d+)$/.exec(path);
    const step = minutes ? Number(minutes[1]) * MINUTE : path === '/v1/candles/days' ? 1440 * MINUTE : null;
    if (step === null || (minutes && !UPBIT_MINUTE_UNITS.includes(Number(minutes[1])))) return send(response, 404, { error: { name: 'not_found', message: 'Not found' } });
    const market = this.upbitMarkets.find((m) => m.id === query['market']);
    if (!market) return send(response, 404, { error: { name: '404', message: 'Code not found' } });
    const count = query['count'] === undefined ? 1 : Number(query['count']);
    if (!Number.isInteger(count) || count < 1 || count > 200) return send(response, 400, { error: { name: 'validation_error', message: 'count must be between 1 and 200' } });
    const forming = Math.floor(this.now / step) * step;
    // `to` is exclusive: the newest candle opens before it.
    const to = query['to'] === undefined ? forming + step : Date.parse(query['to']);
    if (!Number.isFinite(to)) return send(response, 400, { error: { name: 'validation_error', message: 'invalid to' } });
    const rows: unknown[] = [];
    const unit = minutes ? Number(minutes[1]) : null;
    for (let ts = Math.min(forming, Math.ceil(to / step) * step - step); ts >= market.listedTs && rows.length < count; ts -= step) {
      const candle = fakeCandle(market, ts, step);
      if (!candle) continue;
      rows.push(upbitCandle(market, candle, unit));
    }
    send(response, 200, rows, { 'Remaining-Req': 'group=candles; min=1799; sec=29' });
  }
}

/** Where an Upbit candle request's window starts: `count` candles before its `to`. */
function upbitWindowStart(path: string, query: Readonly<Record<string, string>>): number {
  const to = query['to'] === undefined ? Number.NaN : Date.parse(query['to']);
  const unit = Number(/\/minutes\/(\d+)$/.exec(path)?.[1] ?? 1440);
  return to - Number(query['count'] ?? 1) * unit * MINUTE;
}

const BINANCE_RATE_LIMITS = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
  { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
];

function binanceSymbol(market: FakeMarket) {
  return {
    symbol: market.id,
    status: 'TRADING',
    baseAsset: market.base,
    baseAssetPrecision: 8,
    quoteAsset: market.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: true,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: market.tickSize ?? '0.01000000', maxPrice: '1000000.00000000', tickSize: market.tickSize ?? '0.01000000' },
      { filterType: 'LOT_SIZE', minQty: market.stepSize ?? '0.00001000', maxQty: '9000.00000000', stepSize: market.stepSize ?? '0.00001000' },
      { filterType: 'MIN_NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
    ],
    permissions: [],
    permissionSets: [['SPOT', 'MARGIN']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

/** A kline as Binance sends it: 12 fields, prices and volumes as strings with 8 decimals. */
function binanceRow(market: FakeMarket, ts: number, step: number): unknown[] | null {
  const c = fakeCandle(market, ts, step);
  if (!c) return null;
  return [ts, centsText(c.open), centsText(c.high), centsText(c.low), centsText(c.close), volumeText(c.volume), ts + step - 1, '0.00000000', 100, volumeText(Math.floor(c.volume / 2)), '0.00000000', '0'];
}

function isoSeconds(ts: number): string {
  return new Date(ts).toISOString().slice(0, 19);
}

/** A candle as Upbit sends it: numbers, times without a zone, newest first in the list. */
function upbitCandle(market: FakeMarket, c: { ts: number; open: number; high: number; low: number; close: number; volume: number }, unit: number | null) {
  return {
    market: market.id,
    candle_date_time_utc: isoSeconds(c.ts),
    candle_date_time_kst: isoSeconds(c.ts + 9 * 3_600_000),
    opening_price: c.open / 100,
    high_price: c.high / 100,
    low_price: c.low / 100,
    trade_price: c.close / 100,
    timestamp: c.ts + 59_000,
    candle_acc_trade_price: (c.volume / 1e5) * (c.close / 100),
    candle_acc_trade_volume: c.volume / 1e5,
    ...(unit === null ? { prev_closing_price: c.open / 100, change_price: (c.close - c.open) / 100, change_rate: (c.close - c.open) / c.open } : { unit }),
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers }).end(JSON.stringify(body));
}
