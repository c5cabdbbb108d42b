import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { invoke, openApp, type AppSession } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/** Opens the Optimize form on a saved strategy (its route from the Strategies screen) and waits for its parameter rows. */
async function openOnStrategy(page: Page, id: string): Promise<void> {
  await page.evaluate((route) => (window.location.hash = route), `#/optimize/${encodeURIComponent(`strategy:${id}`)}`);
  await page.getByTestId('sweep-setup').waitFor();
  await page.waitForFunction((value) => (document.querySelector('[data-testid="opt-source"]') as HTMLSelectElement | null)?.value === value, `strategy:${id}`);
  await page.getByTestId('opt-param-row').first().waitFor();
}

/** The parameters a saved strategy offers to a sweep: costs apart, constraints checked as typed. */
describe('optimize: the parameters of a saved strategy', () => {
  const { browser, server } = useBrowserAndServer();
  let app: AppSession | undefined;
  afterAll(async () => app?.close());

  it('does not offer its costs unless asked: a sweep would just pick the lowest', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Costs apart', templateId: 'sma-cross' });
    const opened = await openApp(browser(), server());
    app = opened;
    const { page } = opened;
    await openOnStrategy(page, strategy.id);
    const names = async (): Promise<string[]> => page.getByTestId('opt-param-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name') ?? ''));
    expect((await names()).filter((name) => name.startsWith('costs.'))).toEqual([]);
    expect(await page.getByTestId('opt-costs-heading').count()).toBe(0);
    await page.getByTestId('opt-offer-costs').check();
    expect((await names()).filter((name) => name.startsWith('costs.'))).toEqual(['costs.commissionPct', 'costs.commissionFixed', 'costs.slippageBps']);
    expect(await page.getByTestId('opt-costs-heading').textContent()).toContain('Costs (usually not optimized');
    // Shown, still not ticked: a trader ticks a cost on purpose.
    expect(await page.getByTestId('opt-use-costs.commissionPct').isChecked()).toBe(false);
    expect(opened.errors).toEqual([]);
  });

  it("refuses a constraint naming parameters it does not have, next to the field, before Start", async () => {
    const catalog = await invoke<{ templates: { id: string; spec: Record<string, unknown> }[] }>(server(), 'strategies/catalog');
    // Built without named parameters: its numbers go by path, and the placeholder's old `fast < slow` names none of them.
    const { parameters: _names, ...template } = catalog.templates.find((t) => t.id === 'sma-cross')!.spec;
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { spec: { ...template, name: 'By path' } });
    const page = app!.page;
    await openOnStrategy(page, strategy.id);
    const names = await page.getByTestId('opt-param-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name') ?? ''));
    const period = names.find((name) => /entry\.long.*left\.params\.period$/.test(name))!;
    await page.getByTestId(`opt-use-${period}`).check();
    const start = page.getByTestId('sweep-setup-start');
    expect(await start.isDisabled()).toBe(false);
    expect(await page.getByTestId('opt-constraints').getAttribute('placeholder')).toBe(`${period} >= 1`);

    await page.getByTestId('opt-constraints').fill('fast<slow');
    expect(await page.getByTestId('opt-constraints-error').textContent()).toBe(`Constraint "fast<slow": "fast" is not an optimized parameter (${period})`);
    expect(await start.isDisabled()).toBe(true);
    await page.getByTestId('opt-constraints').fill(`${period} >= 5`);
    expect(await page.getByTestId('opt-constraints-error').count()).toBe(0);
    expect(await start.isDisabled()).toBe(false);
    expect(app!.errors).toEqual([]);
  });
});
