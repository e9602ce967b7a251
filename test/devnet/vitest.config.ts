import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs the devnet suite alone, in plain Node: npx vitest run -c test/devnet/vitest.config.ts
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['test/devnet/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
