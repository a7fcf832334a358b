// `npm run test:e2e`: starts the fake QQ and the worker (see system.mjs), runs the browser
// scenarios (test/e2e/*.test.mjs) against them with node's test runner, stops every process
// it started, and ends with a plain "N passed, N failed" line. Words after `--` pick files.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { startSystem } from './system.mjs';

const RESULTS = 'test-results/e2e';
const only = process.argv.slice(2);
mkdirSync(RESULTS, { recursive: true });
const logFile = join(RESULTS, 'system.log');

/** @type {Awaited<ReturnType<typeof startSystem>>} (set below, or the process exits) */
let system = /** @type {any} */ (undefined);
try {
  system = await startSystem({ logFile });
} catch (err) {
  console.error(`could not start the system (see ${logFile}): ${err instanceof Error ? err.message : err}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
let stopping = null;
const stop = () => (stopping ??= system.stop());
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await stop();
    process.exit(130);
  });
}

let passed = 0;
let failed = 0;
try {
  const files = readdirSync('test/e2e')
    .filter((/** @type {string} */ name) => name.endsWith('.test.mjs'))
    // `npm run test:e2e -- login-path`: only the files whose names contain one of the words.
    .filter((/** @type {string} */ name) => only.length === 0 || only.some((/** @type {string} */ word) => name.includes(word)))
    .map((/** @type {string} */ name) => join('test/e2e', name));
  // Each test file runs in a child process, which inherits these.
  Object.assign(process.env, {
    E2E_WORKER_URL: system.workerUrl,
    E2E_QQ_URL: system.qqUrl,
    E2E_WORKER_STATE: system.persistTo,
    E2E_LOG: logFile,
    E2E_RESULTS: RESULTS,
  });
  const stream = run({ files, concurrency: 1, timeout: 10 * 60 * 1000 });
  /** @typedef {{ details: { type?: string }, nesting: number }} TestEvent */
  stream.on('test:pass', (/** @type {TestEvent} */ event) => {
    if (event.details.type !== 'suite' && event.nesting === 0) passed++;
  });
  stream.on('test:fail', (/** @type {TestEvent} */ event) => {
    if (event.details.type !== 'suite' && event.nesting === 0) failed++;
  });
  await new Promise((resolve, reject) => {
    stream.compose(spec).on('end', resolve).on('error', reject).pipe(process.stdout, { end: false });
  });
} finally {
  await stop();
}
console.log(`screenshots and the system log: ${RESULTS}/`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
