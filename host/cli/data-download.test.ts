// `bws data download`, `bws data update` and archive imports end to end: real CLI processes
// (dist/cli.js) pointed at the local exchange server by BWS_EXCHANGE_API, a real SQLite file.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadReport } from '../../core/application/data/download-bars.js';
import type { ImportReport } from '../../core/application/data/import-bars.js';
import { FakeExchangeServer } from '../../core/infrastructure/test-kit/fake-exchange-server.js';
import { openStorage } from '../../core/infrastructure/sqlite/storage.js';
import { cliScript, runBws, runBwsJson } from './test-kit/run-bws.js';

const root = path.resolve(import.meta.dirname, '../..');
const ARCHIVES = path.join(root, 'fixtures/binance-archives');
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

let server: FakeExchangeServer;
let dir: string;

const env = () => ({ ...process.env, BWS_EXCHANGE_API: server.origin, BWS_EXCHANGE_RATE_LIMIT_MS: '1', NO_COLOR: '1' });

const bws = (...args: string[]) => runBws(dir, args, { env: env() });
const json = <T>(...args: string[]) => runBwsJson<T>(dir, args, { env: env() });

function series(symbol: string) {
  const storage = openStorage({ dataDir: dir, readers: 1 });
  try {
    const instrument = storage.barStore.findInstrument(symbol);
    return instrument ? { instrument, coverage: storage.barStore.coverage(instrument.id, '1m'), bars: storage.barStore.readBars(instrument.id, '1m') } : null;
  } finally {
    storage.close();
  }
}

