import { defineConfig } from 'vitest/config';

// Two projects: pure unit tests run with no emulator; everything that talks to the local cloud shares one
// DynamoDB Local + fauxqs started once per run by the global setup.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'cloud',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/infra/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      // The officials' console in Debian's chromium, on one local cloud per file (console.test.ts: dev sign-in;
      // oidc.test.ts: sign-in through the stand-in OpenID Connect provider).
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
