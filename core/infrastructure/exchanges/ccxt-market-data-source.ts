import ccxt, { BaseError, DDoSProtection, Exchange, NetworkError, OnMaintenance, RateLimitExceeded } from 'ccxt';
import { allocateBars, type BarColumns } from '../../domain/market/bars.js';
import { TIMEFRAMES, type Timeframe } from '../../domain/market/timeframe.js';
import { SourceFailure, type MarketDataSource, type MarketFacts } from '../../application/data/market-data-source.js';
import { NotFoundError, ValidationError } from '../../application/errors.js';
import { closestText } from './closest-matches.js';
import { pointApiAt, type ExchangeConnection } from './exchange-connection.js';

/** Candles per request when an exchange does not say its maximum (small enough for any). */
const FALLBACK_PAGE_LIMIT = 100;

/** True for an exchange class of the library (a constructor whose instances are Exchanges). */
function isExchangeClass(value: unknown): value is new (config?: Record<string, unknown>) => Exchange {
  return typeof value === 'function' && value.prototype instanceof Exchange;
}

/** The answer of the last request: its HTTP status and the wait it asked for. */
interface LastAnswer {
  status: number | null;
  retryAfterMs: number | null;
}

/** Reads a Retry-After header: seconds, or an HTTP date. */
function retryAfterMs(value: unknown, now: number): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/**
 * The MarketDataSource port on ccxt: any exchange the library knows that serves OHLCV
 * (tested against Binance's and Upbit's API shapes). Requests go through the library's
 * own rate limiter (`enableRateLimit`, paced per exchange); failures become SourceFailure
 * by the library's error classes and the answer's HTTP status (Upbit answers 429 with a
 * JSON body the library reads as a generic exchange error).
 */
export class CcxtMarketDataSource implements MarketDataSource {
  private readonly api: Exchange;
  private readonly last: LastAnswer = { status: null, retryAfterMs: null };
  private markets: Promise<void> | null = null;

  /** Throws ValidationError naming the closest known exchanges when `exchange` is not one. */
  constructor(
    readonly exchange: string,
    connection: ExchangeConnection = {},
  ) {
    const constructors: Readonly<Record<string, unknown>> = ccxt;
    const known = ccxt.exchanges.includes(exchange) ? constructors[exchange] : undefined;
    if (!isExchangeClass(known)) throw new ValidationError(`Unknown exchange "${exchange}".${closestText(exchange, ccxt.exchanges)}`);
    this.api = new known({
      enableRateLimit: true,
      // The runtime's own fetch: the library otherwise imports undici dynamically, which does
      // not survive bundling into the worker (its exports arrive empty) and is not in the app.
      fetchImplementation: fetch,
      ...(connection.rateLimitMs === undefined ? {} : { rateLimit: connection.rateLimitMs }),
      ...(connection.timeoutMs === undefined ? {} : { timeout: connection.timeoutMs }),
    });
    if (!this.api.has['fetchOHLCV']) throw new ValidationError(`${this.api.name ?? exchange} does not serve candles (OHLCV) through the exchange library`);
    if (connection.apiOrigin !== undefined) this.api.urls['api'] = pointApiAt(this.api.urls['api'], connection.apiOrigin);
    // Keep the status and Retry-After of every answer: the library's errors do not carry them.
    const onRestResponse = this.api.onRestResponse.bind(this.api);
    this.api.onRestResponse = (status: number, statusText: string, url: string, method: string, headers: Record<string, unknown>, body: string, requestHeaders: unknown, requestBody: unknown) => {
      this.last.status = status;
      this.last.retryAfterMs = retryAfterMs(headers['Retry-After'] ?? headers['retry-after'], Date.now());
      return onRestResponse(status, statusText, url, method, headers, body, requestHeaders, requestBody);
    };
  }

  async describeMarket(market: string, timeframe: Timeframe): Promise<MarketFacts> {
    const api = this.api;
    // The library knows an exchange's timeframes without asking it: check them first.
    const offered = Object.keys(api.timeframes ?? {});
    if (!offered.includes(timeframe)) {
      const storable = offered.filter((tf) => (TIMEFRAMES as readonly string[]).includes(tf));
      throw new ValidationError(
        `${api.name} has no ${timeframe} candles; of the workstation's timeframes it offers ${storable.join(', ') || 'none'} (all of its own: ${offered.join(', ')})`,
      );
    }
    await this.loadMarkets();
    const found = this.findMarket(market);
    const precision = found.precision ?? {};
    return {
      exchange: this.exchange,
      venue: api.name ?? this.exchange,
      market: found.symbol,
      quoteCurrency: found.quote,
      priceTick: this.step(precision.price),
      quantityStep: this.step(precision.amount),
      pageLimit: this.pageLimit(found),
    };
  }

