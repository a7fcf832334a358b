// Applies pending D1 migrations to the local database (`npm run dev` runs this before
// `wrangler dev` serves). Touches only .wrangler/state, never a remote database.
import { spawnSync } from 'node:child_process';

const result = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, CI: 'true' },
});
process.exit(result.status ?? 1);
