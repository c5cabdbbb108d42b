import { downloadBars, type DownloadProgress, type DownloadReport, type DownloadRequest, type RetryPolicy } from '../../application/data/download-bars.js';
import { openStorage } from '../sqlite/storage.js';
import { CcxtMarketDataSource } from './ccxt-market-data-source.js';
import type { ExchangeConnection } from './exchange-connection.js';

/** How often a waiting request looks at the cancel flag. */
const CANCEL_POLL_MS = 50;

export interface DownloadHereControl {
  readonly connection?: ExchangeConnection;
  readonly retry?: RetryPolicy;
  /** Polled while requests and backoff waits are pending, and between pages. */
  readonly isCancelled: () => boolean;
  readonly onProgress?: (progress: DownloadProgress) => void;
}

/**
 * Downloads into the database file in the calling thread (the download worker calls this):
 * its own connection, the exchange library, the wall clock and real timers.
 */
export async function downloadIntoFile(dbFile: string, request: DownloadRequest, control: DownloadHereControl): Promise<DownloadReport> {
  // One reader: the instrument and coverage lookups before a slice's write read through it.
  const storage = openStorage({ file: dbFile, readers: 1 });
  const listeners = new Set<() => void>();
  const poll = setInterval(() => {
    if (!control.isCancelled()) return;
    for (const listener of [...listeners]) listener();
    listeners.clear();
  }, CANCEL_POLL_MS);
  try {
    const source = new CcxtMarketDataSource(request.exchange, control.connection);
    return await downloadBars(storage.barStore, source, request, {
      now: () => Date.now(),
      isCancelled: control.isCancelled,
      onCancel(listener) {
        if (control.isCancelled()) {
          listener();
          return () => undefined;
        }
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...(control.onProgress ? { onProgress: control.onProgress } : {}),
      ...(control.retry ? { retry: control.retry } : {}),
    });
  } finally {
    clearInterval(poll);
    storage.close();
  }
}
