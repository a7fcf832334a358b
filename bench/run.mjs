// `npm run bench [-- --qq-latency 50]`: throughput, latency and CPU per request of every
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
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrate } from './lib/calibration.mjs';
import { POOL_MARGIN, measureRoutes } from './lib/measure.mjs';
import { readOptions } from './lib/options.mjs';
import { machineInfo } from './lib/proc.mjs';
import { failures, printSummary, summarize, writeResults } from './lib/results.mjs';
import { routes, selectRoutes } from './lib/routes.mjs';
import { Session, buildAll, startRuntimes } from './lib/runtimes.mjs';
import { seed } from './lib/seed.mjs';

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
  const { qqLatencyMs, durationS, connections, only } = options;
  console.log(`bench: fake QQ latency ${qqLatencyMs} ms, ${durationS} s × ${connections} connections per route, ${machine.nproc} × ${machine.cpu_model}`);

  const build = await buildAll(ROOT, OUT, options);
  const runtimes = await startRuntimes(session, ROOT, build, options);
  const fixture = await seed(runtimes, ROOT, options.filler);
  const selected = selectRoutes(routes(fixture), only);

  const context = { session, runtimes, options };
  const rows = await measureRoutes(selected, { ...context, out: OUT, workerBundle: build.worker.entry, resetQQ: fixture.resetQQ });
  const calibration = !only || only.includes('calibration') ? await calibrate({ ...context, fixture }) : {};

  const results = summarize({
    root: ROOT,
    options,
    machine,
    storage: session.storage(),
    poolMargin: POOL_MARGIN,
    rows,
    calibration,
    runtimes,
    bundle: build.bundle,
    worker: build.worker,
    startupProfile: build.startupProfile,
  });
  printSummary(results, rows, runtimes.coldStartSamples);
  results.total_s = Math.round((performance.now() - started) / 100) / 10;
  writeResults(results, rows, { root: ROOT, out: OUT, partial: only !== null || options.profile });
  return failures(rows).length > 0 ? 1 : 0;
}
