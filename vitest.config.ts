import { defineConfig } from 'vitest/config';

// Unit tests are fast and pure; integration tests start real services (snmpd, influxd, openssl);
// e2e tests drive headless Chromium. All three run in `npm test` and in CI. Tests that start
// bin/egov-noc.js run dist/, which the global setup compiles from the current sources first.
export default defineConfig({
  test: {
    globalSetup: ['scripts/vitest-build.js'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/e2e/**'],
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], fileParallelism: false },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], fileParallelism: false },
      },
    ],
  },
});
