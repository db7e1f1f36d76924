import { defineConfig } from 'vitest/config';

/**
 * Three projects (run one with `npx vitest run --project unit`):
 * - unit: pure code and tests without a database (`*.test.ts` in src/ and test/);
 * - database: `*.db.test.ts`, each suite on SQLite and, with TEST_DATABASE_URL, PostgreSQL;
 * - browser: web/e2e in chromium against a real server (needs the web build; built once here when stale).
 * The unit and database projects compile src/ to dist/ first when it is stale: tests that spawn the
 * `rapport` command run the compiled CLI. After a run, the slowest files and any skipped test are listed.
 */
const shared = { testTimeout: 60_000, hookTimeout: 120_000, pool: 'forks' } as const;

export default defineConfig({
  test: {
    // Most of the suite waits on databases, fsync, child processes and chromium, not on the CPU: three
    // files at a time keep both cores busy (vitest's default on two cores is one file at a time).
    maxWorkers: 3,
    reporters: ['default', './test/setup/slowest-reporter.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/node_modules/**'],
          globalSetup: ['./test/setup/build-server.ts'],
        },
      },
      {
        test: {
          ...shared,
          name: 'database',
          include: ['src/**/*.db.test.ts', 'test/**/*.db.test.ts'],
          globalSetup: ['./test/setup/build-server.ts'],
        },
      },
      {
        test: {
          ...shared,
          name: 'browser',
          include: ['web/e2e/**/*.test.ts'],
          globalSetup: ['./test/setup/build-server.ts', './test/setup/build-web.ts'],
        },
      },
    ],
  },
});
