import type { ArgsOf, EventName, HandlerName, ResultOf, WorkstationEvents } from './contract.js';
import { startEarly, takeEarly, takeSettledEarly } from './early-calls.js';
import { readToken } from './token.js';
import type { BarsDownload, Transport } from './transport.js';
import { electronTransport } from './transport-electron.js';
import { webTransport } from './transport-web.js';

/** The one API client: typed from the contract, over the preload bridge in Electron, else HTTP + WebSocket. */
export interface ApiClient {
  readonly mode: 'electron' | 'web';
  invoke<K extends HandlerName>(name: K, ...args: undefined extends ArgsOf<K> ? [args?: ArgsOf<K>] : [args: ArgsOf<K>]): Promise<ResultOf<K>>;
  on<E extends EventName>(event: E, callback: (payload: WorkstationEvents[E]) => void): () => void;
  /** Web mode: sends a picked file to the server and returns the path `data/import` takes. */
  upload(file: File): Promise<string>;
  /** Web mode: has the browser download a series as CSV, streamed by the server. */
  downloadBars(query: BarsDownload): void;
}

/** Returns a client over the given transport. */
export function createClient(transport: Transport, mode: ApiClient['mode']): ApiClient {
  return {
    mode,
    invoke: (name, ...args) => (takeEarly(name, args[0]) ?? transport.invoke(name, args[0])) as never,
    on: (event, callback) => transport.on(event, callback as (payload: unknown) => void),
    upload: (file) => {
      if (!transport.upload) return Promise.reject(new Error('Uploads exist only in web mode; use the file dialog.'));
      return transport.upload(file);
    },
    downloadBars: (query) => {
      if (!transport.barsDownloadUrl) throw new Error('Downloads exist only in web mode; use the save dialog.');
      const link = document.createElement('a');
      link.href = transport.barsDownloadUrl(query);
      link.download = `${query.symbol}-${query.timeframe}.csv`;
      link.click();
    },
  };
}

let instance: ApiClient | null = null;

/** Returns the app's client, created on first use for whichever transport this page has. */
export function api(): ApiClient {
  if (!instance) {
    instance = window.bws ? createClient(electronTransport(window.bws), 'electron') : createClient(webTransport(readToken()), 'web');
  }
  return instance;
}

/**
 * Starts the calls the first screen makes on mount, before React and the app code have
 * been evaluated: called from the entry module's first import (see boot.ts).
 */
export function startFirstScreenCalls(screen: string): void {
  const transport = api();
  // [name, args, the first render waits for it]: the Data screen's list is what it shows
  // (its "Start here" panel, from the strategy count, may come a frame later).
  const calls: [HandlerName, unknown, boolean][] = [['system/info', undefined, false]];
  if (screen === 'data') calls.push(['data/listSeries', undefined, true], ['strategies/list', { limit: 1 }, false]);
  for (const [name, args, awaited] of calls) startEarly(name, args, () => transport.invoke(name as never, args as never), awaited);
}

/**
 * The answer of a call started early (above) if it is already back, for a first render
 * that shows it at once; taken, so the screen's own load does not ask again.
 */
export function settledEarly<K extends HandlerName>(name: K, args?: ArgsOf<K>): { readonly value: ResultOf<K> } | undefined {
  return takeSettledEarly(name, args) as { readonly value: ResultOf<K> } | undefined;
}
