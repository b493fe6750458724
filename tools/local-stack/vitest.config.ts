import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    // The integration tests start real HTTP emulators; the first start loads LevelDB and Fastify.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
