import { CancelledError, MarketDataError } from '../errors.js';
import { SourceFailure } from './market-data-source.js';

/** How a request that failed for a passing reason (network, rate limit, maintenance) is tried again. */
export interface RetryPolicy {
  /** Tries of one request, the first included. */
  readonly attempts: number;
  /** Wait before the second try; it doubles with each try up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Six tries over about half a minute (1, 2, 4, 8, 16 s between them), longer when the exchange says so. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/** What retrying needs from its caller: cancel, a timer, and the policy. */
export interface RetryControl {
  isCancelled(): boolean;
  /** Calls `listener` once when the work is cancelled; returns an unsubscribe. */
  onCancel(listener: () => void): () => void;
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
  readonly retry?: RetryPolicy;
}

/** Runs requests against the exchange: cancellable while they wait, retried with backoff. */
export class Retrier {
  requests = 0;
  retries = 0;
  note: string | undefined;

  constructor(
    private readonly control: RetryControl,
    private readonly exchange: string,
    private readonly onWait: () => void = () => undefined,
  ) {}

  async run<T>(request: () => Promise<T>): Promise<T> {
    const policy = this.control.retry ?? DEFAULT_RETRY;
    for (let attempt = 1; ; attempt++) {
      this.throwIfCancelled();
      this.requests++;
      try {
        return await this.untilCancelled(request());
      } catch (error) {
        if (!(error instanceof SourceFailure)) throw error;
        if (error.kind === 'refused') throw new MarketDataError(`${this.exchange} refused the request: ${error.message}`, failureDetails(error));
        const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        const wait = Math.max(backoff, error.retryAfterMs ?? 0);
        if (attempt >= policy.attempts || wait > policy.maxDelayMs * 5) {
          throw new MarketDataError(`${this.exchange} ${describeFailure(error)} ${attempt === 1 ? 'at the first try' : `after ${attempt} tries`}`, failureDetails(error));
        }
        this.retries++;
        this.note = `${this.exchange} ${describeFailure(error)}; try ${attempt + 1} of ${policy.attempts} in ${Math.ceil(wait / 1000)} s`;
        this.onWait();
        await this.untilCancelled(this.control.sleep(wait));
        this.note = undefined;
      }
    }
  }

  throwIfCancelled(): void {
    if (this.control.isCancelled()) throw new CancelledError('Download cancelled');
  }

  /** Settles with `promise`, or rejects with CancelledError as soon as the download is cancelled. */
  private untilCancelled<T>(promise: Promise<T>): Promise<T> {
    let unsubscribe: () => void = () => undefined;
    const cancelled = new Promise<never>((_, reject) => {
      unsubscribe = this.control.onCancel(() => reject(new CancelledError('Download cancelled')));
    });
    return Promise.race([promise, cancelled]).finally(() => unsubscribe());
  }
}

function describeFailure(error: SourceFailure): string {
  const status = error.status === null ? '' : ` (HTTP ${error.status})`;
  switch (error.kind) {
    case 'rateLimit':
      return `kept answering that requests come too fast${status}`;
    case 'banned':
      return `refuses requests from this address for a while${status}${error.retryAfterMs ? `, for ${Math.ceil(error.retryAfterMs / 1000)} s` : ''}`;
    case 'maintenance':
      return `is unavailable or under maintenance${status}`;
    case 'network':
      return `could not be reached (${error.message})`;
    case 'refused':
      return `refused the request${status}: ${error.message}`;
  }
}

const failureDetails = (error: SourceFailure) => ({ kind: error.kind, status: error.status, detail: error.message });
