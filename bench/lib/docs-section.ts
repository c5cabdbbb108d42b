import { existsSync, readFileSync, writeFileSync } from 'node:fs';

// docs/BENCHMARKS.md has more than one writer (`npm run bench -- --write-docs` and
// `npm run test:perf -- --write-docs`); each owns a block between two markers and
// leaves the rest of the file as it found it.
const start = (name: string) => `<!-- ${name}:start -->`;
const end = (name: string) => `<!-- ${name}:end -->`;

/** The block `name` of a document (markers included), or null when it has none. */
export function readSection(doc: string, name: string): string | null {
  const from = doc.indexOf(start(name));
  const to = doc.indexOf(end(name), from);
  return from < 0 || to < 0 ? null : doc.slice(from, to + end(name).length);
}

/** The block `name` with `body` inside its markers. */
export function section(name: string, body: string): string {
  return `${start(name)}\n${body.trim()}\n${end(name)}`;
}

/** Replaces block `name` of the file with `body`, or appends the block when the file has none. */
export function writeSection(file: string, name: string, body: string): void {
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const old = readSection(doc, name);
  const before = doc.trimEnd();
  const next = old !== null ? doc.replace(old, () => section(name, body)) : `${before === '' ? '' : `${before}\n\n`}${section(name, body)}\n`;
  writeFileSync(file, next);
}
