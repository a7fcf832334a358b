// `npm run bench [-- --qq-latency 0,50]`: throughput, latency and CPU per request of every
// route of the worker, served from its deploy bundle in the Workers runtime (workerd,
// through Miniflare), against the fake QQ, next to a floor worker that does only the
// unavoidable work of a returning-user login. See bench/README.md.
//
// lib/options.mjs   the command line
// lib/runtimes.mjs  bundles, the three workerd processes, cleanup
// lib/seed.mjs      D1 contents, the seeded user, single-use request data
// lib/routes.mjs    what is loaded on each route
// lib/measure.mjs   warm-up, timed run and profile of each route
// lib/calibration.mjs  CPU per local D1/KV operation
// lib/results.mjs   the results JSON and chart, the printed summary, the verdict
// lib/django.mjs    the seeds' Django stack (bench/django) on gunicorn
// lib/logins.mjs    whole logins, side by side: the worker, the floor, the Django stack
// lib/compare.mjs   the login against the floor (and Django) at every QQ latency
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrate } from './lib/calibration.mjs';
import { compareLogins } from './lib/compare.mjs';
import { ensureDjangoPackages, startDjango } from './lib/django.mjs';
import { loginFailures, loginTable, loginTargets, measureLogins, summarizeLogins } from './lib/logins.mjs';
import { POOL_MARGIN, measureRoutes } from './lib/measure.mjs';
import { readOptions } from './lib/options.mjs';
import { machineInfo } from './lib/proc.mjs';
import { failures, printSummary, summarize, writeResults } from './lib/results.mjs';
import { routes, selectRoutes } from './lib/routes.mjs';
import { Session, buildAll, startRuntimes } from './lib/runtimes.mjs';
import { SEED_MOBILE, seed } from './lib/seed.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench/.out');

const options = readOptions();
const session = new Session();
try {
  process.exitCode = await main();
} catch (err) {
  console.error(`\nbench failed: ${err instanceof Error ? err.stack ?? err.message : err}`);
  process.exitCode = 1;
} finally {
  await session.cleanup();
}

async function main() {
  const started = performance.now();
  const machine = machineInfo();
  const { qqLatencies, durationS, connections, only } = options;
  console.log(
    `bench: fake QQ latency ${qqLatencies.join(' and ')} ms, ${durationS} s × ${connections} connections per route, ${machine.nproc} × ${machine.cpu_model}`,
  );

  if (withLogins(only)) await ensureDjangoPackages();
  const build = await buildAll(ROOT, OUT, options);
  const passes = [];
  let failed = 0;
  for (const qqLatencyMs of qqLatencies) {
    if (passes.length > 0) await session.stopInstances();
    console.log(`\n— pass: fake QQ latency ${qqLatencyMs} ms —`);
    const pass = await runPass({ ...options, qqLatencyMs }, build, machine);
    passes.push(pass.results);
    failed += pass.failed;
  }
  compareLogins(passes, { root: ROOT, write: only === null && !options.profile });
  console.log(`\n${Math.round((performance.now() - started) / 1000)} s in all`);
  return failed > 0 ? 1 : 0;
}

/**
 * One pass at one fake-QQ latency: fresh runtimes and D1, every route, the results files.
 * @param {import('./lib/types.ts').Options} passOptions
 * @param {Awaited<ReturnType<typeof buildAll>>} build
 * @param {ReturnType<typeof machineInfo>} machine
 */
async function runPass(passOptions, build, machine) {
  const started = performance.now();
  const { only } = passOptions;
  const runtimes = await startRuntimes(session, ROOT, build, passOptions);
  const fixture = await seed(runtimes, ROOT, passOptions.filler);
  const selected = selectRoutes(routes(fixture), only);

  const context = { session, runtimes, options: passOptions };
  const rows = await measureRoutes(selected, { ...context, out: OUT, workerBundle: build.worker.entry, resetQQ: fixture.resetQQ });
  const calibration = !only || only.includes('calibration') ? await calibrate({ ...context, fixture }) : {};
  let logins = null;
  let loginsFailed = 0;
  if (withLogins(only)) {
    console.log('whole logins, side by side:');
    const django = await startDjango(session, ROOT, {
      qq: runtimes.fake.urls['fake-qq'] ?? '',
      settings: runtimes.settings,
      filler: passOptions.filler,
      openid: fixture.returningOpenid,
      mobile: SEED_MOBILE,
    });
    const loginRows = await measureLogins(loginTargets(runtimes, django), { ...context, django, fixture });
    logins = summarizeLogins(loginRows, passOptions);
    loginsFailed = loginFailures(loginRows).length;
  }

  const results = summarize({
    root: ROOT,
    options: passOptions,
    machine,
    storage: session.storage(),
    poolMargin: POOL_MARGIN,
    rows,
    calibration,
    runtimes,
    bundle: build.bundle,
    worker: build.worker,
    startupProfile: build.startupProfile,
    logins,
  });
  printSummary(results, rows, runtimes.coldStartSamples);
  if (logins) console.log(`\n${loginTable(logins, passOptions.qqLatencyMs)}`);
  results.total_s = Math.round((performance.now() - started) / 100) / 10;
  writeResults(results, rows, { root: ROOT, out: OUT, partial: only !== null || passOptions.profile });
  return { results, failed: failures(rows).length + loginsFailed };
}

/**
 * Whole logins run with every route, or when --routes names "logins".
 * @param {string[] | null} only
 */
function withLogins(only) {
  return only === null || only.includes('logins');
}
