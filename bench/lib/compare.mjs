// After the passes (one per fake-QQ latency): the returning-user login against the floor
// worker at each latency, side by side, with the bundle's size and its script startup,
// printed and written to bench/results/login-vs-floor.json.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** @import { Results } from './results.mjs' */

/**
 * @param {Results[]} passes
 * @param {{ root: string, write: boolean }} where  write: false for partial or profiled runs
 */
export function compareLogins(passes, { root, write }) {
  const [first] = passes;
  if (first === undefined) return;
  const rows = passes.map((p) => ({ qq_latency_ms: p.qq_latency_ms, ...p.login_vs_floor }));
  const comparison = {
    date: new Date().toISOString(),
    source: first.source,
    what: 'worker: GET /oauth/qq/authorization + GET /oauth/qq/callback for a returning user; floor: bench/floor GET /callback (no state)',
    logins: rows,
    bundle_gzip_bytes: first.bundle.gzip_bytes,
    wrangler_total_upload: first.bundle.wrangler_total_upload,
    script_startup_cpu_ms: first.startup.script_startup_ms,
    script_startup_source: first.startup.script_startup_source,
  };
  const cell = (/** @type {unknown} */ v) => (v === undefined || v === null ? '-' : String(v));
  const lines = [
    '',
    'returning-user login vs the floor worker (CPU per login, logins per second; ratio = worker / floor)',
    'QQ latency | CPU ms/login worker | floor | ratio | logins/s worker | floor | ratio',
    ...rows.map(
      (r) =>
        `${`${r.qq_latency_ms} ms`.padStart(10)} | ${cell(r.worker_cpu_ms_per_login).padStart(19)} | ${cell(r.floor_cpu_ms_per_login).padStart(5)} | ${cell(r.cpu_ratio).padStart(5)} | ${cell(r.worker_logins_per_s).padStart(15)} | ${cell(r.floor_logins_per_s).padStart(5)} | ${cell(r.throughput_ratio).padStart(5)}`,
    ),
    `bundle: gzip ${(comparison.bundle_gzip_bytes / 1024).toFixed(1)} KiB (wrangler: ${comparison.wrangler_total_upload ?? 'n/a'}); script startup ${cell(comparison.script_startup_cpu_ms)} ms CPU (${comparison.script_startup_source})`,
  ];
  console.log(lines.join('\n'));
  if (write) {
    writeFileSync(path.join(root, 'bench/results/login-vs-floor.json'), `${JSON.stringify(comparison, null, 2)}\n`);
    console.log('comparison: bench/results/login-vs-floor.json');
  }
}
