import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { writeBarsCsv, writeRejectedCsv } from '../lib/csv.js';
import { useBrowserAndServer } from '../lib/fixture.js';

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

  it('exports a series to a CSV file', async () => {
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      // The series imported above: small, so the export is quick.
      await page.locator('[data-testid="series-row"][data-symbol="E2EIMP"]').click();
      const out = join(mkdtempSync(join(tmpdir(), 'bws-e2e-export-')), 'export.csv');
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
