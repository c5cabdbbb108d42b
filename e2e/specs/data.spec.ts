import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { marketDataFile, writeBarsCsv, writeRejectedCsv } from '../lib/csv.js';
import { useBrowserAndServer } from '../lib/fixture.js';
import { E2E_FILES_DIR, startServer, type RunningServer } from '../lib/server.js';

/** Starts an import through the API and waits until its job is done. */
async function importThroughApi(server: RunningServer, args: Record<string, unknown>): Promise<void> {
  const { jobId } = await invoke<{ jobId: string }>(server, 'data/import', args);
  for (let i = 0; i < 300; i++) {
    const job = (await invoke<{ id: string; status: string; error?: { message: string } }[]>(server, 'jobs/list')).find((j) => j.id === jobId);
    if (job?.status === 'done') return;
    if (job && ['failed', 'cancelled', 'interrupted'].includes(job.status)) throw new Error(`import ${job.status}: ${job.error?.message ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('import did not finish in 30 s');
}

/** Picks a file on the Data screen, names its symbol and starts the import. */
async function startImport(page: Page, file: string, symbol: string): Promise<void> {
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByTestId('import-symbol').fill(symbol);
  await page.getByTestId('import-start').click();
}

describe('data screen', () => {
  const { browser, server } = useBrowserAndServer();

  it('imports a CSV with a progress bar, then lists it with its coverage', async () => {
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      await startImport(page, writeBarsCsv('e2eimp_1m.csv', 5_000), 'E2EIMP');
      await page.getByTestId('import-done').waitFor({ timeout: 30_000 });
      const row = page.locator('[data-testid="series-row"][data-symbol="E2EIMP"]');
      await row.waitFor();
      expect(await row.textContent()).toContain('5,000');
      await row.click();
      expect(await page.getByTestId('gap-count').textContent()).toBe('No gaps');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('imports a file dropped on the drop zone (web mode)', async () => {
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      const text = readFileSync(writeBarsCsv('dropped_1m.csv', 500), 'utf8');
      const dataTransfer = await page.evaluateHandle((csv) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([csv], 'dropped_1m.csv', { type: 'text/csv' }));
        return transfer;
      }, text);
      await page.dispatchEvent('[data-testid="dropzone"]', 'drop', { dataTransfer });
      expect(await page.getByTestId('import-file-name').textContent()).toBe('dropped_1m.csv');
      expect(await page.getByTestId('import-symbol').inputValue()).toBe('DROPPED');
      await page.getByTestId('import-start').click();
      await page.getByTestId('import-done').waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="series-row"][data-symbol="DROPPED"]').waitFor();
    } finally {
      await app.close();
    }
  });

  it('shows the line errors of a rejected CSV and writes nothing', async () => {
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      await startImport(page, writeRejectedCsv('broken.csv'), 'E2EBAD');
      await page.getByTestId('import-error').waitFor({ timeout: 30_000 });
      const lines = await page.getByTestId('import-row-error').evaluateAll((rows) => rows.map((row) => row.querySelector('td')?.textContent));
      expect(lines).toEqual(expect.arrayContaining(['3', '5']));
      await page.getByTestId('series-row').first().waitFor();
      expect(await page.locator('[data-testid="series-row"][data-symbol="E2EBAD"]').count()).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('imports the good rows of a CSV when asked to skip bad ones, and lists the skipped lines', async () => {
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      await page.getByTestId('import-file').setInputFiles(writeRejectedCsv('partly.csv'));
      await page.getByTestId('import-symbol').fill('E2ESKIP');
      await page.getByTestId('import-timeframe').selectOption('1m');
      await page.getByTestId('import-skip-bad').check();
      await page.getByTestId('import-start').click();
      await page.getByTestId('import-done').filter({ hasText: '2 bad rows skipped' }).waitFor({ timeout: 30_000 });
      const lines = await page.getByTestId('import-row-error').evaluateAll((rows) => rows.map((row) => row.querySelector('td')?.textContent));
      expect(lines).toEqual(['3', '5']);
      const series = await invoke<{ instrument: { symbol: string }; barCount: number }[]>(server(), 'data/listSeries');
      expect(series.find((s) => s.instrument.symbol === 'E2ESKIP')?.barCount).toBe(2);
      expect(await page.getByTestId('import-error').count()).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('cancels a running import: the job ends cancelled and nothing of the file is stored', async () => {
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      // Large enough (1.5M rows, ~3 s to import here) that Cancel lands while it runs.
      await startImport(page, writeBarsCsv('cancelme_1m.csv', 1_500_000), 'E2ECANCEL');
      await page.getByTestId('import-progress').waitFor({ timeout: 60_000 });
      await page.getByTestId('import-cancel').click();
      await page.getByTestId('import-done').filter({ hasText: 'Import cancelled; nothing was written.' }).waitFor({ timeout: 30_000 });
      const series = await invoke<{ instrument: { symbol: string } }[]>(server(), 'data/listSeries');
      expect(series.map((s) => s.instrument.symbol)).not.toContain('E2ECANCEL');
      expect(series.length).toBeGreaterThan(0);
      expect(await page.locator('[data-testid="series-row"][data-symbol="E2ECANCEL"]').count()).toBe(0);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('names the symbol after each picked file, shows errors by file name, checks the timeframe and says what was stored', async () => {
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      const fileInput = page.getByTestId('import-file');
      const symbolInput = page.getByTestId('import-symbol');
      await fileInput.setInputFiles(writeRejectedCsv('bad.csv'));
      expect(await symbolInput.inputValue()).toBe('BAD');
      await page.getByTestId('import-start').click();
      const error = page.getByTestId('import-error');
      await error.waitFor({ timeout: 30_000 });
      // The user's file name, not the upload's path on the server.
      const errorText = (await error.textContent()) ?? '';
      expect(errorText).toMatch(/^bad\.csv: 2 bad rows; nothing was imported/);
      expect(errorText).not.toMatch(/uploads|\/tmp\//);

      // A newly picked file brings its own symbol...
      const goog = marketDataFile('GOOG.csv');
      await fileInput.setInputFiles(goog);
      expect(await symbolInput.inputValue()).toBe('GOOG');

      // ...and daily bars are refused as 1m, saying what was detected and what was chosen.
      await page.getByTestId('import-timeframe').selectOption('1m');
      await page.getByTestId('import-start').click();
      await error.filter({ hasText: 'GOOG.csv: its bars are 1d apart' }).waitFor({ timeout: 30_000 });
      expect(await error.textContent()).toContain('but the timeframe chosen is 1m; import it as 1d. Nothing was imported');

      // Auto (the default) detects 1d; the outcome counts rows read and bars stored.
      await page.getByTestId('import-timeframe').selectOption('auto');
      await page.getByTestId('import-start').click();
      const done = page.getByTestId('import-done');
      await done.waitFor({ timeout: 30_000 });
      expect(await done.textContent()).toBe("Imported GOOG 1d: 2,148 rows read; 2,148 new bars stored; price tick 0.01 (from the file's prices).");
      await page.getByTestId('import-panel').getByText('2,148 rows read', { exact: true }).waitFor();
      const row = page.locator('[data-testid="series-row"][data-symbol="GOOG"]');
      await row.waitFor();
      expect(await row.textContent()).toContain('1d');
      expect(await page.locator('[data-testid="series-row"][data-symbol="BAD"]').count()).toBe(0);
      // Its weekends are the market closed, not gaps: what is left are two real closures.
      await row.click();
      const coverage = page.getByTestId('coverage-panel');
      await coverage.getByText('GOOG 1d').waitFor();
      expect(await coverage.getByTestId('gap-count').textContent()).toBe('2 gaps');
      expect(await coverage.getByTestId('market-closures').textContent()).toBe('443 weekend closures (market closed, not gaps)');
      // Each lacks a Monday and a Tuesday; the weekend before them is not missing data.
      expect(await coverage.locator('tbody td.num').allTextContents()).toEqual(['2', '2']);

      // The same file again: nothing new, every bar replaced, and the screen says so.
      await page.getByTestId('import-start').click();
      await done.filter({ hasText: 'no new bars: all 2,148 bars were already stored' }).waitFor({ timeout: 30_000 });

      // A symbol the user typed stays when another file is picked.
      await symbolInput.fill('MINE');
      await fileInput.setInputFiles(writeBarsCsv('other_1m.csv', 10));
      expect(await symbolInput.inputValue()).toBe('MINE');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('takes the price tick of hourly EUR/USD from its prices (0.00001), shows it, and keeps it on a re-import', async () => {
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      await page.getByTestId('import-file').setInputFiles(marketDataFile('EURUSD.csv'));
      expect(await page.getByTestId('import-symbol').inputValue()).toBe('EURUSD');
      expect(await page.getByTestId('import-price-tick').getAttribute('placeholder')).toBe('auto');
      await page.getByTestId('import-start').click();
      const done = page.getByTestId('import-done');
      await done.waitFor({ timeout: 30_000 });
      expect(await done.textContent()).toBe("Imported EURUSD 1h: 5,000 rows read; 5,000 new bars stored; price tick 0.00001 (from the file's prices).");
      const row = page.locator('[data-testid="series-row"][data-symbol="EURUSD"]');
      await row.click();
      const coverage = page.getByTestId('coverage-panel');
      await coverage.getByText('EURUSD 1h').waitFor();
      expect(await coverage.getByTestId('price-tick').textContent()).toBe('0.00001');
      expect(await coverage.getByTestId('quantity-step').textContent()).toBe('1');

      // A run on it fills at 5-decimal prices, and the trades table shows them (it showed 1.09).
      const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'EURUSD ticks' });
      const { jobId } = await invoke<{ jobId: string }>(server(), 'backtest/start', { strategyId: strategy.id, symbol: 'EURUSD', timeframe: '1h' });
      let runId: string | undefined;
      for (let i = 0; i < 600 && runId === undefined; i++) {
        const job = (await invoke<{ id: string; status: string; result?: { runId: string } }[]>(server(), 'jobs/list')).find((j) => j.id === jobId);
        if (job && !['queued', 'running'].includes(job.status)) runId = job.result?.runId ?? 'none';
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(runId).toMatch(/^(?!none$)/);
      await page.evaluate((id) => (window.location.hash = `#/history/${id}`), runId!);
      await page.getByTestId('trade-row').first().waitFor({ timeout: 30_000 });
      const prices = await page.getByTestId('trade-row').evaluateAll((rows) => rows.flatMap((row) => [3, 5].map((k) => row.querySelectorAll('span')[k]?.textContent ?? '')));
      expect(prices.length).toBeGreaterThan(0);
      for (const price of prices) expect(price).toMatch(/^1\.\d{2,5}$/);
      expect(prices.filter((price) => /^1\.\d{5}$/.test(price)).length).toBeGreaterThan(prices.length / 2);
      await page.evaluate(() => (window.location.hash = '#/data'));
      await page.getByTestId('import-file').setInputFiles(marketDataFile('EURUSD.csv'));

      // A tick typed in the form replaces the stored one; a file finer than it is then named in a warning.
      await page.getByTestId('import-price-tick').fill('0.001');
      await page.getByTestId('import-start').click();
      await done.filter({ hasText: 'no new bars' }).waitFor({ timeout: 30_000 });
      await page.getByTestId('import-price-tick').fill('');
      await page.getByTestId('import-start').click();
      await page.getByTestId('import-warning').filter({ hasText: "finer than EURUSD's stored price tick 0.001" }).waitFor({ timeout: 30_000 });
      const series = await invoke<{ instrument: { symbol: string; priceTick: number } }[]>(server(), 'data/listSeries');
      expect(series.find((s) => s.instrument.symbol === 'EURUSD')?.instrument.priceTick).toBe(0.001);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('picks up an import still running after a reload: its progress and Cancel come back', async () => {
    // Its own server, whose import worker holds after its first reads until cancelled: the
    // import is surely still running across the reload, however fast or loaded the machine
    // (a 2,000,000-row file once finished before the page looked).
    const own = await startServer({ env: { BWS_TEST_FAULTS: '1', BWS_TEST_IMPORT_HOLD: '4' } });
    const app = await openApp(browser(), own);
    try {
      const { page } = app;
      await startImport(page, writeBarsCsv('reloaded_1m.csv', 300_000), 'E2ERELOAD');
      await page.getByTestId('import-cancel').waitFor({ timeout: 60_000 });
      await page.reload();
      await page.getByTestId('import-cancel').waitFor({ timeout: 10_000 });
      await page.getByTestId('import-progress').waitFor();
      expect(await page.getByTestId('import-running').textContent()).toContain('Import E2ERELOAD');
      await page.getByTestId('import-cancel').click();
      await page.getByTestId('import-done').filter({ hasText: 'Import cancelled; nothing was written.' }).waitFor({ timeout: 30_000 });
      const series = await invoke<{ instrument: { symbol: string } }[]>(own, 'data/listSeries');
      expect(series.map((s) => s.instrument.symbol)).not.toContain('E2ERELOAD');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
      await own.stop();
    }
  });

  it('exports to a path: says the absolute path, asks before replacing a file, names a missing folder', async () => {
    // Its own server, opening a folder of its own first: a relative path is written there.
    const home = realpathSync(mkdtempSync(join(tmpdir(), 'bws-e2e-home-')));
    const own = await startServer({ files: [home, E2E_FILES_DIR] });
    const app = await openApp(browser(), own);
    try {
      await importThroughApi(own, { path: writeBarsCsv('exp_1m.csv', 300), symbol: 'EXP', timeframe: '1m' });
      const { page } = app;
      await page.reload();
      await page.locator('[data-testid="series-row"][data-symbol="EXP"]').click();
      const target = join(home, 'relative.csv');
      await page.getByTestId('export-path').fill('relative.csv');
      await page.getByTestId('export-bars').click();
      const done = page.getByTestId('export-done');
      await done.waitFor({ timeout: 30_000 });
      expect(await done.textContent()).toBe(`Wrote 300 bars to ${target} (a relative path is taken from ${home})`);
      expect(readFileSync(target, 'utf8').trim().split('\n')).toHaveLength(301);

      writeFileSync(target, 'mine\n');
      await page.getByTestId('export-bars').click();
      const confirm = page.getByTestId('export-confirm');
      await confirm.waitFor({ timeout: 30_000 });
      expect(await confirm.textContent()).toContain(`${target} already exists. Replace it?`);
      await page.getByTestId('export-keep').click();
      await confirm.waitFor({ state: 'detached' });
      expect(readFileSync(target, 'utf8')).toBe('mine\n');
      await page.getByTestId('export-bars').click();
      await page.getByTestId('export-replace').click();
      await done.waitFor({ timeout: 30_000 });
      expect(readFileSync(target, 'utf8')).toMatch(/^timestamp,open,high,low,close,volume\n/);

      await page.getByTestId('export-path').fill(join(home, 'nope', 'x.csv'));
      await page.getByTestId('export-bars').click();
      const error = page.getByTestId('export-error');
      await error.waitFor({ timeout: 30_000 });
      expect(await error.textContent()).toContain(`The folder ${join(home, 'nope')} does not exist; create it or choose another folder`);

      // Outside the folders the server was started with: refused, nothing written.
      const elsewhere = join(realpathSync(mkdtempSync(join(tmpdir(), 'bws-e2e-elsewhere-'))), 'x.csv');
      await page.getByTestId('export-path').fill(elsewhere);
      await page.getByTestId('export-bars').click();
      await page.getByText(`${elsewhere} cannot be written: in web mode only`).waitFor({ timeout: 30_000 });
      expect(existsSync(elsewhere)).toBe(false);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
      await own.stop();
    }
  });

  it('exports a series to a CSV file', async () => {
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      // The series imported above: small, so the export is quick.
      await page.locator('[data-testid="series-row"][data-symbol="E2EIMP"]').click();
      const out = join(mkdtempSync(join(E2E_FILES_DIR, 'export-')), 'export.csv');
      await page.getByTestId('export-path').fill(out);
      await page.getByTestId('export-bars').click();
      await page.getByTestId('export-done').waitFor({ timeout: 60_000 });
      expect(existsSync(out)).toBe(true);
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      expect(lines[0]).toMatch(/^timestamp,open,high,low,close,volume/);
      expect(lines).toHaveLength(5_001);
    } finally {
      await app.close();
    }
  });

  it('downloads a series as CSV through the browser (web mode)', async () => {
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      await page.locator('[data-testid="series-row"][data-symbol="E2EIMP"]').click();
      expect(await page.getByTestId('export-bars').textContent()).toBe('Download CSV');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-bars').click()]);
      expect(download.suggestedFilename()).toBe('E2EIMP-1m.csv');
      const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
      expect(lines[0]).toMatch(/^timestamp,open,high,low,close,volume/);
      expect(lines).toHaveLength(5_001);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
