// A stand-in for the `electron` module, for running the real main-process bundle
// (dist/electron/index.js) under plain Node: it records what the main process registers
// (IPC handlers, the app protocol, windows) so a test can call into it. Nothing here
// imitates Chromium; it is the API surface the main modules touch.
import { EventEmitter } from 'node:events';

const recorded = { ipc: new Map(), protocols: new Map(), windows: [], privilegedSchemes: [], quitCalls: 0, exitCode: null, errorBoxes: [], menuSet: false };
globalThis.__fakeElectron = recorded;

class FakeApp extends EventEmitter {
  isPackaged = false;
  whenReady() {
    return new Promise((resolve) => setImmediate(resolve));
  }
  requestSingleInstanceLock() {
    return true;
  }
  quit() {
    recorded.quitCalls++;
    this.emit('quit-called');
  }
  exit(code) {
    recorded.exitCode = code;
    this.emit('exit-called', code);
  }
}
export const app = new FakeApp();

class FakeWebContents extends EventEmitter {
  url = '';
  sent = [];
  isDestroyed() {
    return false;
  }
  getURL() {
    return this.url;
  }
  send(channel, message) {
    this.sent.push({ channel, message });
    recorded.onSend?.(channel, message);
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return recorded.windows;
  }
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents();
    recorded.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url) {
    this.webContents.url = url;
    queueMicrotask(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show() {}
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
}

export const ipcMain = {
  handle: (channel, handler) => recorded.ipc.set(channel, handler),
  removeHandler: (channel) => recorded.ipc.delete(channel),
};

export const protocol = {
  registerSchemesAsPrivileged: (schemes) => recorded.privilegedSchemes.push(...schemes),
  handle: (scheme, handler) => recorded.protocols.set(scheme, handler),
};

export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu: () => (recorded.menuSet = true),
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler() {},
    setPermissionCheckHandler() {},
  },
};

export const shell = { openExternal: () => Promise.resolve() };

export const dialog = {
  showErrorBox: (title, content) => recorded.errorBoxes.push({ title, content }),
  showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
  showSaveDialog: () => Promise.resolve({ canceled: true, filePath: '' }),
};

export default { app, BrowserWindow, ipcMain, protocol, Menu, session, shell, dialog };
