// The renderer reads the domain's tables (core/domain: the variables catalog, SPEC_FIELDS,
// TIMEFRAMES, OPERATORS, the engine's marker kinds) instead of keeping copies. These checks
// read the renderer's sources for the shapes a copy would take, so one cannot creep back.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { TIMEFRAMES } from '../../core/domain/market/timeframe.js';
import { VARIABLES } from '../../core/domain/strategy/catalog.js';
import { SPEC_FIELDS, specFieldName, TRIGGER_BARS_FIELD, type SpecField } from '../../core/domain/strategy/spec-fields.js';

const here = import.meta.dirname;

interface Source {
  readonly file: string;
  /** The code without its comments (which may quote a table to explain it). */
  readonly text: string;
  /** Every string literal, template part and JSX text in it, trimmed. */
  readonly strings: readonly string[];
}

const printer = ts.createPrinter({ removeComments: true });

function read(full: string): Source {
  const tree = ts.createSourceFile(full, readFileSync(full, 'utf8'), ts.ScriptTarget.Latest, true, full.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const strings: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isJsxText(node)) strings.push(node.text.trim());
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return { file: path.relative(here, full), text: printer.printFile(tree), strings };
}

function sources(dir: string): Source[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) ? [read(full)] : [];
  });
}

const all = sources(here);
const shipped = all.filter((s) => !/\.test\.tsx?$/.test(s.file));
/** Files holding `text` as a whole string literal or JSX text. */
const holding = (files: readonly Source[], text: string) => files.filter((s) => s.strings.includes(text)).map((s) => s.file);

describe("the renderer on the domain's tables", () => {
  it('lists no timeframes of its own', () => {
    const copies = shipped.filter((s) => TIMEFRAMES.filter((tf) => s.strings.includes(tf)).length >= 2).map((s) => s.file);
    expect(copies, 'import TIMEFRAMES from core/domain/market/timeframe.ts').toEqual([]);
  });

  it("writes no field's words: they come from SPEC_FIELDS", () => {
    const fields: SpecField[] = [...Object.values(SPEC_FIELDS), TRIGGER_BARS_FIELD];
    const words = new Set(fields.flatMap((field) => [field.label, specFieldName(field), field.help, ...(field.group ? [field.group] : [])]));
    for (const text of words) expect(holding(shipped, text), `"${text}" is SPEC_FIELDS' word: read it from there`).toEqual([]);
  });

  it('bounds no number of its own: limits come from SPEC_FIELDS or the catalog (paramLimit)', () => {
    const literalLimit = /\bmin:\s*-?[\d.e_]+\s*,\s*max:\s*-?[\d.e_]+/;
    expect(shipped.filter((s) => literalLimit.test(s.text)).map((s) => s.file)).toEqual([]);
  });

  it('keeps no catalog of its own, in tests neither: they take the real one', () => {
    // A variable definition's shape (outputs with comparison groups) or a catalog label written out.
    expect(all.filter((s) => /\boutputs:\s*\[/.test(s.text)).map((s) => s.file)).toEqual([]);
    const paramLabels = new Set(VARIABLES.flatMap((v) => v.params.filter((p) => p.label !== 'Period').map((p) => p.label)));
    for (const label of paramLabels) expect(holding(shipped, label), `"${label}" is the catalog's word`).toEqual([]);
  });

  it('parses no spec paths by hand: core/domain/optimize/spec-path.ts does', () => {
    // The bracket-index patterns a hand-written path parser needs.
    const parser = /\\\[\(\\d\+\)\\\]|\[\^\.\[\\\]\]\+/;
    expect(shipped.filter((s) => parser.test(s.text)).map((s) => s.file)).toEqual([]);
  });

  it('edits every field of SPEC_FIELDS through the table', () => {
    const builder = shipped.filter((s) => s.file.startsWith(path.join('screens', 'builder'))).map((s) => s.text).join('\n');
    for (const key of Object.keys(SPEC_FIELDS)) {
      const direct = builder.includes(`SPEC_FIELDS['${key}']`) || builder.includes(`SPEC_FIELDS.${key}`);
      // A distance's three fields are rendered by DistanceField from its `at` path.
      const distance = /^(.*)\.(value|multiple|period)$/.exec(key);
      const viaDistance = distance !== null && builder.includes(`at="${distance[1]}"`) && builder.includes(`SPEC_FIELDS[\`\${at}.${distance[2]}\`]`);
      expect(direct || viaDistance, key).toBe(true);
    }
  });
});
