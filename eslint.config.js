// Lint, and the dependency rule (eslint/layering.js) with zero exceptions:
//   core/domain        imports nothing outside itself (no packages, no Node built-ins) and is
//                      pure (local/pure-domain: no clock, no ambient randomness, no host globals)
//   core/application   imports domain (and zod for the contract's schemas)
//   core/*, workers, host never import electron/ or renderer/
//   renderer           takes values from core/domain, only `import type` from core/application,
//                      never infrastructure
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layering from './eslint/layering.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tsbuild/', 'release/', 'e2e/results/', 'bench/results/', '**/*.tmp.*', '.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { local: layering },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'local/layering': 'error',
      'local/pure-domain': 'error',
      'local/no-layering-exceptions': 'error',
    },
  },
  {
    // core/domain has the stricter local/pure-domain.
    files: ['core/application/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test-kit/**'],
    rules: {
      // Reproducibility: time and randomness are injected, never ambient.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Inject a clock; core is deterministic.' },
        { object: 'Math', property: 'random', message: 'Use a seeded generator; core is deterministic.' },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
