// The results of a run: one JSON document (bench/results/*.json), its chart (*.svg), the
// printed table and summary lines, and the verdict (which routes failed).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { svg, table } from './report.mjs';

/** @import { Build, Calibration, Options, Row, StartupSample } from './types.ts' */
/** @import { Runtimes } from './runtimes.mjs' */
/** @import { machineInfo } from './proc.mjs' */
/** @import { bundleSize, bundleComposition } from './build.mjs' */
/** @import { scriptStartup } from './startup.mjs' */
/** @import { LoginSummary } from './logins.mjs' */

/**
 * @typedef {ReturnType<typeof bundleSize> & { wrangler_total_upload: string | null, by_package: ReturnType<typeof bundleComposition> }} Bundle
 * @typedef {{
 *   root: string, options: Options, machine: ReturnType<typeof machineInfo>, storage: string, poolMargin: number,
 *   rows: Row[], calibration: Calibration, runtimes: Runtimes, bundle: Bundle, worker: Build,
 *   startupProfile: Awaited<ReturnType<typeof scriptStartup>>, logins: LoginSummary | null,
 * }} Inputs
 */

/** @param {Inputs} i */
export function summarize({ root, options, machine, storage, poolMargin, rows, calibration, runtimes, bundle, worker, startupProfile, logins }) {
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  const { coldStarts } = runtimes;
  /** @param {(s: StartupSample) => number | undefined} pick */
  const medianOf = (pick) => ({ worker: median(coldStarts.worker.map(pick)), floor: median(coldStarts.floor.map(pick)) });
  const healthz = medianOf((s) => s.first_health_ms);
  const cpu = medianOf((s) => s.cpu_ms);
  const startup = {
    worker_first_healthz_ms: healthz.worker,
    floor_first_healthz_ms: healthz.floor,
    worker_startup_cpu_ms: cpu.worker,
    floor_startup_cpu_ms: cpu.floor,
    samples: coldStarts,
    // `wrangler check startup`'s "Active", median of its runs.
    script_startup_ms: startupProfile.check.median_ms,
    script_startup_samples_ms: startupProfile.check.samples_ms,
    script_startup_source: `wrangler check startup, median of ${startupProfile.check.samples_ms.length}`,
    // The same profiles without the profiler's fixed ~18–20 ms stall (startup.mjs).
    script_startup_sampled_ms: startupProfile.check.sampled_median_ms,
    // workerd's CPU per fresh import of the bundle, minus an empty worker's.
    script_import_cpu_ms: startupProfile.imports.script_ms,
    import_cpu: startupProfile.imports,
  };
  return {
    date: new Date().toISOString(),
    source: sourceInfo(root),
    qq_latency_ms: options.qqLatencyMs,
    settings: { duration_s: options.durationS, connections: options.connections, filler_accounts: options.filler, pool_margin: poolMargin, local_storage: storage },
    machine,
    routes: Object.fromEntries(
      rows.map((r) => [
        r.name,
        {
          label: r.label,
          kind: r.kind,
          method: r.method,
          path: r.path,
          rps: r.rps,
          p50_ms: r.p50_ms,
          p99_ms: r.p99_ms,
          errors: r.errors,
          cpu_ms_per_req: r.cpu_ms_per_req,
          requests: r.requests,
          elapsed_s: r.elapsed_s,
          statuses: r.statuses,
          cpu_ms_per_req_by_process: r.cpu_ms_per_req_by_process,
          cores_used: r.cores_used,
          other_load_cores: r.other_load_cores,
          pool_exhausted: r.pool_exhausted,
          warmup: r.warmup,
          ...(r.profile_shares ? { profile_shares_percent: r.profile_shares } : {}),
          ...(r.samples.length ? { error_samples: r.samples } : {}),
        },
      ]),
    ),
    floor_ratio: ratio(by.callback_returning, by.floor_callback),
    floor_cpu_ratio: cpuRatio(by.callback_returning, by.floor_callback),
    login_vs_floor: loginVsFloor(by.authorization, by.callback_returning, by.floor_callback),
    /** Whole logins measured side by side: the worker, the floor and the Django stack (bench/lib/logins.mjs). */
    full_logins: logins,
    pbkdf2_rps: by.pbkdf2?.rps ?? null,
    simulator_cpu_ms_per_op: Object.keys(calibration).length ? calibration : null,
    bind_vs_pbkdf2: ratio(by.bind, by.pbkdf2),
    login_vs_pbkdf2: ratio(by.login, by.pbkdf2),
    bundle,
    startup,
    build: { worker_build_ms: worker.build_ms ?? null, custom_build_ran: worker.custom_build_ran, custom_build_output: worker.custom_build_output ?? null },
    runtime_logs: { worker: runtimes.worker.logs.counts, floor: runtimes.floor.logs.counts, fake: runtimes.fake.logs.counts },
    /** @type {number | null} */
    total_s: null,
  };
}

