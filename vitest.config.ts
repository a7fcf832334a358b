import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { buildPages } from './scripts/build-pages.mjs';
import { TEST_SETTINGS } from './test/settings.ts';

export default defineConfig(async () => {
  // The pages' static assets (wrangler.toml [assets]), as wrangler's build step makes them.
  await buildPages();
  const migrations = await readD1Migrations('./drizzle');
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: { bindings: { ...TEST_SETTINGS, TEST_MIGRATIONS: migrations } },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts'],
      exclude: ['test/e2e/**'],
      setupFiles: ['./test/setup.ts'],
      // Every auth request writes one event line; tests that care spy on console.log.
      onConsoleLog: (log: string) => !/^\{\s+event: /.test(log.trimStart()),
    },
  };
});
