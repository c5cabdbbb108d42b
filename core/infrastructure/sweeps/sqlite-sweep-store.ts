import { metricsFromJson } from '../runs/metrics-json.js';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  NewSweep,
  PageQuery,
  SweepConfig,
  SweepCounts,
  SweepPage,
  SweepStatus,
  SweepStore,
  SweepSummary,
  SweepVariant,
  VariantPage,
} from '../../application/sweeps/ports.js';
import type { RunUniverse } from '../../application/runs/run-store.js';
import { instrumentId } from '../../domain/market/ids.js';
import { parseTimeframe } from '../../domain/market/timeframe.js';
import { rankScore } from '../../domain/optimize/objective.js';
import { leftByDeadProcess, processRuns } from '../process-owner.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100_000;

interface SweepRow {
  id: string;
  created_at: number;
  finished_at: number | null;
  name: string;
  status: SweepStatus;
  config_json: string;
  instrument_id: number;
  symbol: string;
  timeframe: string;
  from_ts: number | null;
  to_ts: number | null;
  magnifier: number;
  quantity_step: number | null;
  universe_json: string | null;
  planned: number;
  done: number;
  failed: number;
  rejected: number;
  invalid: number;
  error: string | null;
  /** From sweep_clusters (LEFT JOIN): the cluster it runs on, or null. */
  cluster_address: string | null;
}

interface VariantRow {
  idx: number;
  generation: number;
  params_json: string;
  metrics_json: string | null;
  error: string | null;
  score: number | null;
  eligible: number;
  run_id: string | null;
  hash: string | null;
}

const VARIANT_COLUMNS = 'idx, generation, params_json, metrics_json, error, score, eligible, run_id, hash';
/** A sweep row with the cluster it runs on. */
const SWEEP_SELECT = 'SELECT sweeps.*, sweep_clusters.address AS cluster_address FROM sweeps LEFT JOIN sweep_clusters ON sweep_clusters.sweep_id = sweeps.id';
const BEST_FIRST = 'ORDER BY eligible DESC, rank_score DESC, idx';

let lastMs = -1;
let sequence = 0;
/** Time-ordered id (ms, per-ms sequence, random), like run ids: sorting ids sorts sweeps by creation. */
function newSweepId(nowMs: number): string {
  if (nowMs === lastMs) sequence = (sequence + 1) & 0xffff;
  else {
    lastMs = nowMs;
    sequence = 0;
  }
  return `${Math.trunc(nowMs).toString(16).padStart(12, '0')}${sequence.toString(16).padStart(4, '0')}${randomBytes(6).toString('hex')}`;
}

function clampLimit(query: PageQuery): { limit: number; offset: number } {
  return { limit: Math.min(MAX_LIMIT, Math.max(1, Math.trunc(query.limit ?? DEFAULT_LIMIT))), offset: Math.max(0, Math.trunc(query.offset ?? 0)) };
}

/**
 * SweepStore on the workstation's SQLite file (tables from the 'sweeps...' migration).
 * Variants are rows with params and metrics as JSON; "best first" is an index order
 * (see the migration), so a page of the best variants is an indexed read.
 */
export class SqliteSweepStore implements SweepStore {
  constructor(
    private readonly writer: Database.Database,
    private readonly reader: () => Database.Database = () => writer,
    private readonly clock: () => number = Date.now,
  ) {}

