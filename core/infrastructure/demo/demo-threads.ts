import { Worker } from 'node:worker_threads';
import type { DemoBasketSeries } from '../../domain/demo/basket.js';
import { generateDemoBasket } from '../../domain/demo/basket.js';
import { DEMO_INSTRUMENTS, generateDemoBars } from '../../domain/demo/synthetic-bars.js';
import type { BarColumns } from '../../domain/market/bars.js';
import type { DemoBarSource } from '../../application/data/seed-demo.js';
import { workerScriptPath } from '../workers/worker-script.js';

/** What the demo worker generates: these coins (indices into DEMO_INSTRUMENTS) and, with `basket`, the basket. */
export interface DemoPart {
  readonly coins: readonly number[];
  readonly basket: boolean;
  readonly barsPerInstrument?: number;
}

export interface DemoPartResult {
  readonly coins: BarColumns[];
  readonly basket: DemoBasketSeries[];
}

/** The coins this thread generates while the worker makes the rest and the basket (about half the work each). */
const HERE = 2;

/**
 * Generates the demo data set over two threads: the worker the last coin and the basket,
 * this thread the other coins, at the same time (generation is over half of a first
 * start's seeding; the writes that follow are one transaction on this thread). The
 * generators are seeded, so the bars are the same as on one thread. A worker that cannot
 * start or fails leaves its part to this thread.
 */
export function generateDemoSeriesOnThreads(script = workerScriptPath('demo-worker')): DemoBarSource {
  return async (barsPerInstrument) => {
    const part: DemoPart = { coins: DEMO_INSTRUMENTS.map((_, k) => k).slice(HERE), basket: true, ...(barsPerInstrument === undefined ? {} : { barsPerInstrument }) };
    const fromWorker = runWorker(script, part);
    // Generated here while the worker runs.
    const here = DEMO_INSTRUMENTS.slice(0, HERE).map((demo) => generateDemoBars(demo, barsPerInstrument));
    const there = (await fromWorker) ?? { coins: part.coins.map((k) => generateDemoBars(DEMO_INSTRUMENTS[k]!, barsPerInstrument)), basket: generateDemoBasket() };
    return { coins: [...here, ...there.coins], basket: there.basket };
  };
}

/** The worker's part, or null when it could not give it (then this thread makes it). */
function runWorker(script: string, part: DemoPart): Promise<DemoPartResult | null> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData: part });
    } catch {
      resolve(null);
      return;
    }
    worker.once('message', (result: DemoPartResult) => resolve(result));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
}