  async fetchCandles(market: string, timeframe: Timeframe, since: number, limit: number): Promise<BarColumns> {
    return toColumns(await this.call(() => this.api.fetchOHLCV(market, timeframe, since, limit)));
  }

  async newestCandleTs(market: string, timeframe: Timeframe): Promise<number | null> {
    const rows = await this.call(() => this.api.fetchOHLCV(market, timeframe, undefined, 2));
    const last = rows.at(-1)?.[0];
    return typeof last === 'number' ? last : null;
  }

  private loadMarkets(): Promise<void> {
    this.markets ??= this.call(() => this.api.loadMarkets()).then(
      () => undefined,
      (error: unknown) => {
        this.markets = null; // a later try loads them again
        throw error;
      },
    );
    return this.markets;
  }

  /** The market by its BASE/QUOTE symbol, else by the exchange's own id ('BTCUSDT', 'KRW-BTC'); NotFoundError with the closest otherwise. */
  private findMarket(wanted: string): { symbol: string; quote: string; type?: string; linear?: boolean; inverse?: boolean; precision?: { price?: number; amount?: number } } {
    const markets = this.api.markets ?? {};
    const direct = markets[wanted] ?? markets[wanted.toUpperCase()];
    if (direct) return direct;
    const byId = this.api.markets_by_id?.[wanted] ?? this.api.markets_by_id?.[wanted.toUpperCase()];
    if (Array.isArray(byId) && byId[0]) return byId[0];
    // 'btc-usdt', 'BTC_USDT': the one market whose symbol or id reads the same once case and separators are folded.
    const folded = foldMarket(wanted);
    const same = Object.values(markets).filter((m: { symbol: string; id: string }) => foldMarket(m.symbol) === folded || foldMarket(m.id) === folded);
    if (same.length === 1) return same[0];
    throw new NotFoundError(`${this.api.name} has no market "${wanted}".${closestText(wanted, Object.keys(markets))}`, { exchange: this.exchange, market: wanted });
  }

  /** A tick or step from the market's precision, by the exchange's precision mode (significant digits say nothing). */
  private step(value: number | undefined): number | null {
    if (value === undefined || !Number.isFinite(value) || value <= 0) return null;
    if (this.api.precisionMode === ccxt.TICK_SIZE) return value;
    if (this.api.precisionMode === ccxt.DECIMAL_PLACES && Number.isInteger(value)) return Number((10 ** -value).toFixed(value));
    return null;
  }

  /** The most candles one request may ask for, as the library's feature table says for the market's type. */
  private pageLimit(market: { type?: string; linear?: boolean; inverse?: boolean }): number {
    const features = this.api.features ?? {};
    const byType = market.type ? features[market.type] : undefined;
    const table = byType && (market.linear ? byType['linear'] : market.inverse ? byType['inverse'] : byType);
    const limit = (table?.['fetchOHLCV'] ?? features['spot']?.['fetchOHLCV'])?.['limit'];
    return typeof limit === 'number' && limit > 0 ? limit : FALLBACK_PAGE_LIMIT;
  }

  /** Runs a library call, turning its failures into SourceFailure (by error class and HTTP status). */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    this.last.status = null;
    this.last.retryAfterMs = null;
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof BaseError)) throw error;
      throw this.failure(error);
    }
  }

  private failure(error: BaseError): SourceFailure {
    const { status, retryAfterMs: wait } = this.last;
    const message = error.message.length > 300 ? `${error.message.slice(0, 300)}…` : error.message;
    if (status === 418) return new SourceFailure('banned', message, wait, status);
    if (status === 429 || error instanceof RateLimitExceeded) return new SourceFailure('rateLimit', message, wait, status);
    if (error instanceof DDoSProtection) return new SourceFailure('rateLimit', message, wait, status);
    if (error instanceof OnMaintenance || (status !== null && status >= 500)) return new SourceFailure('maintenance', message, wait, status);
    if (error instanceof NetworkError && (status === null || status === 200)) return new SourceFailure('network', message, wait, status);
    return new SourceFailure('refused', message, wait, status);
  }
}

const foldMarket = (text: string): string => text.toUpperCase().replace(/[\s/_:.-]+/g, '');

/** The library's [ts, open, high, low, close, volume] rows as columns (a missing volume is 0, a missing price NaN: refused by the importer). */
function toColumns(rows: readonly (readonly (number | undefined | null)[])[]): BarColumns {
  const bars = allocateBars(rows.length);
  rows.forEach((row, i) => {
    bars.ts[i] = row[0] ?? Number.NaN;
    bars.open[i] = row[1] ?? Number.NaN;
    bars.high[i] = row[2] ?? Number.NaN;
    bars.low[i] = row[3] ?? Number.NaN;
    bars.close[i] = row[4] ?? Number.NaN;
    bars.volume[i] = row[5] ?? 0;
  });
  return bars;
}