  create(sweep: NewSweep): SweepSummary {
    const id = newSweepId(this.clock());
    this.writer
      .prepare(
        `INSERT INTO sweeps (id, created_at, name, status, config_json, instrument_id, symbol, timeframe, from_ts, to_ts, magnifier, quantity_step, owner_pid, universe_json)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        this.clock(),
        sweep.name,
        JSON.stringify(sweep.config),
        sweep.instrumentId,
        sweep.symbol,
        sweep.timeframe,
        sweep.fromTs,
        sweep.toTs,
        sweep.magnifier ? 1 : 0,
        sweep.quantityStep,
        process.pid,
        sweep.universe ? JSON.stringify(sweep.universe) : null,
      );
    if (sweep.runsOn !== null) {
      this.writer.prepare('INSERT INTO sweep_clusters (sweep_id, address, owner_pid) VALUES (?, ?, ?)').run(id, sweep.runsOn, process.pid);
    }
    return this.get(id)!;
  }

  addVariants(id: string, variants: readonly SweepVariant[], counts: SweepCounts): void {
    const sweep = this.get(id);
    if (!sweep) return;
    const objective = sweep.config.objective;
    // OR IGNORE: a variant delivered twice (a cluster's at-least-once delivery, a resumed
    // sweep) keeps its first row; the caller's counts already count it once.
    const insert = this.writer.prepare(
      `INSERT OR IGNORE INTO sweep_variants (sweep_id, idx, generation, params_json, metrics_json, error, score, rank_score, eligible, run_id, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.writer.transaction(() => {
      for (const v of variants) {
        insert.run(
          id,
          v.index,
          v.generation,
          JSON.stringify(v.params),
          v.metrics === null ? null : JSON.stringify(v.metrics),
          v.error,
          v.score,
          rankScore(v.metrics, objective),
          v.eligible ? 1 : 0,
          v.runId,
          v.hash ?? null,
        );
      }
      this.writeCounts(id, counts);
    })();
  }

  finish(id: string, status: Exclude<SweepStatus, 'running'>, counts: SweepCounts, error: string | null = null): void {
    this.writer.transaction(() => {
      this.writer.prepare('UPDATE sweeps SET status = ?, finished_at = ?, error = ? WHERE id = ?').run(status, this.clock(), error, id);
      this.writeCounts(id, counts);
    })();
  }

  get(id: string): SweepSummary | null {
    const row = this.reader().prepare(`${SWEEP_SELECT} WHERE sweeps.id = ?`).get(id) as SweepRow | undefined;
    return row ? toSummary(row) : null;
  }

  list(query: PageQuery = {}): SweepPage {
    const { limit, offset } = clampLimit(query);
    const db = this.reader();
    const rows = db.prepare(`${SWEEP_SELECT} ORDER BY sweeps.created_at DESC, sweeps.id DESC LIMIT ? OFFSET ?`).all(limit, offset) as SweepRow[];
    const { n } = db.prepare('SELECT count(*) AS n FROM sweeps').get() as { n: number };
    return { sweeps: rows.map(toSummary), total: n };
  }

  variants(id: string, query: PageQuery = {}): VariantPage {
    const { limit, offset } = clampLimit(query);
    const db = this.reader();
    const rows = db.prepare(`SELECT ${VARIANT_COLUMNS} FROM sweep_variants WHERE sweep_id = ? ${BEST_FIRST} LIMIT ? OFFSET ?`).all(id, limit, offset) as VariantRow[];
    const { n } = db.prepare('SELECT count(*) AS n FROM sweep_variants WHERE sweep_id = ?').get(id) as { n: number };
    return { variants: rows.map(toVariant), total: n };
  }

  variant(id: string, index: number): SweepVariant | null {
    const row = this.reader().prepare(`SELECT ${VARIANT_COLUMNS} FROM sweep_variants WHERE sweep_id = ? AND idx = ?`).get(id, index) as VariantRow | undefined;
    return row ? toVariant(row) : null;
  }

  setVariantRun(id: string, index: number, runId: string): void {
    this.writer.prepare('UPDATE sweep_variants SET run_id = ? WHERE sweep_id = ? AND idx = ?').run(runId, id, index);
  }

  delete(id: string): boolean {
    return this.writer.prepare('DELETE FROM sweeps WHERE id = ?').run(id).changes > 0;
  }

  claimOrphanedClusterSweeps(): readonly SweepSummary[] {
    const running = this.writer
      .prepare(`SELECT sweep_clusters.sweep_id AS id, sweep_clusters.owner_pid AS owner FROM sweep_clusters JOIN sweeps ON sweeps.id = sweep_clusters.sweep_id WHERE sweeps.status = 'running'`)
      .all() as { id: string; owner: number | null }[];
    // Compare-and-set on the owner: of two processes starting at once, one claims each sweep.
    const claim = this.writer.prepare('UPDATE sweep_clusters SET owner_pid = ? WHERE sweep_id = ? AND owner_pid IS ?');
    // The sweep's own owner follows, so that no other process's start-up marks it interrupted.
    const own = this.writer.prepare('UPDATE sweeps SET owner_pid = ? WHERE id = ?');
    const claimed: SweepSummary[] = [];
    for (const { id, owner } of running) {
      if (owner !== null && owner !== process.pid && processRuns(owner)) continue;
      const won = this.writer.transaction(() => claim.run(process.pid, id, owner).changes === 1 && own.run(process.pid, id).changes === 1)();
      if (won) claimed.push(this.get(id)!);
    }
    return claimed;
  }

  interruptRunning(at: number): number {
    // A sweep on a cluster is not interrupted by its app's death: its batches go on in Redis
    // and the next process started with that cluster claims it (claimOrphanedClusterSweeps).
    const running = this.writer
      .prepare("SELECT id, owner_pid FROM sweeps WHERE status = 'running' AND id NOT IN (SELECT sweep_id FROM sweep_clusters)")
      .all() as { id: string; owner_pid: number | null }[];
    const interrupt = this.writer.prepare(
      `UPDATE sweeps SET status = 'interrupted', finished_at = ?,
         error = 'The app stopped while this sweep was running; ' ||
                 CASE done WHEN 0 THEN 'it had finished no variant' WHEN 1 THEN 'the 1 variant it finished is kept' ELSE 'the ' || done || ' variants it finished are kept' END
       WHERE id = ? AND status = 'running'`,
    );
    let changed = 0;
    for (const row of running) if (leftByDeadProcess(row.owner_pid)) changed += interrupt.run(at, row.id).changes;
    return changed;
  }

  reopen(id: string): SweepSummary | null {
    // Compare-and-set on the status: of two resumes at once, one reopens it.
    const changed = this.writer
      .prepare(`UPDATE sweeps SET status = 'running', finished_at = NULL, error = NULL, owner_pid = ? WHERE id = ? AND status IN ('interrupted', 'cancelled')`)
      .run(process.pid, id).changes;
    return changed === 1 ? this.get(id) : null;
  }

  private writeCounts(id: string, c: SweepCounts): void {
    this.writer
      .prepare('UPDATE sweeps SET planned = ?, done = ?, failed = ?, rejected = ?, invalid = ? WHERE id = ?')
      .run(c.planned, c.done, c.failed, c.rejected, c.invalid, id);
  }
}

function toSummary(row: SweepRow): SweepSummary {
  return {
    id: row.id,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    name: row.name,
    status: row.status,
    config: JSON.parse(row.config_json) as SweepConfig,
    instrumentId: instrumentId(row.instrument_id),
    symbol: row.symbol,
    timeframe: parseTimeframe(row.timeframe),
    fromTs: row.from_ts,
    toTs: row.to_ts,
    magnifier: row.magnifier === 1,
    quantityStep: row.quantity_step,
    ...(row.universe_json === null ? {} : { universe: JSON.parse(row.universe_json) as RunUniverse }),
    counts: { planned: row.planned, done: row.done, failed: row.failed, rejected: row.rejected, invalid: row.invalid },
    error: row.error,
    runsOn: row.cluster_address,
  };
}

function toVariant(row: VariantRow): SweepVariant {
  return {
    index: row.idx,
    generation: row.generation,
    params: JSON.parse(row.params_json) as Record<string, number>,
    metrics: row.metrics_json === null ? null : metricsFromJson(row.metrics_json),
    error: row.error,
    score: row.score,
    eligible: row.eligible === 1,
    runId: row.run_id,
    ...(row.hash === null ? {} : { hash: row.hash }),
  };
}
