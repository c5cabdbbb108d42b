import type { Page } from 'playwright-core';

/** Types the fast and slow ranges (min, max, step) of an SMA-cross grid into the Optimize form. */
export async function fillGrid(page: Page, fast: readonly [string, string, string], slow: readonly [string, string, string]): Promise<void> {
  for (const [name, [min, max, step]] of [['fast', fast], ['slow', slow]] as const) {
    await page.getByTestId(`opt-min-${name}`).fill(min);
    await page.getByTestId(`opt-max-${name}`).fill(max);
    await page.getByTestId(`opt-step-${name}`).fill(step);
  }
}
