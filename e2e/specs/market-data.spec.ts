// The trader's first hour, through the Data screen in Chromium against web mode, with the
// exchange library pointed at a local server that answers like Binance (no internet):
// download a year of 1-minute BTC/USDT, stop it half-way, resume it, update it a day later,
// import a folder of monthly archive zips, fill the month the folder lacked from the
// exchange, and read the result in the coverage view.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { klineArchive } from '../../fixtures/binance-archives/make-archives.mjs';
import { FakeExchangeServer } from '../../core/infrastructure/test-kit/fake-exchange-server.js';
import { invoke, openApp, type AppSession } from '../lib/app.js';
import { launchBrowser } from '../lib/browser.js';
import { startServer, type RunningServer } from '../lib/server.js';

const DAY = 86_400_000;
const YEAR_2024_BARS = 366 * 1440;

let exchange: FakeExchangeServer;
let server: RunningServer;
let browser: Browser;
let app: AppSession;
let page: Page;
let archives: string;

const row = (symbol: string) => page.locator(`[data-testid="series-row"][data-symbol="${symbol}"]`);
const barCount = async (symbol: string): Promise<number> => {
  const series = await invoke<{ instrument: { symbol: string }; timeframe: string; barCount: number }[]>(server, 'data/listSeries');
  return series.find((s) => s.instrument.symbol === symbol && s.timeframe === '1m')?.barCount ?? 0;
};

beforeAll(async () => {
  // The exchange's data ends a moment before 2025 (the app's clock is later: every candle it has is closed).
  exchange = new FakeExchangeServer({ now: Date.UTC(2025, 0, 1) - 1 });
  const origin = await exchange.start();
  archives = mkdtempSync(join(tmpdir(), 'bws-e2e-archives-'));
  [browser, server] = await Promise.all([launchBrowser(), startServer({ env: { BWS_EXCHANGE_API: origin, BWS_EXCHANGE_RATE_LIMIT_MS: '1' } })]);
  app = await openApp(browser, server);
  page = app.page;
});

afterAll(async () => {
  await app?.close();
  await Promise.all([browser?.close(), server?.stop(), exchange?.stop()]);
  rmSync(archives, { recursive: true, force: true });
});

