// Lint and the layering rule. Layering is checked here, with zero exceptions:
//   core/domain        imports nothing outside itself (no packages, no Node built-ins)
//   core/application   imports domain (and zod for the contract's schemas)
//   core/infrastructure, workers, host, electron  never import renderer/ (core never imports electron/)
//   renderer           takes only `import type` from core/, never infrastructure
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const outsideCore = ['**/electron/**', '**/renderer/**', '**/workers/**', '**/host/**', '**/bench/**', '**/e2e/**'];

const restrict = (patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tsbuild/', 'release/', 'e2e/results/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-globals': 'off',
    },
  },
  {
    files: ['core/domain/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test-kit/**'],
    rules: {
      ...restrict([
        { group: ['**/application/**', '**/infrastructure/**', ...outsideCore], message: 'core/domain imports nothing outside itself.' },
        { regex: '^(?!\\.)', message: 'core/domain uses no packages or Node built-ins.' },
      ]),
      // Reproducibility: time and randomness are injected, never ambient.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Inject a clock; core is deterministic.' },
        { object: 'Math', property: 'random', message: 'Use a seeded generator; core is deterministic.' },
      ],
    },
  },
  {
    files: ['core/application/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test-kit/**'],
    rules: {
      ...restrict([
        { group: ['**/infrastructure/**', ...outsideCore], message: 'core/application imports only core/domain.' },
        { regex: '^(?!\\.|zod$)', message: 'core/application uses no packages but zod.' },
      ]),
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Inject a clock; core is deterministic.' },
        { object: 'Math', property: 'random', message: 'Use a seeded generator; core is deterministic.' },
      ],
    },
  },
  {
    files: ['core/infrastructure/**/*.ts'],
    rules: restrict([{ group: outsideCore, message: 'core/infrastructure does not import hosts, workers or the UI.' }]),
  },
  {
    files: ['workers/**/*.ts'],
    rules: restrict([{ group: ['**/electron/**', '**/renderer/**', '**/host/**'], message: 'workers do not import hosts or the UI.' }]),
  },
  {
    files: ['host/**/*.ts', 'bench/**/*.ts'],
    rules: restrict([{ group: ['**/electron/**', '**/renderer/**'], message: 'host/bench do not import electron/ or renderer/.' }]),
  },
  {
    files: ['electron/**/*.ts'],
    rules: restrict([{ group: ['**/renderer/**'], message: 'electron/ does not import renderer/ code.' }]),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/core/infrastructure/**', '**/core/domain/**', '**/workers/**', '**/electron/**', '**/host/**'], message: 'renderer talks to the core only through the application contract.' },
            { group: ['**/core/application/**'], allowTypeImports: true, message: 'renderer takes only `import type` from the application contract.' },
            { regex: '^(node:|fs$|path$|child_process$|worker_threads$|better-sqlite3$|electron$)', message: 'renderer runs in the browser: no Node or Electron modules.' },
          ],
        },
      ],
    },
  },
);
