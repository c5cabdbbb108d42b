import { defineConfig } from 'vitest/config';

// Playwright flows against the web mode. `npm run test:e2e` builds dist/ (CLI + renderer)
// first. Each spec file launches one Chromium; two files at a time fit this 2-core machine.
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts', 'e2e/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // A poll of the server waits for work a loaded machine may take seconds over (the default is 1 s).
    expect: { poll: { timeout: 15_000 } },
    maxWorkers: 2,
    fileParallelism: true,
  },
});
