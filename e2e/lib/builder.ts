import type { Page } from 'playwright-core';

/** Returns the indexes of the direct children (triggers and groups) of a condition group path. */
export async function childIndexes(page: Page, groupPath: string): Promise<number[]> {
  const direct = new RegExp(`^${groupPath.replace(/\./g, '\\.')}\\.children\\.(\\d+)$`);
  const paths = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="trigger"], [data-testid^="group-"]')].map(
      (el) => el.getAttribute('data-path') ?? el.getAttribute('data-testid')!.replace(/^group-/, ''),
    ),
  );
  return paths.flatMap((p) => {
    const match = direct.exec(p);
    return match ? [Number(match[1])] : [];
  });
}

/** Removes every child of a condition group through its ✕ buttons. */
export async function clearGroup(page: Page, groupPath: string): Promise<void> {
  for (;;) {
    const children = await childIndexes(page, groupPath);
    if (children.length === 0) return;
    await page.getByTestId(`remove-${groupPath}.children.${children[children.length - 1]}`).click();
  }
}

/** Waits until the header says the spec is valid (the debounced validator answered). */
export async function waitValid(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('[data-testid="validation-status"]')?.textContent === 'Valid', undefined, { timeout: 10_000 });
}
