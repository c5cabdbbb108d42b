import { closeSync, constants, fstatSync, openSync, realpathSync, statfsSync, type Stats } from 'node:fs';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../application/errors.js';

/**
 * Kernel file systems whose files are views of the running system, not data (statfs
 * magic numbers, Linux): proc, sysfs, debugfs, securityfs, cgroup, cgroup2, configfs,
 * tracefs, efivarfs, bpf, pstore. Their "regular" files may never end or may be secrets.
 */
const SYSTEM_FILE_SYSTEMS = new Set([0x9fa0, 0x62656572, 0x64626720, 0x73636673, 0x27e0eb, 0x63677270, 0x62656570, 0x74726163, 0xde5e81e4, 0xcafe4a11, 0x6165676c]);
/**
 * The same, by folder, for systems whose statfs types differ, and the folders of the
 * operating system itself (its settings, programs, libraries and boot files): never data,
 * never a place for an export.
 */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/etc', '/boot', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/usr/bin', '/usr/sbin', '/usr/lib', '/private/etc'];

/** Returns what a non-regular file is, in words ('a named pipe (FIFO)'), or null for a regular file. */
export function notAFile(stat: Stats): string | null {
  if (stat.isFile()) return null;
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** True when `real` (a resolved path) lies in a kernel file system such as /proc or /sys. */
export function isSystemPath(real: string): boolean {
  if (SYSTEM_FOLDERS.some((dir) => real === dir || real.startsWith(`${dir}${path.sep}`))) return true;
  if (process.platform !== 'linux') return false;
  try {
    return SYSTEM_FILE_SYSTEMS.has(statfsSync(real).type);
  } catch {
    return false;
  }
}

/**
 * Returns the system folder a folder (a resolved path) is in or holds ('/etc' for /etc/ssl,
 * '/proc' for /), or null for a folder of the user's own: what `bws serve --files` may not
 * open to a page.
 */
export function systemFolderOf(real: string): string | null {
  if (isSystemPath(real)) return SYSTEM_FOLDERS.find((dir) => real === dir || real.startsWith(`${dir}${path.sep}`)) ?? real;
  const held = SYSTEM_FOLDERS.find((dir) => dir.startsWith(real === path.sep ? real : `${real}${path.sep}`));
  return held ?? null;
}

export interface OpenedFile {
  readonly fd: number;
  /** Bytes at the time it was opened: a reader reads no more than this. */
  readonly size: number;
  /** The resolved path (no links). */
  readonly realPath: string;
}

/**
 * Opens a file for reading only if it holds data: a regular file, not a FIFO, socket,
 * device or folder, and nothing in /proc or /sys. It is opened non-blocking, so a FIFO
 * that nobody writes to is refused instead of hanging the thread; `name` is what errors
 * call it. The caller closes `fd`.
 */
export function openRegularFile(file: string, name: string): OpenedFile {
  let real: string;
  try {
    real = realpathSync(file);
  } catch (error) {
    throw fileError(error, name);
  }
  if (isSystemPath(real)) throw new ValidationError(`${name} is a system file (in ${real.split(path.sep).slice(0, 2).join(path.sep)}), not a data file; nothing was read`, { path: name });
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    throw fileError(error, name);
  }
  const stat = fstatSync(fd);
  const what = notAFile(stat);
  if (what !== null) {
    closeSync(fd);
    throw new ValidationError(`${name} is ${what}, not a file: only regular files can be imported; nothing was read`, { path: name });
  }
  return { fd, size: stat.size, realPath: real };
}

/** Turns the usual file-system refusals into errors a user can act on. */
function fileError(error: unknown, name: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new NotFoundError(`File not found: ${name}`, { path: name });
  if (code === 'EACCES' || code === 'EPERM') return new ValidationError(`No permission to read ${name}`, { path: name });
  if (code === 'ELOOP') return new ValidationError(`${name} is a symbolic link that loops or changed while it was opened; nothing was read`, { path: name });
  if (code === 'EISDIR') return new ValidationError(`${name} is a folder, not a file; nothing was read`, { path: name });
  return error instanceof Error ? error : new Error(String(error));
}
