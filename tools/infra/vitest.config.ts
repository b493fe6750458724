import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    // Synthesizing the stack takes seconds on a loaded machine; it is done once per file.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
