// Runs the real Electron main-process bundle under plain Node with the fake `electron`
// module (register-fake-electron.mjs), then uses it the way the renderer would: loads
// the page through the app protocol and calls handlers over the recorded IPC handler,
// including a backtest that runs in a real worker thread on the real SQLite file.
// Prints one line, `RESULT <json>`, for electron/main-process.test.ts.
//   node --import ./register-fake-electron.mjs drive-main.mjs MAIN_BUNDLE DATA_DIR
import { pathToFileURL } from 'node:url';

const [mainBundle, dataDir] = process.argv.slice(2);
process.argv = [process.argv[0], mainBundle, '--data-dir', dataDir];
const { app } = await import('electron');
const fake = globalThis.__fakeElectron;

async function until(what, predicate, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const result = {};
const finished = new Map();
fake.onSend = (channel, message) => {
  if (channel === 'bws:event' && message?.name === 'job/finished') finished.set(message.payload.job.id, message.payload.job);
};
await import(pathToFileURL(mainBundle).href);
await until('the main window', () => fake.windows.length > 0 || fake.exitCode !== null);
if (fake.exitCode !== null) throw new Error(`the main process exited with ${fake.exitCode}: ${JSON.stringify(fake.errorBoxes)}`);

const window = fake.windows[0];
result.window = { url: window.webContents.url, webPreferences: window.options.webPreferences, preload: window.options.webPreferences.preload };
result.privilegedSchemes = fake.privilegedSchemes.map((s) => s.scheme);

const page = await fake.protocols.get('bws')({ url: window.webContents.url });
const html = await page.text();
const script = /<script[^>]*src="([^"]+)"/.exec(html)?.[1] ?? null;
const asset = script ? await fake.protocols.get('bws')({ url: new URL(script, window.webContents.url).href }) : null;
result.page = { status: page.status, csp: page.headers.get('content-security-policy'), script, scriptStatus: asset?.status ?? null };

const invoke = fake.ipc.get('bws:invoke');
const trusted = { senderFrame: { url: window.webContents.url, parent: null } };
const foreign = { senderFrame: { url: 'https://example.com/', parent: null } };
result.info = await invoke(trusted, 'system/info', undefined);
result.foreign = await invoke(foreign, 'system/info', undefined);
result.unknown = await invoke(trusted, 'no/such', {});
result.series = await invoke(trusted, 'data/listSeries', {});
const created = await invoke(trusted, 'strategies/create', { templateId: 'sma-cross', name: 'Desktop shell check' });
result.created = created.ok;
const started = await invoke(trusted, 'backtest/start', { strategyId: created.value.id, symbol: 'DEMO-BTC', timeframe: '1h' });
result.started = started.ok;
await until('the backtest job', () => finished.has(started.value.jobId));
result.job = finished.get(started.value.jobId);
result.runs = await invoke(trusted, 'runs/list', {});

app.emit('will-quit', { preventDefault() {} });
await until('the workstation to close', () => fake.quitCalls > 0, 30_000);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
