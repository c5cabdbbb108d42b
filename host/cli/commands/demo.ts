import { seedDemoDataFrom } from '../../../core/application/data/seed-demo.js';
import { generateDemoSeriesOnThreads } from '../../../core/infrastructure/demo/demo-threads.js';
import { boolFlag, type CommandCode } from '../command.js';
import { printJson, printLine } from '../output.js';
import { withStorage } from '../context.js';

export const demoCommand: CommandCode = {
  run: (input) =>
    withStorage(input, async (storage) => {
      const started = performance.now();
      // As at a first start: the bars generated over two threads, written in one transaction.
      const report = await seedDemoDataFrom(storage.barStore, generateDemoSeriesOnThreads());
      const durationMs = Math.round(performance.now() - started);
      if (boolFlag(input, 'json')) printJson({ ...report, durationMs, file: storage.file });
      else {
        for (const i of report.instruments) printLine(`${i.symbol}: ${i.bars.toLocaleString('en-US')} synthetic ${i.timeframe} bars`);
        printLine(`Demo data written to ${storage.file} in ${durationMs} ms`);
      }
    }),
};