beforeAll(async () => {
  // The exchange's present, a moment before midnight: the CLI judges closed candles by the
  // computer's clock (later), so the exchange's last candle (23:59) counts as closed.
  server = new FakeExchangeServer({ now: Date.UTC(2025, 0, 1, 23, 59, 59, 999) });
  await server.start();
  dir = mkdtempSync(path.join(os.tmpdir(), 'bws-cli-download-'));
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('bws data download / update / import of archives', () => {
  it('downloads, is stopped by Ctrl-C half-way keeping whole slices, resumes, and updates a day later', async () => {
    // Ctrl-C while the second half is held back by the exchange.
    server.hold(Date.UTC(2024, 11, 29));
    const child = spawn(process.execPath, [cliScript, 'data', 'download', '--exchange', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--from', '2024-12-27', '--to', '2024-12-31', '--data-dir', dir], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await expect.poll(() => server.waiting, { timeout: 30_000 }).toBe(1);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    server.release();
    expect(code).toBe(1);
    expect(stderr).toMatch(/^bws: CancelledError: Download cancelled\. Kept in whole committed slices: 3,000 bars of BTC\/USDT 1m from binance, 2024-12-27T00:00Z to 2024-12-29T01:59Z\. Download again to continue from 2024-12-29T02:00Z\.\n$/);
    // Three pages of 1,000 came before the hold, each committed.
    expect(series('BTC/USDT')!.coverage).toMatchObject({ barCount: 3000, gaps: [] });

    const resumed = await json<DownloadReport>('data', 'download', '--exchange', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--from', '2024-12-27', '--to', '2024-12-31');
    expect(resumed).toMatchObject({ alreadyStored: { fromTs: Date.UTC(2024, 11, 27), toTs: Date.UTC(2024, 11, 29, 2) }, barsWritten: { inserted: 4 * 1440 - 3000, replaced: 0 } });

    // Up to the exchange's present: the update stops where its data ends.
    const first = await bws('data', 'update', '--symbol', 'BTC/USDT');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Downloaded BTC/USDT 1m from binance: 2,880 new bars (2024-12-31T00:00:00.000Z .. 2025-01-01T23:59:00.000Z)');
    expect(first.stdout).toContain('binance has nothing newer than 2025-01-01T23:59:00.000Z');
    expect(first.stdout).toContain('BTC/USDT: price tick 0.01, quantity step 0.00001, quoted in USDT');

    server.now += DAY;
    const [update] = await json<DownloadReport[]>('data', 'update', '--symbol', 'BTC/USDT', '--timeframe', '1m');
    expect(update).toMatchObject({ firstTs: Date.UTC(2025, 0, 2), lastTs: Date.UTC(2025, 0, 2, 23, 59), barsWritten: { inserted: 1440, replaced: 0 } });
    expect(series('BTC/USDT')!.coverage).toMatchObject({ firstTs: Date.UTC(2024, 11, 27), lastTs: Date.UTC(2025, 0, 2, 23, 59), barCount: 7 * 1440, gaps: [] });
    const list = await json<{ series: { symbol: string; venue: string; source: unknown; priceTick: number; quantityStep: number }[] }>('data', 'list');
    expect(list.series.find((s) => s.symbol === 'BTC/USDT')).toMatchObject({ venue: 'Binance', source: { exchange: 'binance', market: 'BTC/USDT' }, priceTick: 0.01, quantityStep: 0.00001 });
  });

  it('imports a folder of Binance archives into the downloaded instrument: the same minutes, the same values', async () => {
    const before = series('BTC/USDT')!.bars;
    const folder = path.join(dir, 'archives');
    mkdirSync(folder);
    for (const name of readdirSync(ARCHIVES).filter((f) => f.endsWith('.zip'))) copyFileSync(path.join(ARCHIVES, name), path.join(folder, name));
    const report = await json<ImportReport>('data', 'import', folder, '--symbol', 'BTC/USDT');
    expect(report).toMatchObject({ timeframe: '1m', rowsRead: 3 * 1440, barsWritten: { inserted: 0, replaced: 3 * 1440 }, firstTs: Date.UTC(2024, 11, 30), lastTs: Date.UTC(2025, 0, 1, 23, 59) });
    const after = series('BTC/USDT')!;
    expect(Buffer.from(after.bars.close.buffer).equals(Buffer.from(before.close.buffer))).toBe(true);
    // The import keeps what the exchange said about the instrument.
    expect(after.instrument).toMatchObject({ venue: 'Binance', priceTick: 0.01, quantityStep: 0.00001, source: { exchange: 'binance', market: 'BTC/USDT' } });
  });

  it('the engine trades the downloaded instrument in its exchange steps', async () => {
    const run = await json<{ trades: { quantity: number; entryPrice: number }[] }>('backtest', '--template', 'sma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--cash', '1000');
    expect(run.trades.length).toBeGreaterThan(10);
    for (const trade of run.trades) {
      const steps = trade.quantity / 0.00001;
      expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-6);
      expect(trade.quantity).not.toBe(Math.round(trade.quantity));
    }
  });

  it('says what is wrong with an unknown timeframe, market or exchange, naming the nearest', async () => {
    const timeframe = await bws('data', 'download', '--exchange', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '2m', '--from', '2024-01-01');
    expect(timeframe).toMatchObject({ code: 2, stderr: 'bws: --timeframe: "2m" is not a timeframe the workstation stores; nearest: 1m, 5m (all: 1m, 5m, 15m, 30m, 1h, 4h, 1d)\n' });
    const market = await bws('data', 'download', '--exchange', 'binance', '--symbol', 'ETH/USD', '--timeframe', '1m', '--from', '2024-01-01', '--to', '2024-01-02');
    expect(market).toMatchObject({ code: 1, stderr: 'bws: NotFoundError: Binance has no market "ETH/USD". Closest: ETH/USDT.\n' });
    const exchange = await bws('data', 'download', '--exchange', 'upbitt', '--symbol', 'BTC/KRW', '--timeframe', '1m', '--from', '2024-01-01');
    expect(exchange).toMatchObject({ code: 1, stderr: 'bws: ValidationError: Unknown exchange "upbitt". Closest: upbit.\n' });
    const imported = await bws('data', 'update', '--symbol', 'NOPE');
    expect(imported).toMatchObject({ code: 1, stderr: 'bws: NotFoundError: No instrument "NOPE"\n' });
  });
});
