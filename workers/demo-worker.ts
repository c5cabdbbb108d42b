// Demo worker: generates part of the synthetic demo data set (some DEMO- coins, the demo
// basket) on its own thread while the first start generates the rest on the main thread,
// and hands the bars back without a copy (their buffers are transferred). Started by
// generateDemoSeriesOnThreads (core/infrastructure/demo/demo-threads.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { generateDemoBasket } from '../core/domain/demo/basket.js';
import { DEMO_INSTRUMENTS, generateDemoBars } from '../core/domain/demo/synthetic-bars.js';
import type { BarColumns } from '../core/domain/market/bars.js';
import type { DemoPart, DemoPartResult } from '../core/infrastructure/demo/demo-threads.js';

const part = workerData as DemoPart;
const coins = part.coins.map((k) => generateDemoBars(DEMO_INSTRUMENTS[k]!, part.barsPerInstrument));
const basket = part.basket ? generateDemoBasket() : [];
const buffers = (bars: BarColumns): ArrayBuffer[] => [bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume].map((column) => column.buffer as ArrayBuffer);
const result: DemoPartResult = { coins, basket };
parentPort!.postMessage(result, [...coins.flatMap(buffers), ...basket.flatMap((series) => buffers(series.bars))]);
