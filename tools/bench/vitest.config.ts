import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // benchDynamo and syncNoop start the embedded emulators and fakes; the first start loads LevelDB.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
