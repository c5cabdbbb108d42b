import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['eslint/**/*.test.ts', 'core/**/*.test.ts', 'workers/**/*.test.ts', 'host/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'bench/**/*.test.ts'],
    // Integration tests spawn real workers and CLI processes from dist/: build it once.
    globalSetup: ['./scripts/vitest-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: keep file parallelism modest so timing-sensitive worker tests are not starved.
    maxWorkers: 2,
  },
});
