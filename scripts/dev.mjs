// `npm run dev`: the whole system on this machine. Creates .dev.vars from the example when
// missing, applies pending D1 migrations to the local database, then runs the fake QQ
// (http://localhost:8788) and the worker (http://localhost:8787) in development mode.
// Deploying never migrates: remote migrations are their own step (docs/operations.md).
// `SMS_PROVIDER=tencent|aliyun|yuntongxun npm run dev` sends codes through that provider's
// fake (printed in the fakes' log, listed at http://localhost:8788/sms/<name>/__fake/outbox).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { DEV_CAPTCHA_VARS, DEV_PROVIDER_VARS } from './dev-providers.mjs';

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars');
  console.log('[dev] created .dev.vars from .dev.vars.example');
}

/** @type {Record<string, Record<string, string> | undefined>} */
const providerBlocks = DEV_PROVIDER_VARS;
/** @type {Record<string, Record<string, string> | undefined>} */
const captchaBlocks = DEV_CAPTCHA_VARS;
const provider = process.env.SMS_PROVIDER;
const providerVars = provider ? providerBlocks[provider] : undefined;
if (provider && !providerVars && provider !== 'console' && provider !== 'webhook') {
  console.error(`[dev] SMS_PROVIDER=${provider}: the fakes serve ${Object.keys(DEV_PROVIDER_VARS).join(', ')}`);
  process.exit(1);
}
// CAPTCHA_PROVIDER=turnstile|tencent: a captcha before every SMS, against the fakes and their widgets.
const captchaVars = captchaBlocks[process.env.CAPTCHA_PROVIDER ?? ''] ?? {};
const vars = { ...(providerVars ?? (provider ? { SMS_PROVIDER: provider } : {})), ...captchaVars };
const varArgs = Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);

const migrated = spawnSync('node', ['scripts/migrate-local.mjs'], { stdio: 'inherit' });
if (migrated.status !== 0) process.exit(migrated.status ?? 1);

const services = [
  { name: 'fake-qq', args: ['wrangler', 'dev', '-c', 'fakes/wrangler.toml', '--port', '8788', '--inspector-port', '9239'] },
  { name: 'worker', args: ['wrangler', 'dev', '--port', '8787', '--inspector-port', '9229', '--var', 'ENVIRONMENT:development', ...varArgs, ...process.argv.slice(2)] },
];

const children = services.map(({ name, args }) => {
  const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (/** @type {string} */ chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) console.log(`[${name}] ${line}`);
    });
  }
  child.on('exit', (/** @type {number | null} */ code) => {
    console.log(`[${name}] exited with ${code}`);
    stop(code ?? 1);
  });
  return child;
});

let stopping = false;
/** @param {number} code */
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  setTimeout(() => process.exit(code), 500);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
