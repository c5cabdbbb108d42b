// `bws db check` and `bws db set-aside`: the way out when the store cannot be opened.
// Neither goes through openStorage, which would create, switch to WAL or migrate the
// file: check only reads, set-aside only renames.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { databasePath } from '../../../core/infrastructure/data-dir.js';
import { LATEST_SCHEMA_VERSION } from '../../../core/infrastructure/sqlite/migrations.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, type CommandCode } from '../command.js';
import { dataDirOf } from '../context.js';
import { printJson, printLine } from '../output.js';

const SQLITE_HEADER = 'SQLite format 3\u0000';
/** Integrity problems listed at most (SQLite stops at 100 by default anyway). */
const MAX_LISTED_PROBLEMS = 20;

export type DatabaseVerdict = 'missing' | 'ok' | 'not-sqlite' | 'corrupt' | 'foreign' | 'newer';

export interface DatabaseCheck {
  readonly file: string;
  readonly verdict: DatabaseVerdict;
  /** True when the app can start on this file (or create it). */
  readonly ok: boolean;
  readonly sizeBytes: number | null;
  readonly schemaVersion: number | null;
  readonly knownSchemaVersion: number;
  /** `PRAGMA integrity_check` lines: ['ok'] for a sound file. */
  readonly integrity: readonly string[];
  readonly message: string;
}

/** Checks the database file without writing to it: header, integrity, schema version. */
export function checkDatabaseFile(file: string): DatabaseCheck {
  const base = { file, knownSchemaVersion: LATEST_SCHEMA_VERSION };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return { ...base, verdict: 'missing', ok: true, sizeBytes: null, schemaVersion: null, integrity: [], message: `No database at ${file}; the next start creates one` };
  }
  if (!stat.isFile()) {
    return { ...base, verdict: 'not-sqlite', ok: false, sizeBytes: null, schemaVersion: null, integrity: [], message: `${file} is not a file` };
  }
  const sizeBytes = stat.size;
  if (sizeBytes > 0 && !hasSqliteHeader(file)) {
    return { ...base, verdict: 'not-sqlite', ok: false, sizeBytes, schemaVersion: null, integrity: [], message: `${file} is not a SQLite database` };
  }
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const integrity = (db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .slice(0, MAX_LISTED_PROBLEMS);
    const sound = integrity.length === 1 && integrity[0] === 'ok';
    const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().get() as number;
    const found = { ...base, sizeBytes, schemaVersion, integrity };
    if (!sound) return { ...found, verdict: 'corrupt', ok: false, message: `${file} is damaged: ${integrity[0]}` };
    if (schemaVersion === 0 && tables > 0) {
      return { ...found, verdict: 'foreign', ok: false, message: `${file} is a SQLite database of another application (no workstation schema version)` };
    }
    if (schemaVersion > LATEST_SCHEMA_VERSION) {
      return {
        ...found,
        verdict: 'newer',
        ok: false,
        message: `${file} has schema version ${schemaVersion}, newer than the ${LATEST_SCHEMA_VERSION} this app knows: use a newer app`,
      };
    }
    return { ...found, verdict: 'ok', ok: true, message: `${file} is sound (schema version ${schemaVersion} of ${LATEST_SCHEMA_VERSION})` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ...base, verdict: 'corrupt', ok: false, sizeBytes, schemaVersion: null, integrity: [reason], message: `${file} cannot be read: ${reason}` };
  } finally {
    db?.close();
  }
}

function hasSqliteHeader(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(16);
    return fs.readSync(fd, header, 0, 16, 0) === 16 && header.toString('latin1') === SQLITE_HEADER;
  } finally {
    fs.closeSync(fd);
  }
}

export interface SetAsideReport {
  readonly file: string;
  /** Where the file (and its -wal / -shm companions) now are. */
  readonly movedTo: readonly string[];
}

/**
 * Renames the database file to `<file>.broken-<UTC time>` (its -wal and -shm files get the
 * same new name plus their suffix, so SQLite pairs them again if the copy is opened).
 * Nothing is deleted; the next start creates a fresh store.
 */
export function setAsideDatabaseFile(file: string, now = new Date()): SetAsideReport {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${file}.broken-${stamp}`;
  for (let n = 2; fs.existsSync(target); n++) target = `${file}.broken-${stamp}-${n}`;
  const movedTo: string[] = [];
  fs.renameSync(file, target);
  movedTo.push(target);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) {
      fs.renameSync(file + suffix, target + suffix);
      movedTo.push(target + suffix);
    }
  }
  return { file, movedTo };
}

export const dbCheckCommand: CommandCode = {
  async run(input) {
    const check = checkDatabaseFile(databasePath(dataDirOf(input)));
    if (boolFlag(input, 'json')) printJson(check);
    else {
      printLine(check.message);
      if (check.verdict === 'corrupt') for (const line of check.integrity) printLine(`  ${line}`);
      if (!check.ok) printLine('Run `bws db set-aside` to keep this file under another name and start with a fresh store.');
    }
    return check.ok ? 0 : 1;
  },
};

export const dbSetAsideCommand: CommandCode = {
  async run(input) {
    const file = databasePath(dataDirOf(input));
    const check = checkDatabaseFile(file);
    if (check.verdict === 'missing') throw new UsageError(`no database at ${file}: nothing to set aside`);
    // A sound store is the user's data: moving it away needs an explicit --force.
    if (check.ok && !boolFlag(input, 'force')) {
      throw new UsageError(`${check.message}; pass --force to set it aside anyway`);
    }
    const report = setAsideDatabaseFile(file);
    if (boolFlag(input, 'json')) printJson({ ...report, verdict: check.verdict });
    else {
      printLine(`Moved ${path.basename(file)} (${check.verdict}) to ${report.movedTo[0]}`);
      printLine('The next start creates a fresh store; the old file is kept for recovery.');
    }
  },
};
