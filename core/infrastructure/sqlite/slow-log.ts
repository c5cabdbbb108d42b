import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import type { Connection } from './database.js';

export interface SlowStatement {
  readonly id: number;
  /** When the statement finished, epoch ms UTC. */
  readonly ts: number;
  readonly sqlShape: string;
  readonly durationMs: number;
  readonly rows: number | null;
}

export const DEFAULT_SLOW_MS = 50;
/** The log keeps only this many newest entries. */
export const SLOW_LOG_CAPACITY = 1_000;

/** Returns the statement text with literal values replaced by `?` and whitespace collapsed. */
export function sqlShape(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\bx\?/gi, '?') // blob literals x'..' after the string pass
    .replace(/(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Records statements slower than a threshold into `slow_statements` through the writer
 * connection. Timing costs two performance.now() calls per statement; only slow runs
 * write anything. Without a writer (a worker's read-only connection) entries are kept in
 * memory instead, newest last.
 */
export class SlowStatementLog {
  private readonly insert: Database.Statement | null;
  private readonly trim: Database.Statement | null;
  private readonly memory: SlowStatement[] = [];
  private recording = false;

  constructor(
    private readonly writer: Connection | null,
    readonly thresholdMs: number = DEFAULT_SLOW_MS,
    private readonly clock: () => number = Date.now,
  ) {
    this.insert = writer?.prepare('INSERT INTO slow_statements (ts, sql_shape, duration_ms, rows) VALUES (?, ?, ?, ?)') ?? null;
    this.trim = writer?.prepare('DELETE FROM slow_statements WHERE id <= (SELECT MAX(id) FROM slow_statements) - ?') ?? null;
  }

  /** Prepares `sql` on `db` as a statement whose runs are timed. */
  prepare(db: Connection, sql: string): TimedStatement {
    return new TimedStatement(db.prepare(sql), sqlShape(sql), this);
  }

  /** Records one run if it took longer than the threshold. */
  record(shape: string, durationMs: number, rows: number | null): void {
    if (durationMs < this.thresholdMs || this.recording) return;
    const ts = this.clock();
    if (!this.insert || !this.trim) {
      this.memory.push({ id: this.memory.length + 1, ts, sqlShape: shape, durationMs, rows });
      if (this.memory.length > SLOW_LOG_CAPACITY) this.memory.shift();
      return;
    }
    // Guard against recursion should the log's own insert ever be slow.
    this.recording = true;
    try {
      this.insert.run(ts, shape, durationMs, rows);
      this.trim.run(SLOW_LOG_CAPACITY);
    } finally {
      this.recording = false;
    }
  }

  /** Returns the newest slow statements, newest first. */
  list(limit = 100): SlowStatement[] {
    if (!this.writer) return this.memory.slice(-limit).reverse();
    const rows = this.writer
      .prepare('SELECT id, ts, sql_shape AS sqlShape, duration_ms AS durationMs, rows FROM slow_statements ORDER BY id DESC LIMIT ?')
      .all(limit) as SlowStatement[];
    return rows;
  }
}

/** A prepared statement whose run/get/all are timed by a SlowStatementLog. */
export class TimedStatement {
  constructor(
    readonly statement: Database.Statement,
    readonly shape: string,
    private readonly log: SlowStatementLog,
  ) {}

  run(...params: unknown[]): Database.RunResult {
    const start = performance.now();
    const result = this.statement.run(...params);
    this.log.record(this.shape, performance.now() - start, result.changes);
    return result;
  }

  get<R>(...params: unknown[]): R | undefined {
    const start = performance.now();
    const row = this.statement.get(...params) as R | undefined;
    this.log.record(this.shape, performance.now() - start, row === undefined ? 0 : 1);
    return row;
  }

  all<R>(...params: unknown[]): R[] {
    const start = performance.now();
    const rows = this.statement.all(...params) as R[];
    this.log.record(this.shape, performance.now() - start, rows.length);
    return rows;
  }
}
