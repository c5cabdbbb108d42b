import { toApiError } from './api-error.js';
import type { Transport } from './transport.js';

/** The preload bridge (electron/preload): `invoke` and `on` only. */
export interface PreloadBridge {
  invoke(name: string, args: unknown): Promise<unknown>;
  on(event: string, callback: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    bws?: PreloadBridge;
  }
}

type Envelope = { ok: true; value: unknown } | { ok: false; error: unknown };

const isEnvelope = (value: unknown): value is Envelope => typeof value === 'object' && value !== null && 'ok' in value;

/** Returns a transport over the Electron preload bridge. */
export function electronTransport(bridge: PreloadBridge): Transport {
  return {
    async invoke(name, args) {
      const answer = await bridge.invoke(name, args);
      if (!isEnvelope(answer)) return answer;
      if (answer.ok) return answer.value;
      throw toApiError(answer.error);
    },
    on: (event, callback) => bridge.on(event, callback),
  };
}
