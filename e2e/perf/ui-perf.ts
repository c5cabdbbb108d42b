// UI performance (`npm run test:perf`): with 10,000 strategies and a year of minute bars,
// times each interaction in a real Chromium with the page's own clock (see in-page.ts)
// and writes e2e/results/ui-perf.json (`--write-docs`: also its table in docs/BENCHMARKS.md).
// Target: p95 < 100 ms per interaction; chart redraw after zoom < 16 ms.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSection } from '../../bench/lib/docs-section.js';
import { invoke } from '../lib/app.js';
import { launchBrowser } from '../lib/browser.js';
import { repoRoot, startServer } from '../lib/server.js';
import { measureInteractions, preparePerfData, Recorder, round, STRATEGIES, type Figure } from './interactions.js';
import { machine } from './machine.js';

export async function runUiPerf(): Promise<number> {
  const [server, browser] = await Promise.all([startServer({ timeoutMs: 120_000 }), launchBrowser()]);
  try {
    const data = await preparePerfData(server);
    const rec = new Recorder();
    const { tradeTotal, events } = await measureInteractions(browser, server, data, rec);
    // The server's side of the same interactions: handler latency as the dispatcher measured it.
    const serverSide = await invoke<{ handlers: { name: string; calls: number; p50: number; p95: number }[] }>(server, 'system/performance');
    for (const h of serverSide.handlers) process.stdout.write(`  server ${h.name}: ${h.calls} calls, p50 ${round(h.p50)} ms, p95 ${round(h.p95)} ms\n`);

    const report = {
      generatedAt: new Date().toISOString(),
      command: 'npm run test:perf',
      machine: machine(),
      strategies: STRATEGIES,
      tradesInTable: tradeTotal,
      figures: rec.figures,
      serverHandlers: serverSide.handlers,
      slowEventTimingEntries: events,
    };
    const dir = join(repoRoot(), 'e2e/results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ui-perf.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`wrote e2e/results/ui-perf.json\n`);
    if (process.argv.includes('--write-docs')) {
      const docs = join(repoRoot(), 'docs/BENCHMARKS.md');
      writeSection(docs, 'ui-perf', docsTable(report.generatedAt, rec.figures));
      process.stdout.write(`wrote its table to ${docs}\n`);
    }
    return rec.figures.every((f) => f.pass) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`server output (last 3,000 chars):\n${server.output().slice(-3_000)}\n`);
    throw error;
  } finally {
    await Promise.all([browser.close(), server.stop()]);
  }
}

/** The figures as docs/BENCHMARKS.md shows them. */
function docsTable(generatedAt: string, figures: readonly Figure[]): string {
  const m = machine();
  const lines = [
    `## UI interaction latency (issue 4): \`npm run test:perf -- --write-docs\``,
    '',
    `${STRATEGIES.toLocaleString('en-US')} strategies, a year of 1-minute bars, Chromium (software rendering) against local web mode; input to next painted frame, the page's own clock. Method and history: [UI-PERFORMANCE.md](UI-PERFORMANCE.md).`,
    '',
    `machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGb} GiB, ${m.platform}, Node ${m.node}`,
    `date: ${generatedAt}`,
    '',
    '| interaction | p50 ms | p95 ms | n | target | result |',
    '|---|---:|---:|---:|---|---|',
    ...figures.map((f) => `| ${f.interaction.trim()} | ${f.p50} | ${f.p95} | ${f.n} | ${f.targetMs === null ? '—' : `p95 < ${f.targetMs} ms`} | ${f.targetMs === null ? '—' : f.pass ? 'pass' : 'short'} |`),
  ];
  return lines.join('\n');
}
