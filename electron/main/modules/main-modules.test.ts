import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../../../core/application/contract/dispatcher.js';
import { createEventBus } from '../../../core/application/contract/events.js';
import * as appProtocol from './app-protocol.js';
import { serve } from './app-protocol.js';
import type { ElectronApis, MainContext } from './context.js';
import * as ipc from './ipc.js';
import * as security from './security.js';
import * as singleInstance from './single-instance.js';
import * as window from './window.js';

/** A fake Electron: event emitters and recorders standing in for the APIs the modules touch. */
function fakeElectron() {
  const app = Object.assign(new EventEmitter(), {
    whenReady: () => Promise.resolve(),
    requestSingleInstanceLock: vi.fn(() => true),
    quit: vi.fn(),
    isPackaged: true,
  });
  const windows: FakeWindow[] = [];
  class FakeWindow extends EventEmitter {
    readonly loaded: string[] = [];
    readonly sent: unknown[][] = [];
    minimized = true;
    readonly focus = vi.fn();
    readonly restore = vi.fn(() => (this.minimized = false));
    readonly webContents = {
      url: 'bws://app/index.html',
      isDestroyed: () => false,
      getURL: () => this.webContents.url,
      send: (...args: unknown[]) => this.sent.push(args),
    };
    constructor(readonly options: unknown) {
      super();
      windows.push(this);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    isMinimized() {
      return this.minimized;
    }
    static getAllWindows() {
      return windows;
    }
  }
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  const ipcMain = { handle: (channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn), removeHandler: (c: string) => handlers.delete(c) };
  const permissions: { request?: (...args: unknown[]) => void; check?: (...args: unknown[]) => boolean } = {};
  const session = {
    defaultSession: {
      setPermissionRequestHandler: (fn: (...args: unknown[]) => void) => (permissions.request = fn),
      setPermissionCheckHandler: (fn: (...args: unknown[]) => boolean) => (permissions.check = fn),
    },
  };
  const shell = { openExternal: vi.fn(() => Promise.resolve()) };
  const dialog = {
    showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/picked/bars.csv'] })),
    showSaveDialog: vi.fn(async () => ({ canceled: true, filePath: '' })),
  };
  const electron = { app, BrowserWindow: FakeWindow, ipcMain, session, shell, dialog, Menu: {}, protocol: {} } as unknown as ElectronApis;
  const warnings: string[] = [];
  const context: MainContext = {
    electron,
    scheme: 'bws',
    host: 'app',
    rendererDir: '/nowhere',
    preloadPath: '/dist/electron/preload.cjs',
    logger: { error: () => {}, warn: (message) => warnings.push(message) },
    mainWindow: null,
  };
  return { context, app, windows, handlers, permissions, shell, dialog, warnings };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('window module', () => {
  it('writes out the hardened options', () => {
    const options = window.mainWindowOptions('/p.cjs');
    expect(options.webPreferences).toMatchObject({
      preload: '/p.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });

  it('opens one window with those options on the app origin', async () => {
    const fake = fakeElectron();
    window.enable(fake.context);
    await flush();
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]!.options).toEqual(window.mainWindowOptions('/dist/electron/preload.cjs'));
    expect(fake.windows[0]!.loaded).toEqual(['bws://app/index.html']);
    expect(fake.context.mainWindow).toBe(fake.windows[0]);
  });
});

describe('security module', () => {
  function contentsCreated() {
    const fake = fakeElectron();
    security.enable(fake.context);
    const contents = Object.assign(new EventEmitter(), { openHandler: null as null | ((d: { url: string }) => { action: string }) });
    Object.assign(contents, { setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => (contents.openHandler = fn) });
    fake.app.emit('web-contents-created', {}, contents);
    const navigate = (name: string, url: string) => {
      const event = { url, preventDefault: vi.fn() };
      contents.emit(name, event);
      return event.preventDefault.mock.calls.length > 0;
    };
    return { fake, contents, navigate };
  }

  it('denies every window.open and sends only https links to the system browser', () => {
    const { fake, contents } = contentsCreated();
    expect(contents.openHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal.mock.calls).toEqual([['https://example.com/docs']]);
  });

  it('blocks navigation and redirects off the app origin, and webviews', () => {
    const { fake, navigate } = contentsCreated();
    expect(navigate('will-navigate', 'bws://app/index.html#/runs')).toBe(false);
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-navigate', 'bws://other/index.html')).toBe(true);
    expect(navigate('will-navigate', 'file:///picked/')).toBe(true);
    expect(navigate('will-redirect', 'http://127.0.0.1:1234/')).toBe(true);
    expect(navigate('will-attach-webview', 'bws://app/')).toBe(true);
    expect(fake.shell.openExternal.mock.calls).toEqual([['https://evil.example/']]);
  });

  it('denies permission requests and checks', async () => {
    const { fake } = contentsCreated();
    await flush();
    const callback = vi.fn();
    fake.permissions.request!({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(fake.permissions.check!({}, 'clipboard-read', 'bws://app', {})).toBe(false);
  });

  it('accepts only plain https as external URLs', () => {
    expect(security.isSafeExternalUrl('https://example.com')).toBe(true);
    for (const url of ['http://example.com', 'https://user:pw@example.com', 'smb://host/share', 'not a url', 'file:///x']) {
      expect(security.isSafeExternalUrl(url), url).toBe(false);
    }
    expect(security.CONTENT_SECURITY_POLICY).toMatch(/default-src 'self'; script-src 'self';/);
  });
});

describe('ipc module', () => {
  function setup() {
    const fake = fakeElectron();
    const events = createEventBus();
    const calls: unknown[] = [];
    const dispatcher = createDispatcher(
      { 'jobs/list': async (args) => (calls.push(args), []) },
      { logger: { error: () => {} }, now: () => 0 },
    );
    const disable = ipc.enable(fake.context, { dispatcher, events, close: () => {} });
    const invoke = (frame: unknown, name: string, args?: unknown) => fake.handlers.get(ipc.INVOKE_CHANNEL)!({ senderFrame: frame }, name, args);
    return { fake, events, calls, dispatcher, disable, invoke };
  }
  const appFrame = { url: 'bws://app/index.html', parent: null };

  it('dispatches calls from the app page, schema-checked', async () => {
    const { invoke, calls } = setup();
    expect(await invoke(appFrame, 'jobs/list')).toEqual({ ok: true, value: [] });
    expect(await invoke(appFrame, 'jobs/list', { bad: 1 })).toMatchObject({ ok: false, error: { type: 'ValidationError' } });
    expect(await invoke(appFrame, 'no/such')).toMatchObject({ ok: false, error: { type: 'NotFoundError' } });
    expect(calls).toHaveLength(1);
  });

  it('refuses calls from other origins, sub-frames or a missing frame', async () => {
    const { invoke, calls, fake } = setup();
    for (const frame of [{ url: 'https://evil.example/', parent: null }, { url: 'bws://app/index.html', parent: appFrame }, null]) {
      expect(await invoke(frame, 'jobs/list')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Refused/) } });
    }
    expect(calls).toEqual([]);
    expect(fake.warnings).toHaveLength(3);
  });

  it('registers the native dialogs and forwards events to app windows only', async () => {
    const { invoke, events, fake, dispatcher, disable } = setup();
    expect(await invoke(appFrame, 'dialog/openFile', { title: 'Import bars' })).toEqual({ ok: true, value: { path: '/picked/bars.csv', paths: ['/picked/bars.csv'] } });
    expect(await invoke(appFrame, 'dialog/openFile', { title: 'Import bars', multiple: true })).toMatchObject({ ok: true });
    expect(fake.context.electron.dialog.showOpenDialog).toHaveBeenLastCalledWith(expect.objectContaining({ properties: ['openFile', 'multiSelections'] }));
    expect(await invoke(appFrame, 'dialog/saveFile')).toEqual({ ok: true, value: { path: null } });
    const BrowserWindow = fake.context.electron.BrowserWindow as unknown as new (o: unknown) => { webContents: { url: string }; sent: unknown[] };
    const mine = new BrowserWindow({});
    const foreign = new BrowserWindow({});
    foreign.webContents.url = 'https://evil.example/';
    events.emit('data/changed', { kind: 'runs' });
    expect(mine.sent).toEqual([[ipc.EVENT_CHANNEL, { name: 'data/changed', payload: { kind: 'runs' } }]]);
    expect(foreign.sent).toEqual([]);
    disable();
    expect(fake.handlers.has(ipc.INVOKE_CHANNEL)).toBe(false);
    expect(dispatcher.has('dialog/openFile')).toBe(true);
  });
});

describe('single-instance module', () => {
  it('quits a second instance and focuses the first window on a second start', () => {
    const second = fakeElectron();
    second.app.requestSingleInstanceLock.mockReturnValue(false);
    expect(singleInstance.enable(second.context)).toBe(false);
    expect(second.app.quit).toHaveBeenCalled();

    const first = fakeElectron();
    expect(singleInstance.enable(first.context)).toBe(true);
    const BrowserWindow = first.context.electron.BrowserWindow as unknown as new (o: unknown) => { focus: () => void; restore: () => void };
    const main = new BrowserWindow({});
    first.context.mainWindow = main as unknown as MainContext['mainWindow'];
    first.app.emit('second-instance');
    expect(main.restore).toHaveBeenCalled();
    expect(main.focus).toHaveBeenCalled();
  });
});

describe('app protocol', () => {
  it('registers its scheme as standard and secure, with V8 code cache, before ready; serves it once ready', async () => {
    const { context } = fakeElectron();
    const registered: unknown[] = [];
    const handled: string[] = [];
    const protocol = { registerSchemesAsPrivileged: (schemes: unknown[]) => registered.push(...schemes), handle: (scheme: string) => handled.push(scheme) };
    appProtocol.enable({ ...context, electron: { ...context.electron, protocol: protocol as unknown as Electron.Protocol } });
    expect(registered).toEqual([{ scheme: 'bws', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
    expect(handled).toEqual([]);
    await flush();
    expect(handled).toEqual(['bws']);
  });

  it('serves the renderer with the CSP and nothing outside it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-protocol-'));
    try {
      fs.mkdirSync(path.join(dir, 'renderer'));
      fs.writeFileSync(path.join(dir, 'renderer/index.html'), '<title>bws</title>');
      fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
      const context = { host: 'app', rendererDir: path.join(dir, 'renderer') };
      const page = await serve(context, 'bws://app/index.html');
      expect(await page.text()).toBe('<title>bws</title>');
      expect(page.headers.get('content-security-policy')).toBe(security.CONTENT_SECURITY_POLICY);
      expect(await (await serve(context, 'bws://app/runs')).text()).toBe('<title>bws</title>');
      for (const url of ['bws://app/../secret.txt', 'bws://app/%2e%2e/secret.txt', 'bws://app/..%2fsecret.txt', 'bws://other/index.html']) {
        const answer = await serve(context, url);
        expect(await answer.text(), url).not.toBe('secret');
      }
      expect((await serve(context, 'bws://app/missing.js')).status).toBe(404);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
