// A local ESLint rule for the dependency rule, checked on resolved paths (not on the
// text of the import), so core/infrastructure/workers/ is never mistaken for workers/.
//
//   core/domain          -> itself only; no packages, no Node built-ins (and pure: see pureDomainRule)
//   core/application     -> core/domain; packages: zod
//   core/infrastructure  -> core/domain, core/application
//   workers              -> core/*
//   host, bench          -> core/*, workers (never electron/, renderer/)
//   electron             -> core/*, host
//   renderer             -> itself, core/domain (values: it is pure, like VS Code's `common`);
//                           `import type` only from core/application; never infrastructure
//   e2e                  -> anything but electron/, workers/ (perf scripts share bench's doc writer)
//   scripts              -> itself, e2e (the test prerequisites use e2e's browser lookup); imported by none
//
// Tests follow the same rule. The few that compose real adapters of a higher layer are
// listed in TEST_IMPORT_EXCEPTIONS, file by file: the list only shrinks (a test keeps each
// entry in use), and a new cross-layer test import is a visible change to it.
import path from 'node:path';
import { builtinModules } from 'node:module';
import globals from 'globals';

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
  renderer: ['renderer', 'domain', 'application'],
  e2e: ['domain', 'application', 'infrastructure', 'host', 'bench', 'renderer', 'e2e'],
  scripts: ['scripts', 'e2e'],
};

/** Layers that ship: their production files never import a test kit. */
const SHIPPED = new Set(['domain', 'application', 'infrastructure', 'workers', 'host', 'electron', 'renderer']);

/**
 * The test files allowed to import a layer their own may not, and exactly what: use-case
 * tests of core/application that run against the real SQLite stores and worker pools.
 * Paths from the repository root, without extension. Only shrinks: delete an entry when its
 * import goes (eslint/layering.test.ts fails on an entry no longer used).
 */
export const TEST_IMPORT_EXCEPTIONS = {
  'core/application/backtest/run-backtest.test': [
    'core/infrastructure/backtest/in-process-executor',
    'core/infrastructure/runs/sqlite-run-store',
    'core/infrastructure/sqlite/storage',
    'core/infrastructure/test-kit/bar-fixture',
    'core/infrastructure/test-kit/temp-db',
    'core/infrastructure/workers/worker-backtest-executor',
  ],
  'core/application/data/download-handlers.test': ['core/infrastructure/test-kit/fake-exchange-server'],
  'core/application/handlers.test': ['core/infrastructure/sqlite/storage'],
  'core/application/sweeps/handlers.test': ['core/infrastructure/test-kit/market-data'],
  'core/application/test-kit/handler-harness': [
    'core/infrastructure/exchanges/exchange-connection',
    'core/infrastructure/sqlite/storage',
    'core/infrastructure/workers/worker-backtest-executor',
    'core/infrastructure/workstation',
  ],
  'core/application/sweeps/run-sweep.test': [
    'core/infrastructure/sqlite/storage',
    'core/infrastructure/sweeps/sqlite-sweep-store',
    'core/infrastructure/sweeps/worker-variant-evaluator',
    'core/infrastructure/test-kit/bar-fixture',
    'core/infrastructure/test-kit/temp-db',
    'core/infrastructure/workers/worker-backtest-executor',
  ],
};

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** A path from the repository root with '/' separators and no .ts/.tsx/.js/.mjs extension. */
export function modulePath(file) {
  return path
    .relative(root, file)
    .split(path.sep)
    .join('/')
    .replace(/\.(tsx?|m?js)$/, '');
}

function layerOf(file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  for (const [prefix, layer] of LAYERS) if (rel === prefix || rel.startsWith(`${prefix}/`)) return layer;
  return null;
}

function isTestKit(file) {
  return file.includes(`${path.sep}test-kit${path.sep}`) || file.includes('/test-kit/');
}

