// The interactions the UI perf and load scripts time, in a real Chromium with the
// page's own clock (see in-page.ts), and the data they need.
import type { Browser, Page } from 'playwright-core';
import { invoke } from '../lib/app.js';
import { openPage } from '../lib/browser.js';
import type { RunningServer } from '../lib/server.js';
import { installProbe, percentiles } from './in-page.js';
import { COLD_SETTLE_MS, markAfterLoad, serveBlankPage, WARM_SETTLE_MS } from './open-timing.js';

export const TARGET_MS = 100;
const DRAW_TARGET_MS = 16;

export interface Figure {
  readonly interaction: string;
  readonly p50: number;
  readonly p95: number;
  readonly n: number;
  readonly targetMs: number | null;
  readonly pass: boolean;
  readonly note?: string;
  /** The figure contains engine work (a backtest), not only the UI's: no UI-degradation target under load. */
  readonly includesEngine?: true;
}

/**
 * Collects figures and prints each as `interaction | value | target | pass/short`. Samples
 * of an interaction recorded again (a later pass) join the earlier ones.
 */
export class Recorder {
  readonly figures: Figure[] = [];
  private readonly samples = new Map<string, number[]>();
  constructor(private readonly label = '') {}
  record(interaction: string, samples: number[], targetMs = TARGET_MS, note?: string, includesEngine = false): void {
    const all = [...(this.samples.get(interaction) ?? []), ...samples];
    this.samples.set(interaction, all);
    const { p50, p95, n } = percentiles(all);
    const target = Number.isFinite(targetMs) ? targetMs : null;
    const pass = target === null || p95 < target;
    const figure: Figure = { interaction, p50: round(p50), p95: round(p95), n, targetMs: target, pass, ...(note ? { note } : {}), ...(includesEngine ? { includesEngine: true as const } : {}) };
    const at = this.figures.findIndex((f) => f.interaction === interaction);
    if (at >= 0) this.figures[at] = figure;
    else this.figures.push(figure);
    process.stdout.write(
      `${this.label}${interaction} | p50 ${round(p50)} ms, p95 ${round(p95)} ms (n=${n}) | ${target === null ? 'no target' : `p95 < ${target} ms`} | ${target === null ? '-' : pass ? 'pass' : 'short'}\n`,
    );
  }
}
export const round = (ms: number) => Math.round(ms * 10) / 10;

// BWS_PERF_STRATEGIES lowers the count for a quick check of the script itself.
export const STRATEGIES = Number(process.env.BWS_PERF_STRATEGIES ?? 10_000);

