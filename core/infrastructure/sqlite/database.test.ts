import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../application/errors.js';
import { openReadOnly, SqliteDatabase } from './database.js';
import { LATEST_SCHEMA_VERSION } from './migrations.js';
import { tempDir } from '../test-kit/temp-db.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function file(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return path.join(dir, 'test.sqlite');
}

describe('SqliteDatabase', () => {
  it('opens in WAL with the expected pragmas on writer and readers', () => {
    const db = SqliteDatabase.open(file(), { readers: 3 });
    expect(db.readers).toHaveLength(3);
    expect(db.writer.pragma('journal_mode', { simple: true })).toBe('wal');
    for (const conn of [db.writer, ...db.readers]) {
      expect(conn.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(conn.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(conn.pragma('busy_timeout', { simple: true })).toBe(5000);
    }
    expect(db.readers.every((r) => r.readonly)).toBe(true);
    expect(db.reader()).toBe(db.readers[0]);
    expect(db.reader()).toBe(db.readers[1]);
    db.close();
    expect(db.writer.open).toBe(false);
    expect(db.readers.some((r) => r.open)).toBe(false);
  });

  it('refuses a file that is not SQLite and leaves it untouched', () => {
    const p = file();
    const content = 'timestamp,open,high,low,close\n'.repeat(20);
    fs.writeFileSync(p, content);
    expect(() => SqliteDatabase.open(p)).toThrow(StorageError);
    expect(() => SqliteDatabase.open(p)).toThrow(/is not a SQLite database/);
    expect(() => SqliteDatabase.open(p)).toThrow(p);
    expect(fs.readFileSync(p, 'utf8')).toBe(content);
    expect(fs.existsSync(`${p}-wal`)).toBe(false);
  });

  it('reports a corrupt SQLite file with its path', () => {
    const p = file();
    const db = SqliteDatabase.open(p, { readers: 0 });
    db.close();
    const bytes = fs.readFileSync(p);
    bytes.fill(0xff, 16, 100); // wreck the header fields after the magic string
    fs.writeFileSync(p, bytes);
    expect(() => SqliteDatabase.open(p)).toThrow(StorageError);
    expect(() => SqliteDatabase.open(p)).toThrow(p);
    expect(fs.readFileSync(p).equals(bytes)).toBe(true);
  });

  it('refuses a file from a newer schema, saying which version, and keeps it', () => {
    const p = file();
    SqliteDatabase.open(p, { readers: 0 }).close();
    const raw = new Database(p);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    const before = fs.readFileSync(p);
    expect(() => SqliteDatabase.open(p)).toThrow(new RegExp(`schema version ${LATEST_SCHEMA_VERSION + 5}, newer`));
    expect(() => openReadOnly(p)).toThrow(/newer/);
    expect(fs.readFileSync(p).equals(before)).toBe(true);
  });

  it('openReadOnly gives a read-only connection and refuses a missing file', () => {
    const p = file();
    const db = SqliteDatabase.open(p, { readers: 0 });
    const ro = openReadOnly(p);
    expect(ro.readonly).toBe(true);
    expect(() => ro.exec('DELETE FROM instruments')).toThrow(/readonly/);
    ro.close();
    db.close();
    expect(() => openReadOnly(path.join(path.dirname(p), 'missing.sqlite'))).toThrow(/No database/);
  });
});
