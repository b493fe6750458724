import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    // The process tests run the local stack (emulators, the functions' hosts) several times.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
