// Analysis worker: Monte Carlo of a stored run and views over every variant of a sweep,
// read through the worker's own read-only connection, so the thread that answers calls
// never runs them. Started by WorkerAnalysisRunner (core/infrastructure/analysis).
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { monteCarloReport, VariantViews } from '../core/application/sweeps/analysis.js';
import type { AnalysisWorkerApi } from '../core/infrastructure/analysis/analysis-protocol.js';
import { SqliteRunStore } from '../core/infrastructure/runs/sqlite-run-store.js';
import { openReadOnly, type Connection } from '../core/infrastructure/sqlite/database.js';
import { SqliteSweepStore } from '../core/infrastructure/sweeps/sqlite-sweep-store.js';
import { installErrorCodec } from '../core/infrastructure/workers/error-codec.js';

// Typed errors (a sweep or run not found, a limit) reach the caller as the same class.
installErrorCodec();

interface Stores {
  readonly db: Connection;
  readonly runs: SqliteRunStore;
  readonly views: VariantViews;
  /** The generation each sweep's kept view was read at. */
  readonly generations: Map<string, number>;
}

const opened = new Map<string, Stores>();

function stores(dbFile: string): Stores {
  let found = opened.get(dbFile);
  if (!found) {
    const db = openReadOnly(dbFile);
    found = { db, runs: new SqliteRunStore(db), views: new VariantViews(new SqliteSweepStore(db)), generations: new Map() };
    opened.set(dbFile, found);
  }
  return found;
}

/** The views of `dbFile`, with the sweep's kept variants dropped if the main side forgot them since. */
function views(dbFile: string, sweepId: string, generation: number): VariantViews {
  const s = stores(dbFile);
  if ((s.generations.get(sweepId) ?? 0) !== generation) {
    s.views.forget(sweepId);
    s.generations.set(sweepId, generation);
  }
  return s.views;
}

const api: AnalysisWorkerApi = {
  async monteCarlo(dbFile, args) {
    return monteCarloReport(stores(dbFile).runs, args);
  },
  async sweepVariants(dbFile, args, generation) {
    return views(dbFile, args.sweepId, generation).page(args);
  },
  async sweepHeatmap(dbFile, args, generation) {
    return views(dbFile, args.sweepId, generation).heatmap(args);
  },
};

Comlink.expose(api, nodeEndpoint(parentPort!));
