import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { invoke, openApp, type AppSession } from '../lib/app.js';
import { waitValid } from '../lib/builder.js';
import { useBrowserAndServer } from '../lib/fixture.js';
import type { RunningServer } from '../lib/server.js';

interface Detail {
  id: string;
  name: string;
  spec: Record<string, unknown> & { entry: { long: { children: { right: { params: { period: number } } }[] } }; management: Record<string, unknown> };
}

const PERIOD = 'field-entry.long.children.0.right.params.period';

/** A long-only strategy: close crosses above SMA(10), exit below it. */
async function createStrategy(server: RunningServer, name: string): Promise<Detail> {
  const catalog = await invoke<{ templates: { spec: Record<string, unknown> }[] }>(server, 'strategies/catalog');
  const trigger = (operator: string) => ({
    kind: 'trigger',
    left: { kind: 'variable', variable: 'close' },
    operator,
    right: { kind: 'variable', variable: 'sma', params: { period: 10 } },
  });
  // The template's rules are replaced: without its parameters, which name the SMAs it had.
  const { parameters: _names, ...template } = catalog.templates[0]!.spec;
  const spec = {
    ...template,
    name,
    direction: 'long',
    entry: { long: { kind: 'group', mode: 'all', children: [trigger('crossesAbove')] } },
    exit: { long: { kind: 'group', mode: 'all', children: [trigger('crossesBelow')] } },
    management: {},
  };
  return invoke<Detail>(server, 'strategies/create', { spec });
}

const waitStatus = (page: Page, text: string) =>
  page.waitForFunction((expected) => document.querySelector('[data-testid="validation-status"]')?.textContent === expected, text, { timeout: 10_000 });

async function openBuilder(app: AppSession, id: string): Promise<void> {
  await app.page.evaluate((hash) => (window.location.hash = hash), `#/builder/${id}`);
  await app.page.getByTestId('builder-form').waitFor();
  await waitValid(app.page);
}

