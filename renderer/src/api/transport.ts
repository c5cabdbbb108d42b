/** What the client needs from a transport: call a handler by name, listen to pushed events. */
export interface Transport {
  invoke(name: string, args: unknown): Promise<unknown>;
  on(event: string, callback: (payload: unknown) => void): () => void;
  /** Web mode only: uploads a file the user picked and returns the server-side path to import. */
  upload?(file: File): Promise<string>;
  /** Web mode only: the URL that downloads a series as CSV (token included: a link sends no headers). */
  barsDownloadUrl?(query: BarsDownload): string;
}

export interface BarsDownload {
  readonly symbol: string;
  readonly timeframe: string;
  readonly fromTs?: number;
  readonly toTs?: number;
}
