// Where opening the app spends its time (`node e2e/perf/run-trace.mjs`): loads the app
// cold (fresh context), as a new tab and warm (reload) several times and prints, per
// kind, the median of each resource's start/end, the page's marks and the main thread's
// busy time by kind of task from a Chromium trace. For finding the cost, not a target.
import { writeFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser, openPage } from '../lib/browser.js';
import { startServer } from '../lib/server.js';
import { INTERACTIVE_MARK, serveBlankPage } from './open-timing.js';

interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly tid: number;
  readonly pid: number;
  readonly args?: { data?: { url?: string; frame?: string } };
}

interface Sample {
  readonly marks: Record<string, number>;
  readonly resources: Record<string, { start: number; end: number; size: number }>;
  readonly busy: Record<string, number>;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const r = (ms: number) => Math.round(ms * 10) / 10;

let dumps = 0;
// BWS_TRACE=0: marks and resource timing only (a trace slows the page down severalfold).
const TRACING = process.env.BWS_TRACE !== '0';

async function trace(page: Page, cdp: CDPSession, load: () => Promise<unknown>): Promise<Sample> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (message) => events.push(...(message.value as unknown as TraceEvent[])));
  if (TRACING) {
    await cdp.send('Tracing.start', {
      categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8,v8.execute,blink.user_timing,loading',
      transferMode: 'ReportEvents',
    });
  }
  await load();
  await page.waitForTimeout(2_000);
  await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, INTERACTIVE_MARK, { timeout: 30_000 });
  if (TRACING) {
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await done;
    if (process.env.BWS_TRACE_DUMP) writeFileSync(`${process.env.BWS_TRACE_DUMP}-${dumps++}.json`, JSON.stringify(events));
  }
  const inPage = await page.evaluate(() => {
    const marks: Record<string, number> = {};
    for (const m of performance.getEntriesByType('mark')) marks[m.name] ??= m.startTime;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    marks['nav: responseEnd'] = nav.responseEnd;
    marks['nav: domInteractive'] = nav.domInteractive;
    marks['nav: domContentLoaded'] = nav.domContentLoadedEventEnd;
    for (const p of performance.getEntriesByType('paint')) marks[`paint: ${p.name}`] = p.startTime;
    const resources: Record<string, { start: number; end: number; size: number }> = {};
    for (const e of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
      const url = new URL(e.name);
      let key = url.pathname.replace(/-[\w-]{8}\.(js|css)$/, '.$1');
      if (key === '/api/invoke') key = `/api/invoke #${Object.keys(resources).filter((k) => k.startsWith('/api/invoke')).length}`;
      resources[key] = { start: e.startTime, end: e.responseEnd, size: e.transferSize };
    }
    return { marks, resources };
  });
  // Main-thread busy time of the renderer's main thread, by top-level task kind.
  const mainThreads = new Set(events.filter((e) => e.name === 'thread_name' && (e.args as { name?: string } | undefined)?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const busy: Record<string, number> = {};
  for (const e of events) {
    if (e.ph !== 'X' || !mainThreads.has(`${e.pid}:${e.tid}`) || !e.dur) continue;
    if (['EvaluateScript', 'v8.compile', 'v8.compileModule', 'v8.parseOnBackground', 'FunctionCall', 'ParseHTML', 'Layout', 'UpdateLayoutTree', 'Paint', 'PrePaint', 'Layerize', 'v8.evaluateModule', 'ParseAuthorStyleSheet', 'TimerFire', 'FireAnimationFrame', 'EventDispatch', 'RunMicrotasks', 'GCEvent', 'MinorGC', 'MajorGC', 'v8.produceModuleCache', 'v8.produceCache', 'v8.compileLazy', 'CommitLoad', 'RunTask'].includes(e.name)) {
      busy[e.name] = (busy[e.name] ?? 0) + e.dur / 1000;
    }
  }
  return { ...inPage, busy };
}

function summary(label: string, samples: Sample[]): void {
  process.stdout.write(`\n== ${label} (median of ${samples.length})\n`);
  const markNames = [...new Set(samples.flatMap((s) => Object.keys(s.marks)))];
  const marks = markNames.map((name) => [name, median(samples.map((s) => s.marks[name] ?? Number.NaN))] as const).sort((a, b) => a[1] - b[1]);
  for (const [name, at] of marks) process.stdout.write(`  mark ${name}: ${r(at)}\n`);
  const resNames = [...new Set(samples.flatMap((s) => Object.keys(s.resources)))];
  const res = resNames
    .map((name) => ({ name, start: median(samples.map((s) => s.resources[name]?.start ?? Number.NaN)), end: median(samples.map((s) => s.resources[name]?.end ?? Number.NaN)), size: median(samples.map((s) => s.resources[name]?.size ?? 0)) }))
    .sort((a, b) => a.start - b.start);
  for (const x of res) process.stdout.write(`  res ${x.name}: ${r(x.start)} -> ${r(x.end)} (${x.size} B)\n`);
  const busyNames = [...new Set(samples.flatMap((s) => Object.keys(s.busy)))];
  const busy = busyNames.map((name) => [name, median(samples.map((s) => s.busy[name] ?? 0))] as const).sort((a, b) => b[1] - a[1]);
  process.stdout.write(`  main thread: ${busy.map(([n, ms]) => `${n} ${r(ms)}`).join(', ')}\n`);
}

export async function runTraceOpen(): Promise<number> {
  const [server, browser, blank] = await Promise.all([startServer({ timeoutMs: 120_000 }), launchBrowser(), serveBlankPage()]);
  const runs = Number(process.env.BWS_TRACE_RUNS ?? 5);
  try {
    const floor: Sample[] = [];
    for (let i = 0; i < runs; i += 1) {
      const { page, context } = await openPage(browser);
      const cdp = await context.newCDPSession(page);
      floor.push(await trace(page, cdp, () => page.goto(blank.url)));
      await context.close();
    }
    summary('blank page, cold', floor);
    const cold: Sample[] = [];
    for (let i = 0; i < runs; i += 1) {
      const { page, context } = await openPage(browser);
      const cdp = await context.newCDPSession(page);
      cold.push(await trace(page, cdp, () => page.goto(server.url)));
      await context.close();
    }
    summary('cold', cold);
    const { page, context } = await openPage(browser);
    await page.goto(server.url);
    await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, INTERACTIVE_MARK);
    const warm: Sample[] = [];
    const cdp = await context.newCDPSession(page);
    for (let i = 0; i < runs; i += 1) warm.push(await trace(page, cdp, () => page.reload()));
    summary('warm (reload)', warm);
    const tab: Sample[] = [];
    for (let i = 0; i < runs; i += 1) {
      const opened = await context.newPage();
      await opened.setViewportSize(page.viewportSize()!);
      const tabCdp = await context.newCDPSession(opened);
      tab.push(await trace(opened, tabCdp, () => opened.goto(server.url)));
      await opened.close();
    }
    summary('new tab', tab);
    await context.close();
    return 0;
  } finally {
    await Promise.all([browser.close(), server.stop(), blank.close()]);
  }
}