export async function seedStrategies(server: RunningServer): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < STRATEGIES) {
      const i = next++;
      await invoke(server, 'strategies/create', { name: `Perf strategy ${String(i).padStart(5, '0')}`, tags: i % 10 === 0 ? ['tenth'] : [] });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** A strategy that trades on about every other bar: a year of minute bars gives 100,000+ trades. */
export const BUSY_SPEC = {
  version: 1,
  name: 'Perf: every rising bar',
  direction: 'long',
  entry: { long: { kind: 'group', mode: 'all', children: [{ kind: 'trigger', left: { kind: 'variable', variable: 'close' }, operator: '>', right: { kind: 'variable', variable: 'open' } }] } },
  exit: {},
  management: { timeExitBars: 1 },
  sizing: { kind: 'fixedQuantity', quantity: 1 },
  costs: { commissionPct: 0, commissionFixed: 0, slippageBps: 0 },
  initialCash: 1_000_000,
};

export async function runToCompletion(server: RunningServer, strategyId: string, symbol: string): Promise<string> {
  const { jobId } = await invoke<{ jobId: string }>(server, 'backtest/start', { strategyId, symbol, timeframe: '1m' });
  for (;;) {
    const jobs = await invoke<{ id: string; status: string; result?: { runId?: string }; error?: { message: string } }[]>(server, 'jobs/list');
    const job = jobs.find((j) => j.id === jobId);
    if (job?.status === 'done' && job.result?.runId) return job.result.runId;
    if (job && ['failed', 'cancelled', 'interrupted'].includes(job.status)) throw new Error(`busy run ${job.status}: ${job.error?.message ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}


export interface PerfData {
  readonly symbol: string;
  /** A run with 100,000+ trades, for the trades table. */
  readonly busyRunId: string;
  /** An SMA-cross strategy, for the builder and the timed runs. */
  readonly smaId: string;
}

/** Seeds the strategies and the busy run the interactions use. */
export async function preparePerfData(server: RunningServer): Promise<PerfData> {
  const started = Date.now();
  await seedStrategies(server);
  process.stdout.write(`seeded ${STRATEGIES} strategies in ${Date.now() - started} ms\n`);
  const series = await invoke<{ instrument: { symbol: string }; timeframe: string; barCount: number }[]>(server, 'data/listSeries');
  // The longest 1-minute series (a demo coin's year): the demo basket's hourly instruments list first.
  const minutes = series.filter((s) => s.timeframe === '1m').sort((a, b) => b.barCount - a.barCount);
  if (minutes.length === 0) throw new Error('The perf data set has no 1-minute series to run on');
  const symbol = minutes[0]!.instrument.symbol;
  const busy = await invoke<{ id: string }>(server, 'strategies/create', { spec: BUSY_SPEC });
  const busyRunId = await runToCompletion(server, busy.id, symbol);
  const sma = await invoke<{ id: string }>(server, 'strategies/create', { name: 'Perf SMA cross' });
  return { symbol, busyRunId, smaId: sma.id };
}

const time = (page: Page, fn: () => Promise<number>) => page.evaluate(fn);

/** Times every interaction once over (open, switch, scroll, builder, run, zoom, trades). */
export async function measureInteractions(
  browser: Browser,
  server: RunningServer,
  data: PerfData,
  rec: Recorder,
): Promise<{ tradeTotal: number; events: { name: string; duration: number }[] }> {
  const { busyRunId } = data;
  const sma = { id: data.smaId };

  // Open app to interactive: navigation start to the frame after the first screen's data
  // arrived (the app marks 'app-interactive' then). Cold: a fresh browser context each time
  // (empty HTTP cache, code parsed from scratch); new tab: a page opened in a context that
  // has loaded the app; warm: reloads of the same page. Next to each, the same figure for
  // a blank page: the floor of this browser on this machine.
  const blank = await serveBlankPage();
  try {
    const open = async (url: string, isApp: boolean) => {
      const cold: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const fresh = await openPage(browser);
        await fresh.page.goto(url);
        cold.push(await markAfterLoad(fresh.page, COLD_SETTLE_MS));
        if (isApp) await fresh.page.getByTestId('series-row').first().waitFor();
        await fresh.context.close();
      }
      const { page, context } = await openPage(browser);
      await page.goto(url);
      await markAfterLoad(page, COLD_SETTLE_MS);
      const warm: number[] = [];
      for (let i = 0; i < 8; i += 1) {
        await page.reload();
        warm.push(await markAfterLoad(page, WARM_SETTLE_MS));
      }
      if (isApp) await page.getByTestId('series-row').first().waitFor();
      // A new tab of a browser that has had the app open (cached code, new page process).
      const tab: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const opened = await context.newPage();
        await opened.setViewportSize(page.viewportSize()!);
        await opened.goto(url);
        tab.push(await markAfterLoad(opened, COLD_SETTLE_MS));
        await opened.close();
      }
      await context.close();
      return { cold, tab, warm };
    };
    const floor = await open(blank.url, false);
    rec.record('blank page to first frame (cold; the floor, for reference)', floor.cold, Infinity);
    rec.record('blank page to first frame (new tab; the floor, for reference)', floor.tab, Infinity);
    rec.record('blank page to first frame (warm; the floor, for reference)', floor.warm, Infinity);
    const app = await open(server.url, true);
    rec.record('open app to interactive (cold: new browser context)', app.cold);
    // Files come from the HTTP cache; the code is compiled again (no V8 code cache is consumed in
    // Playwright's contexts: see docs/UI-PERFORMANCE.md, 2026-12-04 third session).
    rec.record('open app to interactive (new tab: files cached, code compiled again)', app.tab);
    rec.record('open app to interactive (warm: reload)', app.warm);
  } finally {
    await blank.close();
  }
  const { page, context } = await openPage(browser);
  await page.goto(server.url);
  await page.getByTestId('series-row').first().waitFor();
  await installProbe(page);

  // Switch screens.
  const switches: number[] = [];
  for (let i = 0; i < 4; i += 1) {
    for (const screen of ['strategies', 'data', 'history', 'builder']) {
      switches.push(
        await page.evaluate(
          (name) => window.__perf.time(() => (document.querySelector(`[data-testid="nav-${name}"]`) as HTMLElement).click(), () => document.querySelector(`[data-testid="screen-${name}"]`) !== null),
          screen,
        ),
      );
    }
  }
  rec.record('switch screens', switches);

  // Scroll the strategy list (10,000 rows): each step until real rows (not placeholders) are painted there.
  await page.getByTestId('nav-strategies').click();
  await page.getByTestId('strategy-row').first().waitFor();
  const scrolls: number[] = [];
  for (let i = 0; i < 60; i += 1) {
    scrolls.push(
      await time(page, () =>
        window.__perf.time(
          () => {
            const list = document.querySelector('[data-testid="strategy-list"]') as HTMLElement;
            list.scrollTop += 1500;
          },
          () => {
            const list = document.querySelector('[data-testid="strategy-list"]') as HTMLElement;
            const box = list.getBoundingClientRect();
            return [...list.querySelectorAll('[data-testid="strategy-row"]')].some((row) => {
              const r = row.getBoundingClientRect();
              return r.top >= box.top && r.bottom <= box.bottom;
            });
          },
        ),
      ),
    );
  }
  rec.record(`scroll the strategy list (${STRATEGIES.toLocaleString('en-US')})`, scrolls);

  // Open a strategy from the list into the builder.
  const opensStrategy: number[] = [];
  for (let i = 0; i < 8; i += 1) {
    await page.getByTestId('nav-strategies').click();
    await page.getByTestId('strategy-row').first().waitFor();
    await installProbe(page);
    opensStrategy.push(
      await time(page, () =>
        window.__perf.time(
          () => {
            const row = document.querySelectorAll('[data-testid="strategy-row"]')[3] as HTMLElement;
            row.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
          },
          () => document.querySelector('[data-testid="builder-form"] [data-testid="trigger"]') !== null,
        ),
      ),
    );
  }
  rec.record('open a strategy (list to builder form)', opensStrategy);

  // Change a parameter until validation shows (alternating an invalid and a valid period).
  await page.goto(`${server.origin}/#/builder/${sma.id}`);
  await page.getByTestId('validation-status').filter({ hasText: 'Valid' }).waitFor();
  await installProbe(page);
  const field = '[data-testid="field-entry.long.children.0.left.params.period"]';
  const outOfRange: number[] = [];
  const confirmed: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    // Out of range: the message next to the field (the range comes from the catalog).
    outOfRange.push(
      await page.evaluate(
        (f) => window.__perf.time(() => window.__perf.type(f, '0'), () => document.querySelector('[data-testid="issue-entry.long.children.0.left.params.period"]') !== null),
        field,
      ),
    );
    // Untimed: let the validator's answer for the bad value arrive before fixing it.
    await page.waitForFunction(() => document.querySelector('[data-testid="validation-status"]')?.textContent !== 'Valid');
    // Fixed: until the validator (debounce + round trip) says the spec is valid again.
    confirmed.push(
      await page.evaluate(
        ({ f, value }) => window.__perf.time(() => window.__perf.type(f, value), () => document.querySelector('[data-testid="validation-status"]')?.textContent === 'Valid'),
        { f: field, value: String(5 + i) },
      ),
    );
  }
  rec.record('change a parameter out of range until the message shows', outOfRange);
  rec.record('change a parameter back until the validator confirms', confirmed, TARGET_MS, 'includes the 40 ms input debounce and the validate round trip');
  // Leave a valid, saved spec behind.
  await page.evaluate((f) => window.__perf.type(f, '10'), field);
  await page.getByTestId('validation-status').filter({ hasText: 'Valid' }).waitFor();
  if (await page.getByTestId('builder-save').isEnabled()) await page.getByTestId('builder-save').click();

  // Start a run until results show (a full year of minute bars), then zoom its price chart.
  await page.goto(`${server.origin}/#/run/${sma.id}`);
  // Run stays disabled until the instrument list has arrived; a click before that does nothing.
  await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
  await installProbe(page);
  const backtests: number[] = [];
  const afterJob: number[] = [];
  // A trader presses Run again after reading the last results: each run starts once the
  // previous one's charts and trades have loaded (their fetches and painting would
  // otherwise compete with the run for the two cores) and a moment has passed.
  const resultsLoaded = async () => {
    await page.getByTestId('equity-chart').locator('canvas').first().waitFor();
    await page.getByTestId('price-canvas').locator('canvas').first().waitFor();
    await page.getByTestId('trade-row').first().waitFor();
    await page.waitForTimeout(500);
  };
  // Each run has inputs of its own (the range starts a day later), as a trader changes
  // something before running again: an unchanged rerun would only measure the cache.
  // `settleMs` after the change: the form computes the run ahead 300 ms after its inputs
  // settle, so 1,000 ms finds it computed and 50 ms leaves it all to the Run.
  let shift = 0;
  const timeRuns = async (label: string, settleMs: number, first: boolean) => {
    const runs: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      if (i > 0 || !first) await resultsLoaded();
      else await page.waitForTimeout(500);
      shift += 1;
      await page.evaluate((days) => {
        const input = document.querySelector('[data-testid="run-from"]') as HTMLInputElement;
        const from = new Date(`${input.dataset.base ?? input.value}T00:00:00Z`);
        input.dataset.base ??= input.value;
        window.__perf.type('[data-testid="run-from"]', new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10));
      }, shift);
      await page.waitForTimeout(settleMs);
      const total = await time(page, () => {
        document.querySelector('[data-testid="run-results"]')?.setAttribute('data-old', '1');
        performance.clearMarks('run-start');
        performance.clearMarks('run-computed');
        return window.__perf.time(
          () => (document.querySelector('[data-testid="run-start"]') as HTMLElement).click(),
          () =>
            document.querySelector('[data-testid="run-results"]:not([data-old]) [data-testid="metric-totalReturnPct"]') !== null ||
            document.querySelector('[data-testid="run-error"]') !== null,
          120_000,
        );
      });
      if ((await page.getByTestId('run-error').count()) > 0) throw new Error(`the run failed in the UI: ${await page.getByTestId('run-error').textContent()}`);
      // The app marks 'run-start' when Run is pressed and 'run-computed' when the job's
      // results arrive (engine done, save under way): the span between is the backtest
      // (request, queue, worker, event).
      const span = await page.evaluate(() => {
        const start = performance.getEntriesByName('run-start').at(-1)!.startTime;
        const computed = performance.getEntriesByName('run-computed').at(-1)?.startTime;
        return computed === undefined ? null : computed - start;
      });
      runs.push(total);
      // Without the results event (the page missed it) they showed once the run was saved.
      if (span !== null) {
        backtests.push(span);
        afterJob.push(total - span);
      }
      // Where each run's time went, to tell a slow run's cause: the worker's own figures,
      // once its save is done.
      await page.getByTestId('run-status').waitFor();
      const [job] = (await invoke<{ kind: string; result?: { computedInAdvance?: boolean; timings?: Record<string, number> } }[]>(server, 'jobs/list')).filter(
        (j) => j.kind === 'backtest',
      );
      const timings = Object.entries(job?.result?.timings ?? {}).map(([name, ms]) => `${name} ${round(ms)}`);
      const computed = span === null ? 'no results event seen' : `${round(span)} ms to computed`;
      const ahead = job?.result?.computedInAdvance ? ' (computed ahead)' : '';
      process.stdout.write(`  run ${i + 1}: ${round(total)} ms to results, ${computed}; worker${ahead}: ${timings.join(', ')}\n`);
    }
    rec.record(label, runs, TARGET_MS, 'click to metrics painted', true);
  };
  await timeRuns('start a run 1 s after changing its range (1y of 1m bars; computed while the form was open)', 1_000, true);
  await timeRuns('start a run 50 ms after changing its range (1y of 1m bars; the backtest runs on the click)', 50, false);
  rec.record('  of which the backtest (click to its results computed; the save goes on after)', backtests, Number.POSITIVE_INFINITY, 'engine work in a worker, not UI: no UI target', true);
  rec.record('results computed until metrics show (the UI part)', afterJob, TARGET_MS, 'interim event to metrics painted; charts and trades fill in once the run is saved');
  await page.getByTestId('price-canvas').locator('canvas').waitFor();
  await page.waitForTimeout(500);
  const zooms: number[] = [];
  const draws: number[] = [];
  const canvas = page.getByTestId('price-canvas').locator('.u-over');
  // Each box zoom starts from the whole year (Reset zoom): a chart asks for bars only when
  // its view lacks detail, so zooming on into data already fine enough fetches nothing.
  const wholeDetail = await page.getByTestId('chart-detail').textContent();
  for (let i = 0; i < 8; i += 1) {
    if (await page.getByTestId('zoom-reset').isEnabled()) await page.getByTestId('zoom-reset').click();
    await page.waitForFunction((text) => document.querySelector('[data-testid="chart-detail"]')?.textContent === text, wholeDetail);
    await page.waitForTimeout(200);
    const before = await page.evaluate(() => window.__perf.chartDraws().length);
    await page.evaluate(() => {
      const detail = document.querySelector('[data-testid="chart-detail"]')?.textContent;
      window.__perf.arm('mouseup', () => document.querySelector('[data-testid="chart-detail"]')?.textContent !== detail);
    });
    // A real box zoom with the mouse (Shift+drag; a plain drag pans): from 30% to 60% of
    // the plot width; timed from the mouseup.
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.keyboard.down('Shift');
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    zooms.push(await page.evaluate(() => window.__perf.pending!));
    const after = await page.evaluate(() => window.__perf.chartDraws());
    draws.push(...after.slice(before));
  }
  rec.record('zoom the price chart (refetch at full detail)', zooms);
  rec.record('chart redraw after zoom (uPlot setData)', draws, DRAW_TARGET_MS);

  // The wheel and a drag move the price, equity and drawdown charts together at once (the
  // refetch follows once the gesture rests): timed from the event until all three show
  // the new range and a frame is painted.
  const RUN_CHARTS = ['price-canvas', 'equity-chart', 'drawdown-chart'];
  const armMoved = (eventType: string) =>
    page.evaluate(
      ({ type, ids }) => {
        const shown = () => ids.map((id) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.dataset.xMin ?? '').join('|');
        const before = shown();
        window.__perf.arm(type, () => ids.every((id) => !before.split('|').includes(document.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.dataset.xMin ?? '')));
      },
      { type: eventType, ids: RUN_CHARTS },
    );
  const wheels: number[] = [];
  const pans: number[] = [];
  for (let i = 0; i < 8; i += 1) {
    // From the whole year each time: a zoom in around the middle, then a pan of a tenth of
    // the plot, never reaching an end of the data (where the range would stop moving).
    if (await page.getByTestId('zoom-reset').isEnabled()) await page.getByTestId('zoom-reset').click();
    await page.waitForFunction((text) => document.querySelector('[data-testid="chart-detail"]')?.textContent === text, wholeDetail);
    await page.waitForTimeout(300);
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await armMoved('wheel');
    await page.mouse.wheel(0, -300);
    wheels.push(await page.evaluate(() => window.__perf.pending!));
    await page.waitForTimeout(300);
    await page.mouse.move(box.x + box.width * (i % 2 === 0 ? 0.6 : 0.4), box.y + box.height / 2);
    await page.mouse.down();
    await armMoved('mousemove');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    pans.push(await page.evaluate(() => window.__perf.pending!));
    await page.mouse.up();
    await page.waitForTimeout(300);
  }
  rec.record('wheel-zoom the price chart (price, equity and drawdown moved and painted)', wheels);
  rec.record('pan by dragging the price chart (one mouse move; the three charts moved and painted)', pans);

  // Scroll the 100,000-row trades table of the busy run.
  await page.goto(`${server.origin}/#/history/${busyRunId}`);
  await page.getByTestId('trade-row').first().waitFor({ timeout: 60_000 });
  const tradeTotal = Number((await page.getByTestId('trade-count').textContent())?.replace(/\D/g, ''));
  await installProbe(page);
  const tradeScrolls: number[] = [];
  const tradeJumps: number[] = [];
  for (let i = 0; i < 60; i += 1) {
    (i % 3 === 0 ? tradeJumps : tradeScrolls).push(
      await page.evaluate(
        (step) =>
          window.__perf.time(
            () => {
              const list = document.querySelector('[data-testid="trade-list"]') as HTMLElement;
              list.scrollTop += step;
            },
            () => {
              const list = document.querySelector('[data-testid="trade-list"]') as HTMLElement;
              const box = list.getBoundingClientRect();
              return [...list.querySelectorAll('[data-testid="trade-row"]')].some((row) => {
                const r = row.getBoundingClientRect();
                return r.top >= box.top && r.bottom <= box.bottom;
              });
            },
          ),
        i % 3 === 0 ? 40_000 : 1_200,
      ),
    );
  }
  rec.record(`scroll the trades table by a screen (${tradeTotal.toLocaleString('en-US')} rows)`, tradeScrolls);
  rec.record('jump 1,500 rows in the trades table (rows read ahead)', tradeJumps);
  // Far jumps into rows nothing has fetched yet (a scrollbar drag): one page round trip each.
  const farJumps: number[] = [];
  for (let k = 0; k < 10; k += 1) {
    farJumps.push(
      await page.evaluate(
        (fraction) =>
          window.__perf.time(
            () => {
              const list = document.querySelector('[data-testid="trade-list"]') as HTMLElement;
              list.scrollTop = Math.round(list.scrollHeight * fraction);
            },
            () => {
              const list = document.querySelector('[data-testid="trade-list"]') as HTMLElement;
              const box = list.getBoundingClientRect();
              return [...list.querySelectorAll('[data-testid="trade-row"]')].some((row) => {
                const r = row.getBoundingClientRect();
                return r.top >= box.top && r.bottom <= box.bottom;
              });
            },
          ),
        0.3 + k * 0.065,
      ),
    );
  }
  rec.record('drag the trades scrollbar to rows not fetched yet (page fetch)', farJumps);
  // Sort the whole table by a column (a header click): PnL descending, then ascending, ...
  // The first click of each order sorts every trade on the server; later ones reuse it.
  const sorts: number[] = [];
  await page.evaluate(() => {
    (document.querySelector('[data-testid="trade-list"]') as HTMLElement).scrollTop = 0;
  });
  await page.waitForTimeout(300);
  for (let k = 0; k < 6; k += 1) {
    sorts.push(
      await page.evaluate(() => {
        const firstRow = () => document.querySelector('[data-testid="trade-list"] [data-testid="trade-row"]')?.textContent ?? '';
        const before = firstRow();
        return window.__perf.time(
          () => (document.querySelector('[data-testid="sort-pnl"]') as HTMLElement).click(),
          () => firstRow() !== before && firstRow() !== '',
        );
      }),
    );
  }
  rec.record(`sort the trades table by PnL (${tradeTotal.toLocaleString('en-US')} rows; the first click of each order sorts them all)`, sorts);

  const events = await page.evaluate(() => window.__perf.events);
  await context.close();
  return { tradeTotal, events };
}
