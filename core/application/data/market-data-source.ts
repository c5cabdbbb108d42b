import type { BarColumns } from '../../domain/market/bars.js';
import type { Timeframe } from '../../domain/market/timeframe.js';

/** What an exchange says about one of its markets: the facts kept with the instrument. */
export interface MarketFacts {
  /** The exchange's id in the exchange library ('binance'). */
  readonly exchange: string;
  /** The exchange's name, kept as the instrument's venue ('Binance'). */
  readonly venue: string;
  /** The market as BASE/QUOTE ('BTC/USDT'). */
  readonly market: string;
  readonly quoteCurrency: string;
  /** Smallest price step; null when the exchange does not say (the importer then takes it from the prices). */
  readonly priceTick: number | null;
  /** Smallest quantity step; null when the exchange does not say. */
  readonly quantityStep: number | null;
  /** The most candles one request returns. */
  readonly pageLimit: number;
}

/**
 * Why a request to an exchange failed: 'network' (no answer, timeout), 'rateLimit'
 * (HTTP 429), 'banned' (HTTP 418: too many requests, the address is refused for a while),
 * 'maintenance' (HTTP 5xx or a maintenance answer) are passing and retried with backoff;
 * 'refused' (any other error answer) is not.
 */
export type SourceFailureKind = 'network' | 'rateLimit' | 'banned' | 'maintenance' | 'refused';

/** A failed request to an exchange, as the MarketDataSource port reports it. */
export class SourceFailure extends Error {
  constructor(
    readonly kind: SourceFailureKind,
    message: string,
    /** What the exchange asked to wait before the next request (a Retry-After header), if it said. */
    readonly retryAfterMs: number | null = null,
    /** The HTTP status of the answer, if there was one. */
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'SourceFailure';
  }
}

/**
 * Candles from an exchange (the ccxt adapter in the app). Every method may throw
 * SourceFailure; unknown markets and timeframes are NotFoundError / ValidationError
 * naming the closest ones the exchange has.
 */
export interface MarketDataSource {
  /** The exchange's id ('binance'). */
  readonly exchange: string;
  /** Loads the exchange's markets (once) and returns the facts of `market`, checking it has `timeframe` candles. */
  describeMarket(market: string, timeframe: Timeframe): Promise<MarketFacts>;
  /** Candles opening at or after `since`, oldest first, at most `limit` (the exchange may return fewer, or older ones). */
  fetchCandles(market: string, timeframe: Timeframe, since: number, limit: number): Promise<BarColumns>;
  /** The open time of the newest candle the exchange has for the market, or null when it has none. */
  newestCandleTs(market: string, timeframe: Timeframe): Promise<number | null>;
}
