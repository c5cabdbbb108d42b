import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSection, section, writeSection } from './docs-section.js';

describe('marked sections of a generated document', () => {
  const file = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'bws-docs-')), 'DOC.md');

  it('replaces only its own block and keeps the text around it', () => {
    const doc = file();
    writeFileSync(doc, `# Title\n\n${section('a', 'old a')}\n\nmiddle\n\n${section('b', 'b stays')}\n`);
    writeSection(doc, 'a', 'new a with $& and $1'); // replacement patterns are taken literally
    const text = readFileSync(doc, 'utf8');
    expect(text).toBe(`# Title\n\n${section('a', 'new a with $& and $1')}\n\nmiddle\n\n${section('b', 'b stays')}\n`);
    expect(readSection(text, 'b')).toBe(section('b', 'b stays'));
  });

  it('appends the block when the document has none, and creates a missing file', () => {
    const doc = file();
    writeSection(doc, 'ui', 'figures');
    expect(readFileSync(doc, 'utf8')).toBe(`${section('ui', 'figures')}\n`);
    writeFileSync(doc, '# Title\n');
    writeSection(doc, 'ui', 'figures');
    expect(readFileSync(doc, 'utf8')).toBe(`# Title\n\n${section('ui', 'figures')}\n`);
    expect(readSection('# no markers', 'ui')).toBeNull();
  });
});
