import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileAccess } from '../../application/data/bar-files.js';
import { NotFoundError, ValidationError } from '../../application/errors.js';
import { DATABASE_FILE } from '../data-dir.js';
import { isSystemPath, notAFile } from './regular-file.js';

export interface FilePolicyOptions {
  /** The data folder: the store and its side files there are never read or written as data. */
  readonly dataDir: string;
  /**
   * Folders outside which no path is reached, or null for any path the process can reach
   * (desktop and CLI: the user's own files). Web mode: the uploads folder and the folders
   * named at start (`bws serve --files DIR`).
   */
  readonly roots?: readonly string[] | null;
  /** Files the caller sent (web mode's uploads): messages may quote their text. */
  readonly uploadDir?: string;
  /** Where a relative export path is taken from (default: the first root, else the home folder). */
  readonly baseDir?: string;
}

/**
 * The one path policy of every transport. Imports read only regular files (checked again
 * when opened: openRegularFile), never /proc or /sys; neither imports nor exports ever
 * name the store's own files (the database and its WAL, shared-memory and journal files)
 * or a system folder. With roots, every path must lie inside one, judged by
 * its real path (links resolved) before anything else is said about it, so a path outside
 * gets the same refusal whether or not it exists; an error about a file the caller did not
 * send does not quote the file's text.
 */
export class FilePolicy implements FileAccess {
  private readonly dataDir: string;
  private readonly uploadDir: string | null;
  private readonly roots: readonly string[] | null;
  private readonly baseDir: string;

  constructor(options: FilePolicyOptions) {
    this.dataDir = realOrResolved(options.dataDir);
    this.uploadDir = options.uploadDir === undefined ? null : realOrResolved(options.uploadDir);
    this.roots = options.roots ? options.roots.map(realOrResolved) : null;
    this.baseDir = options.baseDir ?? this.roots?.find((r) => r !== this.uploadDir) ?? os.homedir();
  }

  /** The folders paths are confined to (null: none). */
  get allowedFolders(): readonly string[] | null {
    return this.roots;
  }

  importSource(typed: string): { path: string; showContent: boolean } {
    const resolved = this.resolve(typed);
    // Judged before anything is said about the file: a path outside the roots gets one
    // answer whether or not it exists (or is a system file, a folder...).
    if (this.roots !== null) this.assertInRoots(realAsFarAsItExists(resolved), typed, 'read');
    let real: string;
    try {
      real = fs.realpathSync(resolved);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new NotFoundError(`File not found: ${typed}`, { path: typed });
      if (code === 'EACCES' || code === 'EPERM') throw new ValidationError(`No permission to read ${typed}`, { path: typed });
      throw error;
    }
    this.assertInRoots(real, typed, 'read');
    if (isSystemPath(real)) throw new ValidationError(`${typed} is a system file, not a data file; nothing was read`, { path: typed });
    // Said now rather than by the reader in a job (which checks again when it opens it).
    const what = notAFile(fs.statSync(real));
    if (what !== null) throw new ValidationError(`${typed} is ${what}, not a file: only regular files can be imported; nothing was read`, { path: typed });
    if (this.isOwnFile(real)) {
      throw new ValidationError(`${typed} is the workstation's own database file (in ${this.dataDir}), not a CSV of bars; nothing was read`, { path: typed });
    }
    const sent = this.uploadDir !== null && within(real, this.uploadDir);
    return { path: real, showContent: this.roots === null || sent };
  }

  exportTarget(typed: string): { path: string; relativeTo?: string } {
    const resolved = this.resolve(typed);
    // As for imports: outside the roots, one answer whether or not the folder exists.
    if (this.roots !== null) this.assertInRoots(realAsFarAsItExists(resolved), resolved, 'written');
    const dir = path.dirname(resolved);
    let realDir: string;
    try {
      realDir = fs.realpathSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new NotFoundError(`The folder ${dir} does not exist; create it or choose another folder. Nothing was written`, { path: dir });
      throw error;
    }
    const target = path.join(realDir, path.basename(resolved));
    this.assertInRoots(target, resolved, 'written');
    if (isSystemPath(realDir)) throw new ValidationError(`${resolved} is in a system folder (${realDir}); choose a folder of your own. Nothing was written`, { path: resolved });
    if (this.isOwnFile(target)) {
      throw new ValidationError(`${resolved} is the workstation's own database file (in ${this.dataDir}); an export never replaces it. Choose another name. Nothing was written`, {
        path: resolved,
      });
    }
    return { path: target, ...(path.isAbsolute(typed.trim()) || typed.trim().startsWith('~') ? {} : { relativeTo: this.baseDir }) };
  }

  /** `~`, `~/...` are the home folder; a relative path is taken from the base folder. */
  private resolve(typed: string): string {
    const trimmed = typed.trim();
    if (trimmed === '~') return os.homedir();
    if (trimmed.startsWith('~/') || trimmed.startsWith('~\\')) return path.join(os.homedir(), trimmed.slice(2));
    return path.resolve(this.baseDir, trimmed);
  }

  /**
   * One of the store's own files: workstation.sqlite and the files beside it that share its
   * name (-wal, -shm, -journal, a set-aside copy), by real path or, for a hard link, by
   * identity.
   */
  private isOwnFile(real: string): boolean {
    if (path.dirname(real) === this.dataDir && path.basename(real).startsWith(DATABASE_FILE)) return true;
    const target = statOrNull(real);
    if (!target) return false;
    return STORE_SUFFIXES.some((suffix) => {
      const own = statOrNull(path.join(this.dataDir, DATABASE_FILE + suffix));
      return own !== null && own.dev === target.dev && own.ino === target.ino;
    });
  }

  private assertInRoots(real: string, shown: string, verb: 'read' | 'written'): void {
    if (this.roots === null || this.roots.some((root) => within(real, root) && real !== root)) return;
    const named = this.roots.filter((r) => r !== this.uploadDir);
    const where = named.length > 0 ? `files uploaded from this page and files in ${named.join(', ')}` : 'files uploaded from this page';
    throw new ValidationError(
      `${shown} cannot be ${verb}: in web mode only ${where} can be ${verb} (a folder is opened to the page with bws serve --files DIR)`,
      { path: shown, allowedFolders: named },
    );
  }
}

/** The store's side files (SQLite's WAL, shared memory and rollback journal). */
const STORE_SUFFIXES = ['', '-wal', '-shm', '-journal'];

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/** True when `child` is `parent` or lies inside it (both resolved). */
function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The real path of `resolved` as far as it exists: its deepest existing folder resolved
 * (links followed), the rest as typed. Judging this, a path gets the same answer whether
 * or not its last parts exist.
 */
function realAsFarAsItExists(resolved: string): string {
  const rest: string[] = [];
  for (let current = resolved; ; ) {
    try {
      return path.join(fs.realpathSync(current), ...rest);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return resolved;
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

/** The real path of a folder, or its absolute path while it does not exist yet. */
function realOrResolved(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}
