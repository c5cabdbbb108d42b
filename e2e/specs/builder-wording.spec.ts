import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

describe('the builder in words', () => {
  const { browser, server } = useBrowserAndServer();

  it("names a missing side's section in words, not the validator's path", async () => {
    const sma = await invoke<{ id: string; spec: { entry: Record<string, unknown> } }>(server(), 'strategies/create', { templateId: 'sma-cross' });
    expect(sma.spec.entry['short']).toBeUndefined(); // the template trades long only
    const app = await openApp(browser(), server(), `#/builder/${sma.id}`);
    const { page } = app;
    try {
      await page.getByTestId('field-direction').selectOption('both');
      const issues = page.getByTestId('builder-issues');
      await issues.waitFor();
      expect(await issues.textContent()).toBe('Short entry: The strategy trades short but has no short entry conditions.');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
