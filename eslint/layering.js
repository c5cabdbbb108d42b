// A local ESLint rule for the dependency rule, checked on resolved paths (not on the
// text of the import), so core/infrastructure/workers/ is never mistaken for workers/.
//
//   core/domain          -> itself only; no packages, no Node built-ins
//   core/application     -> core/domain; packages: zod
//   core/infrastructure  -> core/domain, core/application
//   workers              -> core/*
//   host, bench          -> core/*, workers (never electron/, renderer/)
//   electron             -> core/*, host
//   renderer             -> itself; `import type` only from core/application
//   e2e                  -> anything but electron/, workers/ (perf scripts share bench's doc writer)
//   scripts              -> itself, e2e (the test prerequisites use e2e's browser lookup); imported by none
import path from 'node:path';
import { builtinModules } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const LAYERS = [
  ['core/domain', 'domain'],
  ['core/application', 'application'],
  ['core/infrastructure', 'infrastructure'],
  ['workers', 'workers'],
  ['host', 'host'],
  ['bench', 'bench'],
  ['electron', 'electron'],
  ['renderer', 'renderer'],
  ['e2e', 'e2e'],
  ['scripts', 'scripts'],
];

/** Which layers each layer may import (relative imports, resolved). */
const ALLOWED = {
  domain: ['domain'],
  application: ['domain', 'application'],
  infrastructure: ['domain', 'application', 'infrastructure'],
  workers: ['domain', 'application', 'infrastructure', 'workers'],
  host: ['domain', 'application', 'infrastructure', 'host'],
  bench: ['domain', 'application', 'infrastructure', 'host', 'bench'],
  electron: ['domain', 'application', 'infrastructure', 'host', 'electron'],
  renderer: ['renderer', 'application'],
  e2e: ['domain', 'application', 'infrastructure', 'host', 'bench', 'renderer', 'e2e'],
  scripts: ['scripts', 'e2e'],
};

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function layerOf(file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  for (const [prefix, layer] of LAYERS) if (rel === prefix || rel.startsWith(`${prefix}/`)) return layer;
  return null;
}

function isTestFile(file) {
  return /\.test\.tsx?$/.test(file) || file.includes(`${path.sep}test-kit${path.sep}`);
}

function typeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

function packageProblem(layer, source) {
  if (layer === 'domain') return 'core/domain uses no packages or Node built-ins';
  if (layer === 'application' && source !== 'zod') return 'core/application uses no packages but zod';
  if (layer === 'renderer' && (NODE_BUILTINS.has(source) || ['electron', 'better-sqlite3', 'ws', 'comlink'].includes(source))) {
    return 'the renderer runs in a browser: no Node, Electron or database modules';
  }
  return null;
}

export const layeringRule = {
  meta: { type: 'problem', schema: [], messages: { layer: '{{message}}' } },
  create(context) {
    const file = context.filename;
    const layer = layerOf(file);
    if (!layer) return {};
    const tests = isTestFile(file);
    const check = (node) => {
      const source = node.source && node.source.type === 'Literal' ? node.source.value : null;
      if (typeof source !== 'string') return;
      if (!source.startsWith('.')) {
        if (tests) return;
        const problem = packageProblem(layer, source);
        if (problem) context.report({ node, messageId: 'layer', data: { message: `${problem} (imports "${source}")` } });
        return;
      }
      const target = layerOf(path.resolve(path.dirname(file), source));
      if (!target || target === layer) return;
      // Tests may reach sideways into test kits and fixtures of lower layers, not upwards into hosts or the UI.
      const allowed = tests && layer !== 'renderer' ? [...ALLOWED[layer], 'domain', 'application', 'infrastructure'] : ALLOWED[layer];
      if (!allowed.includes(target)) {
        context.report({ node, messageId: 'layer', data: { message: `${layer} may not import ${target} ("${source}")` } });
      } else if (layer === 'renderer' && target === 'application' && !typeOnly(node)) {
        context.report({ node, messageId: 'layer', data: { message: `the renderer takes only \`import type\` from the application contract ("${source}")` } });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

/** Flags inline comments that would switch the layering rule off: the rule has no exceptions. */
export const noLayeringExceptionsRule = {
  meta: { type: 'problem', schema: [], messages: { exception: 'The dependency rule takes no exceptions; fix the import instead.' } },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          if (/eslint-disable/.test(comment.value) && /local\/(layering|no-layering-exceptions)/.test(comment.value)) {
            context.report({ loc: comment.loc, messageId: 'exception' });
          }
        }
      },
    };
  },
};

export default { rules: { layering: layeringRule, 'no-layering-exceptions': noLayeringExceptionsRule } };
