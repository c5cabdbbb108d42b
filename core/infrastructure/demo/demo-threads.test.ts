// The demo set generated over two threads (the built demo worker, dist/workers) is the
// one generated on one thread, bar for bar; a worker that cannot run leaves its part here.
import { describe, expect, it } from 'vitest';
import { generateDemoSeries, type DemoSeries } from '../../application/data/seed-demo.js';
import { workerScriptPath } from '../workers/worker-script.js';
import { generateDemoSeriesOnThreads } from './demo-threads.js';

const BARS = 3_000;
const columns = (series: DemoSeries) => [...series.coins, ...series.basket.map((b) => b.bars)].map((bars) => [bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume].map((c) => Array.from(c)));

describe('generateDemoSeriesOnThreads', () => {
  const here = generateDemoSeries(BARS);

  it('gives the bars of one thread, bar for bar, with the basket', async () => {
    const threads = await generateDemoSeriesOnThreads(workerScriptPath('demo-worker'))(BARS);
    expect(threads.coins).toHaveLength(here.coins.length);
    expect(threads.basket.map((b) => b.draft)).toEqual(here.basket.map((b) => b.draft));
    expect(columns(threads)).toEqual(columns(here));
  });

  it('generates the worker part on this thread when the worker cannot run', async () => {
    const threads = await generateDemoSeriesOnThreads('/nonexistent/demo-worker.js')(BARS);
    expect(columns(threads)).toEqual(columns(here));
  });
});