describe('market data from the Data screen', () => {
  // Half a year of minutes each way: about 10 s on an idle 2-core machine, several times that beside other spec files.
  it('downloads a year of 1-minute BTC/USDT, stopped half-way keeps whole slices, and a second download continues', async () => {
    // The exchange holds back the second half of the year until released.
    exchange.hold(Date.UTC(2024, 6, 1));
    await page.getByTestId('download-exchange').fill('binance');
    await page.getByTestId('download-market').fill('BTC/USDT');
    await page.getByTestId('download-timeframe').selectOption('1m');
    await page.getByTestId('download-from').fill('2024-01-01');
    await page.getByTestId('download-to').fill('2025-01-01');
    await page.getByTestId('download-start').click();
    await page.getByTestId('download-running').filter({ hasText: 'Download BTC/USDT 1m from binance' }).waitFor();
    await expect.poll(() => exchange.waiting, { timeout: 200_000 }).toBe(1);
    // Half-way: the bar says so, with what is stored and the time left.
    await expect.poll(async () => Number(await page.getByTestId('download-progress').getAttribute('aria-valuenow')), { timeout: 10_000 }).toBeGreaterThanOrEqual(49);
    expect(Number(await page.getByTestId('download-progress').getAttribute('aria-valuenow'))).toBeLessThanOrEqual(51);
    // Progress events are throttled; the screen's 2 s poll of the job brings the last one while the request waits.
    await expect.poll(() => page.getByTestId('download-panel').textContent(), { timeout: 10_000 }).toMatch(/[\d,]+ bars fetched · up to 2024-07-01 \d\d:\d\d UTC · about \d+ (s|min) left/);

    await page.getByTestId('download-cancel').click();
    const cancelled = page.getByTestId('download-done').filter({ hasText: 'Download cancelled.' });
    await cancelled.waitFor({ timeout: 30_000 });
    const message = (await cancelled.textContent()) ?? '';
    const kept = /Kept in whole committed slices: ([\d,]+) bars of BTC\/USDT 1m from binance, 2024-01-01T00:00Z to 2024-07-01T(\d\d:\d\d)Z\. Download again to continue from 2024-07-01T\d\d:\d\dZ\./.exec(message);
    expect(kept, message).not.toBeNull();
    const keptBars = Number(kept![1]!.replace(/,/g, ''));
    expect(keptBars).toBeGreaterThan(YEAR_2024_BARS / 2 - 1000);
    // The coverage view shows what was kept: one unbroken stretch from the start of the year.
    await row('BTC/USDT').waitFor();
    expect(await row('BTC/USDT').textContent()).toContain('Binance');
    await row('BTC/USDT').click();
    await expect.poll(() => page.getByTestId('coverage-panel').textContent(), { timeout: 15_000 }).toContain(`2024-01-01 00:00 → 2024-07-01 ${kept![2]}`);
    expect(await page.getByTestId('gap-count').textContent()).toBe('No gaps');
    expect(await barCount('BTC/USDT')).toBe(keptBars);

    exchange.release();
    exchange.requests.length = 0;
    await page.getByTestId('download-start').click();
    const done = page.getByTestId('download-done').filter({ hasText: 'Downloaded BTC/USDT 1m from Binance' });
    await done.waitFor({ timeout: 200_000 });
    expect(await done.textContent()).toBe(
      `Downloaded BTC/USDT 1m from Binance: ${(YEAR_2024_BARS - keptBars).toLocaleString('en-US')} new bars (2024-07-01 ${nextMinute(kept![2]!)} → 2024-12-31 23:59 UTC); ` +
        'already stored from 2024-01-01 00:00, not fetched again.',
    );
    // It asked only for what it did not have.
    expect(Number(exchange.candleRequests('binance')[0]?.query['startTime'])).toBeGreaterThan(Date.UTC(2024, 6, 1));
    expect(await barCount('BTC/USDT')).toBe(YEAR_2024_BARS);
    await expect.poll(() => page.getByTestId('coverage-panel').textContent(), { timeout: 15_000 }).toContain('2024-01-01 00:00 → 2024-12-31 23:59');
    expect(await page.getByTestId('price-tick').textContent()).toBe('0.01');
    expect(await page.getByTestId('quantity-step').textContent()).toBe('0.00001');
  }, 300_000);

  it('updates the series a day later with the new bars only', async () => {
    exchange.now += DAY;
    await row('BTC/USDT').getByTestId('series-update').click();
    const done = page.getByTestId('download-done').filter({ hasText: 'Downloaded BTC/USDT 1m from Binance' }).filter({ hasText: '1,440 new bars' });
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toBe('Downloaded BTC/USDT 1m from Binance: 1,440 new bars (2025-01-01 00:00 → 2025-01-01 23:59 UTC); Binance has nothing newer than 2025-01-01 23:59.');
    await expect.poll(() => page.getByTestId('coverage-panel').textContent(), { timeout: 15_000 }).toContain('2024-01-01 00:00 → 2025-01-01 23:59');
    expect(await barCount('BTC/USDT')).toBe(YEAR_2024_BARS + 1440);
  }, 120_000);

  it('imports a folder of monthly archive zips, then fills the month it lacked from the exchange', async () => {
    // October and December 2023: November is missing from the folder.
    const files = [
      klineArchive({ fromTs: Date.UTC(2023, 9, 1), toTs: Date.UTC(2023, 10, 1), period: 'monthly' }),
      klineArchive({ fromTs: Date.UTC(2023, 11, 1), toTs: Date.UTC(2024, 0, 1), period: 'monthly' }),
    ].map(({ name, bytes }) => {
      const file = join(archives, name);
      writeFileSync(file, bytes);
      return file;
    });
    await page.getByTestId('import-file').setInputFiles(files.reverse());
    expect(await page.getByTestId('import-file-name').textContent()).toBe('2 files: BTCUSDT-1m-2023-12.zip, BTCUSDT-1m-2023-10.zip');
    await page.getByTestId('import-symbol').fill('BTC/USDT');
    await page.getByTestId('import-start').click();
    const imported = page.getByTestId('import-done');
    await imported.waitFor({ timeout: 60_000 });
    expect(await imported.textContent()).toBe('Imported BTC/USDT 1m: 89,280 rows read; 89,280 new bars stored.');

    // The coverage view shows the hole where November is.
    await expect.poll(() => page.getByTestId('gap-count').textContent(), { timeout: 15_000 }).toBe('1 gap');
    const gap = page.getByTestId('gap-row');
    expect(await gap.textContent()).toContain('2023-10-31 23:592023-12-01 00:0043,200');
    await gap.getByTestId('gap-download').click();
    const filled = page.getByTestId('download-done').filter({ hasText: '43,200 new bars' });
    await filled.waitFor({ timeout: 60_000 });
    expect(await filled.textContent()).toBe('Downloaded BTC/USDT 1m from Binance: 43,200 new bars (2023-11-01 00:00 → 2023-11-30 23:59 UTC).');

    // The whole stretch, archives and downloads together, without a hole.
    await expect.poll(() => page.getByTestId('gap-count').textContent(), { timeout: 15_000 }).toBe('No gaps');
    const coverage = (await page.getByTestId('coverage-panel').textContent()) ?? '';
    expect(coverage).toContain('2023-10-01 00:00 → 2025-01-01 23:59');
    expect(coverage).toContain(`${(92 * 1440 + YEAR_2024_BARS + 1440).toLocaleString('en-US')} bars`);
    expect(await row('BTC/USDT').textContent()).toContain((92 * 1440 + YEAR_2024_BARS + 1440).toLocaleString('en-US'));
    expect(app.errors).toEqual([]);
  }, 180_000);
});

/** The minute after "HH:MM". */
function nextMinute(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const total = h * 60 + m + 1;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
