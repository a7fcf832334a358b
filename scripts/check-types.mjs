// CI: fails when worker-configuration.d.ts is not what `npm run types` makes from today's
// wrangler.toml and .dev.vars.example (regenerated to a temporary file and compared).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const COMMITTED = 'worker-configuration.d.ts';
const dir = mkdtempSync(path.join(tmpdir(), 'worker-types-'));
const fresh = path.join(dir, COMMITTED);
try {
  const run = spawnSync('npm', ['run', '--silent', 'types', '--', fresh], { encoding: 'utf8' });
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr);
    process.exit(1);
  }
  // The header names the command that made the file, output path included.
  const generated = readFileSync(fresh, 'utf8').replace(` ${fresh}\``, '`');
  if (generated !== readFileSync(COMMITTED, 'utf8')) {
    console.error(`${COMMITTED} is stale: run \`npm run types\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${COMMITTED} is up to date.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