describe('builder guards: what the form shows is what saving and running enforce', () => {
  const { browser, server } = useBrowserAndServer();

  /** Opens the strategy in the builder of a fresh page, runs `steps`, checks the page threw nothing, closes it. */
  async function inBuilder(id: string, steps: (app: AppSession) => Promise<void>): Promise<void> {
    const app = await openApp(browser(), server());
    try {
      await openBuilder(app, id);
      await steps(app);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  }

  it('blocks saving a value out of the range the field shows; the server refuses it too', async () => {
    const strategy = await createStrategy(server(), 'Range guard');
    await inBuilder(strategy.id, async (app) => {
      const { page } = app;
      await page.getByTestId('distance-management.stopLoss').selectOption('percent');
      await waitValid(page);
      const field = page.getByTestId('field-management.stopLoss.value');
      expect(await page.locator('label', { has: page.locator('span', { hasText: '(%, 0.01–100)' }) }).count()).toBeGreaterThan(0);
      await field.fill('500');
      await page.getByTestId('issue-management.stopLoss.value').filter({ hasText: 'between 0.01 and 100' }).first().waitFor();
      await waitStatus(page, '1 problem');
      expect(await page.getByTestId('builder-save').isDisabled()).toBe(true);
      await page.keyboard.press('Control+s');
      await page.waitForTimeout(300);
      const stored = await invoke<Detail>(server(), 'strategies/get', { id: strategy.id });
      expect(stored.spec.management['stopLoss']).toBeUndefined();

      // The server says the same, with the field path.
      const refused = invoke(server(), 'strategies/update', { id: strategy.id, spec: { ...stored.spec, management: { stopLoss: { kind: 'percent', value: 500 } } } });
      await expect(refused).rejects.toThrow(/The stop-loss percent must be between 0\.01 and 100, got 500\. \(at management\.stopLoss\.value\)/);

      await field.fill('100');
      await waitValid(page);
      expect(await page.getByTestId('builder-save').isEnabled()).toBe(true);
    });
  });

  it('previews the checked spec only: a period typed as 0 is never drawn as SMA(0) while its check is on the way', async () => {
    const strategy = await createStrategy(server(), 'Preview guard');
    await inBuilder(strategy.id, async ({ page }) => {
      await page.getByTestId('preview-legend').filter({ hasText: 'SMA(10)' }).waitFor();
      await page.getByTestId(PERIOD).fill('0');
      await waitStatus(page, '1 problem');
      await page.getByTestId('preview-count').filter({ hasText: 'Fix the errors to preview.' }).waitFor();
      // Time for a chart of the unchecked edit to ask for its bars and fail, as it did.
      await page.waitForTimeout(1000);
      expect(await page.getByTestId('preview-legend').textContent()).not.toContain('SMA(0)');
      expect(await page.getByTestId('signal-preview').textContent()).not.toContain('cannot be drawn');
      await page.getByTestId(PERIOD).fill('20');
      await waitValid(page);
      await page.getByTestId('preview-legend').filter({ hasText: 'SMA(20)' }).waitFor();
    });
  });

  it('counts a number field holding no number as a problem and saves nothing', async () => {
    const strategy = await createStrategy(server(), 'Blank guard');
    await inBuilder(strategy.id, async (app) => {
      const { page } = app;
      await page.getByTestId('field-management.stopLoss.value').waitFor({ state: 'detached' });
      // Another edit makes the spec unsaved; then the period is cleared.
      await page.getByTestId('field-direction').selectOption('both');
      await page.getByTestId('field-direction').selectOption('long');
      await page.getByTestId('field-name').fill('Blank guard, edited');
      await page.getByTestId(PERIOD).fill('');
      await page.getByTestId('issue-entry.long.children.0.right.params.period').filter({ hasText: 'Enter a number.' }).waitFor();
      await waitStatus(page, '1 problem');
      expect(await page.getByTestId('builder-save').isDisabled()).toBe(true);
      await page.keyboard.press('Control+s');
      await page.waitForTimeout(300);
      expect((await invoke<Detail>(server(), 'strategies/get', { id: strategy.id })).name).toBe('Blank guard');

      await page.getByTestId(PERIOD).fill('12');
      await waitValid(page);
      await page.getByTestId('builder-save').click();
      await page.getByTestId('draft-status').waitFor({ state: 'detached' });
      const saved = await invoke<Detail>(server(), 'strategies/get', { id: strategy.id });
      expect(saved.spec.entry.long.children[0]!.right.params.period).toBe(12);
    });
  });

  it('Ctrl+Enter, like the Run button, runs the form as shown: right after typing, the edit is in the draft the Run screen runs', async () => {
    const strategy = await createStrategy(server(), 'Shortcut guard');
    await inBuilder(strategy.id, async (app) => {
      const { page } = app;
      // A field holding no number blocks Run, said for the press that met it.
      await page.getByTestId(PERIOD).fill('');
      expect(await page.getByTestId('builder-run').isDisabled()).toBe(true);
      await page.keyboard.press('Control+Enter');
      await page.getByTestId('builder-run-blocked').filter({ hasText: 'Enter a number in every field first.' }).waitFor();
      expect(await page.evaluate(() => window.location.hash)).toBe(`#/builder/${strategy.id}`);

      // Unsaved edits run as they stand: no "save first", and the draft is stored before Run reads it.
      await page.getByTestId(PERIOD).fill('15');
      await page.getByTestId('builder-discard').waitFor();
      expect(await page.getByTestId('builder-run').textContent()).toBe('Run edits…');
      await page.keyboard.press('Control+Enter');
      await page.getByTestId('run-form').waitFor();
      expect(await page.evaluate(() => window.location.hash)).toBe(`#/run/${strategy.id}`);
      await page.getByTestId('run-version').filter({ hasText: 'Unsaved edits' }).waitFor();
      const draft = await invoke<{ draft: Detail['spec'] }>(server(), 'strategies/getDraft', { id: strategy.id });
      expect(draft.draft.entry.long.children[0]!.right.params.period).toBe(15);
    });
  });

  it('an edit typed back to the saved value is no unsaved change, also after a reload', async () => {
    const strategy = await createStrategy(server(), 'Revert guard');
    await inBuilder(strategy.id, async (app) => {
      const { page } = app;
      await page.getByTestId(PERIOD).fill('15');
      await page.getByTestId('builder-discard').waitFor();
      await page.waitForFunction(() => /Draft saved/.test(document.querySelector('[data-testid="draft-status"]')?.textContent ?? ''));
      await page.getByTestId(PERIOD).fill('10');
      await page.getByTestId('builder-discard').waitFor({ state: 'detached' });
      await waitValid(page);
      expect(await page.getByTestId('builder-save').isDisabled()).toBe(true);
      expect(await page.getByTestId('builder-run').isEnabled()).toBe(true);

      // The stop loss off, on and off again: the key order changes, the value does not.
      await page.getByTestId('distance-management.stopLoss').selectOption('percent');
      await page.getByTestId('builder-discard').waitFor();
      await page.getByTestId('distance-management.stopLoss').selectOption('off');
      await page.getByTestId('builder-discard').waitFor({ state: 'detached' });

      // The draft of the reverted edit does not come back as "unsaved" after a reload.
      await page.waitForTimeout(800);
      await page.reload();
      await page.getByTestId('builder-form').waitFor();
      await waitValid(page);
      expect(await page.getByTestId(PERIOD).inputValue()).toBe('10');
      expect(await page.getByTestId('draft-restored').count()).toBe(0);
      expect(await page.getByTestId('builder-discard').count()).toBe(0);
    });
  });

  it('"Discard changes" leaves no unsaved-edits mark on the strategies list, also after a reload', async () => {
    const strategy = await createStrategy(server(), 'Discard guard');
    await inBuilder(strategy.id, async (app) => {
      const { page } = app;
      const mark = page.locator('[data-testid="strategy-row"][data-name="Discard guard"]').getByTestId('strategy-unsaved');
      await page.getByTestId(PERIOD).fill('15');
      await page.waitForFunction(() => /Draft saved/.test(document.querySelector('[data-testid="draft-status"]')?.textContent ?? ''));
      await page.evaluate(() => (window.location.hash = '#/strategies'));
      await mark.waitFor();

      await openBuilder(app, strategy.id);
      await page.getByTestId('draft-restored').waitFor();
      await page.getByTestId('builder-discard').click();
      await page.getByTestId('builder-discard').waitFor({ state: 'detached' });
      expect(await page.getByTestId(PERIOD).inputValue()).toBe('10');
      // The discard reaches the stored draft (autosaved 0.4 s after the edit).
      await expect.poll(async () => (await invoke<{ hasDraft: boolean }>(server(), 'strategies/get', { id: strategy.id })).hasDraft, { timeout: 5_000 }).toBe(false);
      await page.evaluate(() => (window.location.hash = '#/strategies'));
      await page.locator('[data-testid="strategy-row"][data-name="Discard guard"]').waitFor();
      expect(await mark.count()).toBe(0);
      await page.reload();
      await page.locator('[data-testid="strategy-row"][data-name="Discard guard"]').waitFor();
      expect(await mark.count()).toBe(0);
      await openBuilder(app, strategy.id);
      expect(await page.getByTestId('draft-restored').count()).toBe(0);
      expect(await page.getByTestId('builder-discard').count()).toBe(0);
    });
  });

  it('a deleted strategy shows "was deleted" in the builder and on Run, with no Save or Run, and restores with its unsaved edits', async () => {
    const strategy = await createStrategy(server(), 'Doomed');
    await inBuilder(strategy.id, async (app) => {
      const { page } = app;
      await page.getByTestId(PERIOD).fill('15');
      await page.waitForFunction(() => /Draft saved/.test(document.querySelector('[data-testid="draft-status"]')?.textContent ?? ''));

      // Delete from the Strategies screen after a click on its row (which prefetches it for the builder).
      await page.evaluate(() => (window.location.hash = '#/strategies'));
      await page.locator('[data-testid="strategy-row"][data-name="Doomed"]').click();
      await page.getByTestId('strategy-delete').click();
      await page.locator('[data-testid="strategy-row"][data-name="Doomed"]').waitFor({ state: 'detached' });

      for (let visit = 0; visit < 2; visit++) {
        await page.evaluate((hash) => (window.location.hash = hash), `#/builder/${strategy.id}`);
        await page.getByTestId('strategy-missing').filter({ hasText: 'This strategy was deleted' }).waitFor();
        expect(await page.getByTestId('builder-save').count()).toBe(0);
        expect(await page.getByTestId('builder-form').count()).toBe(0);
        await page.evaluate(() => (window.location.hash = '#/strategies'));
        await page.getByTestId('screen-strategies').waitFor();
      }
      await page.evaluate((hash) => (window.location.hash = hash), `#/run/${strategy.id}`);
      await page.getByTestId('strategy-missing').filter({ hasText: 'This strategy was deleted' }).waitFor();
      expect(await page.getByTestId('run-start').count()).toBe(0);
      await page.getByTestId('missing-back').click();
      await page.getByTestId('screen-strategies').waitFor();

      await page.evaluate((hash) => (window.location.hash = hash), `#/builder/${strategy.id}`);
      await page.getByTestId('missing-restore').click();
      await page.getByTestId('builder-form').waitFor();
      await waitValid(page);
      // Restored as it was left: the unsaved edit comes back with it, and the builder says so.
      await page.getByTestId('draft-restored').waitFor();
      expect(await page.getByTestId(PERIOD).inputValue()).toBe('15');
    });
  });

  it('lists a warning with Accept, blocks Run until it is accepted and saved, then runs', async () => {
    const strategy = await createStrategy(server(), 'Self compare');
    // Exit when the close is above itself: never true, a warning the validator asks to accept.
    const exit = { kind: 'group', mode: 'all', children: [{ kind: 'trigger', left: { kind: 'variable', variable: 'close' }, operator: '>', right: { kind: 'variable', variable: 'close' } }] };
    await invoke(server(), 'strategies/update', { id: strategy.id, spec: { ...strategy.spec, exit: { long: exit } } });
    await inBuilder(strategy.id, async (app) => {
      const { page } = app;
      const warning = page.getByTestId('builder-warning').filter({ hasText: 'compares Close with itself' });
      await warning.waitFor();
      expect(await page.getByTestId('builder-run').isDisabled()).toBe(true);
      expect(await page.getByTestId('builder-run').getAttribute('title')).toMatch(/^Fix or accept the warning below first/);
      await warning.getByTestId('accept-warning').click();
      await page.getByTestId('accepted-warning').filter({ hasText: 'Accepted: This compares Close with itself' }).waitFor();
      await page.locator('[data-testid="builder-save"]:not([disabled])').click();
      await page.locator('[data-testid="builder-run"]:not([disabled])').click();
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('run-results').waitFor({ timeout: 30_000 });
      await page.getByTestId('metric-totalReturnPct').waitFor();
      const saved = await invoke<{ spec: { acceptedWarnings?: string[] } }>(server(), 'strategies/get', { id: strategy.id });
      expect(saved.spec.acceptedWarnings).toEqual(['exit.long.children[0]']);
    });
  });

  it('one name limit: the builder says it as you type, rename says why, and long names are cut in the header', async () => {
    const strategy = await createStrategy(server(), 'Named');
    await expect(invoke(server(), 'strategies/rename', { id: strategy.id, name: 'r'.repeat(250) })).rejects.toThrow(/rename failed: A name is at most 200 characters\.$/);
    await inBuilder(strategy.id, async (app) => {
      const { page } = app;
      await page.getByTestId('field-name').fill('n'.repeat(250));
      await page.getByTestId('issue-name').filter({ hasText: 'at most 200' }).first().waitFor();
      expect(await page.getByTestId('name-length').textContent()).toBe('(250/200)');
      await waitStatus(page, '1 problem');
      expect(await page.getByTestId('builder-save').isDisabled()).toBe(true);

      const longest = `${'Long name '.repeat(19)}0123456789`;
      expect(longest.length).toBe(200);
      await page.getByTestId('field-name').fill(longest);
      await waitValid(page);
      await page.getByTestId('builder-save').click();
      await page.getByTestId('draft-status').waitFor({ state: 'detached' });
      const title = page.getByTestId('builder-title');
      await page.waitForFunction((name) => document.querySelector('[data-testid="builder-title"]')?.textContent === name, longest);
      expect(await title.getAttribute('title')).toBe(longest);
      const box = await title.evaluate((el) => ({
        overflow: getComputedStyle(el).textOverflow,
        cut: el.scrollWidth > el.clientWidth,
        right: el.getBoundingClientRect().right,
        height: el.getBoundingClientRect().height,
        viewport: window.innerWidth,
      }));
      expect(box.overflow).toBe('ellipsis');
      expect(box.cut).toBe(true);
      expect(box.right).toBeLessThanOrEqual(box.viewport);
      expect(box.height).toBeLessThan(30);
    });
  });

  it('saves on a Ctrl+S pressed right after typing, before the check of the edit is back', async () => {
    const strategy = await createStrategy(server(), 'Quick save');
    const app = await openApp(browser(), server());
    try {
      const { page } = app;
      // Checks answer 400 ms late (the page's socket is proxied), so Ctrl+S surely comes
      // before the check of the edit: it used to be dropped silently then.
      await page.routeWebSocket(/\/api\/events/, (ws) => {
        const upstream = ws.connectToServer();
        ws.onMessage((message) => {
          if (String(message).includes('"strategies/validate"')) setTimeout(() => upstream.send(message), 400);
          else upstream.send(message);
        });
      });
      await page.reload();
      await openBuilder(app, strategy.id);
      await page.getByTestId(PERIOD).fill('17');
      await page.keyboard.press('Control+s');
      await page.getByTestId('builder-discard').waitFor({ state: 'detached' });
      await expect
        .poll(async () => (await invoke<Detail>(server(), 'strategies/get', { id: strategy.id })).spec.entry.long.children[0]!.right.params.period)
        .toBe(17);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
