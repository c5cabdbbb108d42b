// The handler table as the app composes it, for tests: the one composition root
// (core/infrastructure/workstation.ts) on a fresh SQLite file in a temp dir, with real
// import, backtest and sweep workers from dist/. Calls go through the dispatcher, as
// from either transport.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dispatcher } from '../contract/dispatcher.js';
import type { EventMessage } from '../contract/events.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { Storage } from '../../infrastructure/sqlite/storage.js';
import { openWorkstation } from '../../infrastructure/workstation.js';
import type { ExchangeConnection } from '../../infrastructure/exchanges/exchange-connection.js';
import type { WorkerBacktestExecutor } from '../../infrastructure/workers/worker-backtest-executor.js';

export interface HandlerHarness {
  readonly dir: string;
  readonly storage: Storage;
  readonly dispatcher: Dispatcher;
  readonly jobs: JobRegistry;
  /** The backtest worker pool, once a call started it. */
  backtestPool(): WorkerBacktestExecutor | null;
  /** Every event emitted, in order. */
  readonly events: EventMessage[];
  close(): Promise<void>;
}

/** Opens a fresh store and the full handler table with one backtest and `sweepWorkers` sweep workers. */
export async function openHandlerHarness(options: { prefix: string; sweepWorkers?: number; exchange?: ExchangeConnection }): Promise<HandlerHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), options.prefix));
  let ids = 0;
  const workstation = await openWorkstation({
    databaseFile: path.join(dir, 'workstation.sqlite'),
    transport: 'cli',
    seedDemo: false,
    workers: 1,
    sweepWorkers: options.sweepWorkers ?? 1,
    logger: { error: () => {} },
    newId: () => `id-${++ids}`,
    ...(options.exchange ? { exchange: options.exchange } : {}),
  });
  const events: EventMessage[] = [];
  workstation.events.onAny((message) => events.push(message));
  return {
    dir,
    storage: workstation.storage,
    dispatcher: workstation.dispatcher,
    jobs: workstation.jobs,
    backtestPool: () => workstation.backtestPool(),
    events,
    async close() {
      await workstation.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