/** @typedef {ReturnType<typeof summarize>} Results */

/**
 * The table and the summary lines.
 * @param {Results} results
 * @param {Row[]} rows
 * @param {number} coldStartSamples
 */
export function printSummary(results, rows, coldStartSamples) {
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  console.log(`\n${table(rows)}\n`);
  const [returning, floor] = [by.callback_returning, by.floor_callback];
  if (results.floor_ratio !== null && returning && floor) {
    console.log(
      `floor_ratio ${results.floor_ratio}: returning-user callback ${returning.rps} rps vs floor ${floor.rps} rps (CPU/req ${returning.cpu_ms_per_req} vs ${floor.cpu_ms_per_req} ms, ${results.floor_cpu_ratio}×)`,
    );
  }
  const login = results.login_vs_floor;
  if (login !== null) {
    console.log(
      `returning-user login derived from the two routes (authorization + callback) vs the floor's callback: CPU ${login.worker_cpu_ms_per_login} vs ${login.floor_cpu_ms_per_login} ms per login (${login.cpu_ratio}×), ${login.worker_logins_per_s} vs ${login.floor_logins_per_s} logins/s (${login.throughput_ratio}×)`,
    );
  }
  if (results.pbkdf2_rps !== null) {
    console.log(`PBKDF2: one 100,000-iteration derivation per request allows ${results.pbkdf2_rps} rps; bind runs at ${results.bind_vs_pbkdf2 ?? '-'}× and login at ${results.login_vs_pbkdf2 ?? '-'}× of it`);
  }
  const c = results.simulator_cpu_ms_per_op;
  if (c?.noop && c.d1_read && c.kv_get && c.kv_put && c.kv_delete && c.fetch) {
    console.log(
      `local simulators, CPU per operation in the runtime process: D1 read ${c.d1_read.cpu_ms_per_op} ms, KV get ${c.kv_get.cpu_ms_per_op} ms, KV put ${c.kv_put.cpu_ms_per_op} ms, KV delete ${c.kv_delete.cpu_ms_per_op} ms; an outbound fetch ${c.fetch.cpu_ms_per_op} ms (a bare request: ${c.noop.cpu_ms_per_req} ms)`,
    );
    if (c.event_line) console.log(`  one event line (console.log of the contract's object), formatted and handed to Miniflare: ${c.event_line.cpu_ms_per_op} ms`);
  }
  const { bundle, startup } = results;
  console.log(
    `bundle: bench/.out/worker/index.js ${bundle.raw_bytes.toLocaleString('en-US')} bytes, gzip ${bundle.gzip_bytes.toLocaleString('en-US')} bytes (wrangler: ${bundle.wrangler_total_upload ?? 'n/a'})`,
  );
  if (bundle.by_package) {
    const top = Object.entries(bundle.by_package).slice(0, 5);
    console.log(`  largest parts: ${top.map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)} KiB`).join(', ')}`);
  }
  console.log(
    `startup: new Miniflare → first /healthz ${startup.worker_first_healthz_ms} ms, workerd CPU ${startup.worker_startup_cpu_ms} ms (floor worker: ${startup.floor_first_healthz_ms} ms, ${startup.floor_startup_cpu_ms} ms CPU; medians of ${coldStartSamples})`,
  );
  console.log(
    `  script startup: wrangler check startup ${startup.script_startup_ms} ms (median of ${startup.script_startup_samples_ms.join(', ')}), ${startup.script_startup_sampled_ms} ms without the profiler's ~20 ms stall; workerd CPU per fresh import ${startup.import_cpu.bundle_ms} ms, empty worker ${startup.import_cpu.empty_ms} ms: the script's own ${startup.script_import_cpu_ms} ms`,
  );
}

/**
 * A full run's results go to bench/results (latest.* and qq-latency-<N>ms.*); a partial or
 * profiled one's to bench/.out/partial.*, leaving the committed figures alone.
 * @param {Results} results
 * @param {Row[]} rows
 * @param {{ root: string, out: string, partial: boolean }} where
 */
export function writeResults(results, rows, { root, out, partial }) {
  const dir = path.join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const chart = svg(results, rows);
  if (partial) {
    writeFileSync(path.join(out, 'partial.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(out, 'partial.svg'), chart);
    console.log(`\n--routes or --profile given: results in bench/.out/partial.json (latest.json untouched); ${results.total_s} s`);
  } else {
    for (const name of ['latest', `qq-latency-${results.qq_latency_ms}ms`]) {
      writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
      writeFileSync(path.join(dir, `${name}.svg`), chart);
    }
    console.log(`\nresults: bench/results/latest.json, latest.svg (and qq-latency-${results.qq_latency_ms}ms.*); ${results.total_s} s`);
  }
}

/**
 * The routes that failed the bench (over 1% errors, or no answer at all), printed with
 * their sample answers.
 * @param {Row[]} rows
 */
export function failures(rows) {
  const failed = rows.filter((r) => r.error_rate > 0.01 || r.requests === 0);
  for (const r of failed) {
    console.error(`FAILED: ${r.name}: ${r.errors} errors in ${r.requests} responses (${(r.error_rate * 100).toFixed(1)}%), statuses ${JSON.stringify(r.statuses)}`);
    for (const s of r.samples) console.error(`  sample ${s.status}: ${s.body}`);
  }
  return failed;
}

/**
 * A whole returning-user login on the worker is two requests (authorization, then the
 * callback), on the floor one (its callback needs no state): CPU per login adds up, and
 * logins per second combine as requests made one after the other on each connection
 * (1 / (1/rps_a + 1/rps_b)), which holds whether the run is CPU-bound or waits on QQ.
 * @param {Row | undefined} authorization
 * @param {Row | undefined} callback
 * @param {Row | undefined} floor
 */
function loginVsFloor(authorization, callback, floor) {
  if (!authorization?.rps || !callback?.rps || !floor?.rps || !authorization.cpu_ms_per_req || !callback.cpu_ms_per_req || !floor.cpu_ms_per_req) return null;
  const round = (/** @type {number} */ x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
  const workerCpu = authorization.cpu_ms_per_req + callback.cpu_ms_per_req;
  const workerRate = 1 / (1 / authorization.rps + 1 / callback.rps);
  return {
    worker_cpu_ms_per_login: round(workerCpu),
    floor_cpu_ms_per_login: round(floor.cpu_ms_per_req),
    cpu_ratio: round(workerCpu / floor.cpu_ms_per_req),
    worker_logins_per_s: round(workerRate, 0),
    floor_logins_per_s: round(floor.rps, 0),
    throughput_ratio: round(workerRate / floor.rps),
  };
}

/**
 * @param {Row | undefined} a
 * @param {Row | undefined} b
 */
function ratio(a, b) {
  return a && b && b.rps > 0 ? Math.round((a.rps / b.rps) * 100) / 100 : null;
}

/**
 * @param {Row | undefined} a
 * @param {Row | undefined} b
 */
function cpuRatio(a, b) {
  return a?.cpu_ms_per_req && b?.cpu_ms_per_req ? Math.round((a.cpu_ms_per_req / b.cpu_ms_per_req) * 100) / 100 : null;
}

/** @param {(number | undefined)[]} xs */
function median(xs) {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return v.length === 0 ? null : v[Math.floor((v.length - 1) / 2)] ?? null;
}

/**
 * The commit benchmarked, and whether src/ had uncommitted changes (others edit it concurrently).
 * @param {string} root
 */
function sourceInfo(root) {
  /** @param {string[]} args */
  const git = (...args) => {
    try {
      return String(execFileSync('git', args, { cwd: root, encoding: 'utf8' })).trim();
    } catch {
      return null;
    }
  };
  const dirty = git('status', '--porcelain', '--', 'src', 'wrangler.toml', 'package.json');
  return { commit: git('rev-parse', '--short', 'HEAD'), src_uncommitted_changes: dirty === null ? null : dirty.length > 0 };
}
