// Timing a page load by the page's own 'app-interactive' mark, without touching the page
// while it loads: Playwright's selector engine and its polling run on the page's main
// thread (its injected script alone takes 12-16 ms to evaluate there), and probing during
// the load added ~50 ms to the median warm open of the app (156 -> 101 ms, 10 reloads).
import { createServer } from 'node:http';
import type { Page } from 'playwright-core';

export const INTERACTIVE_MARK = 'app-interactive';
/** Long enough for the mark on this machine (warm ~100-250 ms, cold ~400-900 ms). */
export const WARM_SETTLE_MS = 1_000;
export const COLD_SETTLE_MS = 2_500;

/** Waits `settleMs` after the navigation, then reads the mark (polling only if it is still missing). */
export async function markAfterLoad(page: Page, settleMs: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const read = () => page.evaluate((name) => performance.getEntriesByName(name)[0]?.startTime ?? null, INTERACTIVE_MARK);
  const early = await read();
  if (early !== null) return early;
  await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, INTERACTIVE_MARK, { timeout: 30_000 });
  return (await read())!;
}

// The blank page marks its first animation frame the way the app marks its first frame
// with data: the least any page costs this browser here.
const BLANK_PAGE = `<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>blank</title><link rel="icon" href="data:," /></head>
<body><div>blank</div><script>requestAnimationFrame(() => performance.mark('${INTERACTIVE_MARK}'));</script></body></html>`;

/** Serves the blank page on a loopback port until `close()`. */
export async function serveBlankPage(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(BLANK_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