function isTestFile(file) {
  return /\.test\.tsx?$/.test(file) || isTestKit(file);
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
    const exceptions = tests ? (TEST_IMPORT_EXCEPTIONS[modulePath(file)] ?? []) : [];
    const report = (node, message) => context.report({ node, messageId: 'layer', data: { message } });
    const check = (node) => {
      const source = node.source && node.source.type === 'Literal' ? node.source.value : null;
      if (typeof source !== 'string') return;
      if (!source.startsWith('.')) {
        // Tests bring their tools (vitest, fast-check, node:fs for temp dirs); production code does not.
        if (tests) return;
        const problem = packageProblem(layer, source);
        if (problem) report(node, `${problem} (imports "${source}")`);
        return;
      }
      const resolved = path.resolve(path.dirname(file), source);
      if (!tests && SHIPPED.has(layer) && isTestKit(resolved)) {
        report(node, `production code never imports a test kit ("${source}")`);
        return;
      }
      const target = layerOf(resolved);
      if (!target || target === layer) return;
      if (!ALLOWED[layer].includes(target)) {
        if (exceptions.includes(modulePath(resolved))) return;
        report(node, `${layer} may not import ${target} ("${source}")${tests ? '; tests too, unless listed in TEST_IMPORT_EXCEPTIONS' : ''}`);
      } else if (layer === 'renderer' && target === 'application' && !typeOnly(node)) {
        report(node, `the renderer takes only \`import type\` from the application contract ("${source}")`);
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

// The language's own globals, less the ways out of the module (globalThis reaches process,
// eval and Function run code built from strings).
const PURE_GLOBALS = new Set(Object.keys(globals.builtin).filter((name) => !['globalThis', 'eval', 'Function'].includes(name)));

/**
 * Keeps core/domain provably pure, so any layer (the renderer included) may run it: no
 * global beyond the language's own (no process, console, fetch, timers, window), no clock
 * (Date.now(), new Date() with no argument, performance) and no ambient randomness
 * (Math.random(), crypto). Time and randomness are injected.
 */
export const pureDomainRule = {
  meta: { type: 'problem', schema: [], messages: { impure: '{{message}}' } },
  create(context) {
    const file = context.filename;
    if (layerOf(file) !== 'domain' || isTestFile(file)) return {};
    const report = (node, message) => context.report({ node, messageId: 'impure', data: { message } });
    // A name no scope of this module declares: the global one.
    const isGlobal = (node, name) => {
      if (node.type !== 'Identifier' || node.name !== name) return false;
      for (let scope = context.sourceCode.getScope(node); scope; scope = scope.upper) {
        const variable = scope.set.get(name);
        if (variable) return variable.defs.length === 0;
      }
      return true;
    };
    return {
      MemberExpression(node) {
        const property = !node.computed && node.property.type === 'Identifier' ? node.property.name : node.property.type === 'Literal' ? node.property.value : null;
        if (isGlobal(node.object, 'Date') && property === 'now') report(node, 'core/domain reads no clock: inject one (Date.now)');
        if (isGlobal(node.object, 'Math') && property === 'random') report(node, 'core/domain draws no ambient randomness: use a seeded generator (Math.random)');
      },
      'NewExpression, CallExpression'(node) {
        if (isGlobal(node.callee, 'Date') && (node.type === 'CallExpression' || node.arguments.length === 0)) {
          report(node, 'core/domain reads no clock: inject one (new Date() without a time)');
        }
      },
      'Program:exit'(program) {
        const global = context.sourceCode.getScope(program);
        // References to globals the config declares (node, browser) are resolved to them; the rest stay unresolved.
        const declared = global.variables.filter((variable) => variable.defs.length === 0).flatMap((variable) => variable.references);
        for (const reference of [...declared, ...global.through]) {
          if (reference.isTypeReference === true) continue;
          const name = reference.identifier.name;
          if (!PURE_GLOBALS.has(name)) report(reference.identifier, `core/domain uses only the language's own globals, not "${name}"`);
        }
      },
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
          if (/eslint-disable/.test(comment.value) && /local\/(layering|no-layering-exceptions|pure-domain)/.test(comment.value)) {
            context.report({ loc: comment.loc, messageId: 'exception' });
          }
        }
      },
    };
  },
};

export default { rules: { layering: layeringRule, 'pure-domain': pureDomainRule, 'no-layering-exceptions': noLayeringExceptionsRule } };
