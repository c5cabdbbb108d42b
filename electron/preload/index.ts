// The only bridge between the sandboxed renderer and the main process. It exposes two
// functions and nothing else: no ipcRenderer, no Node. Bundled as CommonJS (sandboxed
// preloads may require only 'electron'); the channel names repeat those of
// electron/main/modules/ipc.ts because a sandboxed preload cannot import main code.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const INVOKE_CHANNEL = 'bws:invoke';
const EVENT_CHANNEL = 'bws:event';

interface EventMessage {
  readonly name: string;
  readonly payload: unknown;
}

const bridge = {
  /** Calls a handler of the contract; resolves with `{ ok, value | error }`. */
  invoke(name: string, args?: unknown): Promise<unknown> {
    if (typeof name !== 'string') return Promise.reject(new TypeError('invoke(name, args): name must be a string'));
    return ipcRenderer.invoke(INVOKE_CHANNEL, name, args);
  },
  /** Subscribes to one event; returns the unsubscribe function. */
  on(event: string, callback: (payload: unknown) => void): () => void {
    if (typeof event !== 'string' || typeof callback !== 'function') throw new TypeError('on(event, callback)');
    const listener = (_event: IpcRendererEvent, message: EventMessage) => {
      if (message?.name === event) callback(message.payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, listener);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, listener);
  },
};

contextBridge.exposeInMainWorld('bws', bridge);
