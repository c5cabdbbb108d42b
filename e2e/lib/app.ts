import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openPage } from './browser.js';
import type { RunningServer } from './server.js';

export interface AppSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught page errors so far: a test asserts it stays empty. */
  readonly errors: string[];
  readonly close: () => Promise<void>;
}

/** Opens the app at the URL the server printed (token included) and waits for the shell. */
export async function openApp(browser: Browser, server: RunningServer, hash = ''): Promise<AppSession> {
  const { context, page, errors } = await openPage(browser);
  await page.goto(server.url + hash);
  await page.getByTestId('nav-data').waitFor();
  return { context, page, errors, close: () => context.close() };
}

/** Switches screen through the top bar and waits for it. */
export async function goTo(page: Page, screen: 'data' | 'strategies' | 'builder' | 'run' | 'history'): Promise<void> {
  await page.getByTestId(`nav-${screen}`).click();
  await page.getByTestId(`screen-${screen}`).waitFor();
}

/** Waits (up to 60 s) for a job to end done and answers its result; a job that ends otherwise throws, with its error. */
export async function jobResult<T>(server: RunningServer, jobId: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const job = (await invoke<{ id: string; status: string; result?: T; error?: { message: string } }[]>(server, 'jobs/list')).find((j) => j.id === jobId);
    if (job?.status === 'done') return job.result as T;
    if (job && !['queued', 'running'].includes(job.status)) throw new Error(`job ${job.status}: ${job.error?.message ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('job did not finish in 60 s');
}

/** Calls the API the way the page does (bearer token), from the test: for setup and checks. */
export async function invoke<T>(server: RunningServer, name: string, args?: unknown): Promise<T> {
  const response = await fetch(`${server.origin}/api/invoke`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, args }),
  });
  const body = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name} failed: ${body.error?.message ?? response.status}`);
  return body.value as T;
}
