// Measures each route in turn: its pool of single-use data, a warm-up, the timed run (and a
// CPU profile with --profile), then one printed line with anything that went wrong.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { load } from './load.mjs';
import { bundleSections, inspect, saveProfile, selfTimeByOrigin } from './profile.mjs';
import { CLIENT_HEADERS } from './seed.mjs';
import { logLinesSince } from './miniflare.mjs';

/** @import { Options, PoolItem, Route, Row } from './types.ts' */
/** @import { Runtimes, Session } from './runtimes.mjs' */

// Single-use data (states, codes, tickets) is generated before each timed run, sized from
// the warm-up's rate with this margin; a run that still runs out stops early and says so.
export const POOL_MARGIN = 1.5;
const POOL_MAX = 40_000;

/**
 * @param {Route[]} routes
 * @param {{ session: Session, runtimes: Runtimes, options: Options, out: string, workerBundle: string, resetQQ: () => Promise<unknown> }} context
 * @returns {Promise<Row[]>}
 */
export async function measureRoutes(routes, { session, runtimes, options, out, workerBundle, resetQQ }) {
  const { worker, floor, fake } = runtimes;
  const { connections, durationS } = options;
  /** @param {{ stop(): void }} run */
  const onStart = (run) => (session.activeRun = run);
  /** @type {Row[]} */
  const rows = [];
  for (const route of routes) {
    const onFloor = route.target === 'floor';
    const target = onFloor ? floor : worker;
    const url = target.urls[route.script ?? (onFloor ? 'floor' : 'worker')];
    if (url === undefined) throw new Error(`no URL for ${route.name}`);
    const request = { ...route.request, headers: { ...(onFloor ? {} : CLIENT_HEADERS), ...route.request.headers } };
    const other = onFloor ? worker : floor;
    const pids = { target: target.pid, fake_qq_and_hook: fake.pid, [onFloor ? 'worker' : 'floor']: other.pid };
    // Empties the fake's code, token and call logs between routes (preset users stay).
    await resetQQ();
    const logFrom = target.logs.lines.length;

    /** @type {PoolItem[]} */
    let pool = [];
    const next = route.pool ? () => pool.pop() ?? null : route.generator;
    const prepStarted = performance.now();
    if (route.pool) pool = await route.pool(route.warmup + 2 * connections);
    const capture = route.capture;
    const warm = await load({ url, request, next, connections, amount: route.warmup, pids, onStart, capture });
    if (route.pool) {
      const need = Math.min(POOL_MAX, Math.ceil(warm.rps * durationS * (route.margin ?? POOL_MARGIN)) + 4 * connections);
      pool = await route.pool(need);
    }
    const prepS = (performance.now() - prepStarted) / 1000;
    const profiler = options.profile ? await inspect(target, `core:user:${onFloor ? 'floor' : 'worker'}`) : null;
    await profiler?.start();
    const result = await load({ url, request, next, connections, duration: durationS, pids, onStart, capture });
    /** @type {Record<string, number> | undefined} */
    let profileShares;
    if (profiler) {
      const profile = await profiler.stop();
      profiler.close();
      mkdirSync(path.join(out, 'profiles'), { recursive: true });
      saveProfile(path.join(out, 'profiles', `${route.name}.cpuprofile`), profile);
      const sectionOf = onFloor ? () => 'floor' : bundleSections(workerBundle);
      const shares = Object.entries(selfTimeByOrigin(profile, sectionOf)).sort((a, b) => b[1] - a[1]);
      const total = shares.reduce((sum, [, ms]) => sum + ms, 0);
      profileShares = Object.fromEntries(shares.map(([k, ms]) => [k, Math.round((ms / total) * 1000) / 10]));
    }
    session.activeRun = null;
    // Requests still in flight when autocannon hung up finish before the next route resets
    // the fake QQ (else they log QQ errors and spend CPU in the next measurement).
    await sleep(Math.max(300, 4 * options.qqLatencyMs + 100));
    await route.after?.();

    /** @type {Row} */
    const row = {
      name: route.name,
      label: route.label,
      kind: route.kind ?? 'worker',
      method: request.method,
      path: route.request.path,
      ...result,
      ...(profileShares ? { profile_shares: profileShares } : {}),
      prep_s: Math.round(prepS * 10) / 10,
      warmup: { requests: warm.requests, rps: warm.rps, errors: warm.errors },
    };
    rows.push(row);
    printRow(row, warm.samples, logLinesSince(target, logFrom));
  }
  return rows;
}

/**
 * @param {Row} row
 * @param {Row['samples']} warmSamples
 * @param {ReturnType<typeof logLinesSince>} logs  the target's warnings and errors during the route
 */
function printRow(row, warmSamples, logs) {
  const cpuNote = `CPU/req ${row.cpu_ms_per_req} ms`;
  console.log(
    `  ${row.name.padEnd(22)} ${String(row.rps).padStart(8)} rps  p50 ${row.p50_ms} ms  p99 ${row.p99_ms} ms  errors ${row.errors}  ${cpuNote}  (${row.requests} req, prep ${row.prep_s} s)`,
  );
  if (row.profile_shares) {
    const top = Object.entries(row.profile_shares).slice(0, 7);
    console.log(`    profile, self time in the isolate: ${top.map(([k, pct]) => `${k} ${Math.round(pct)}%`).join(', ')}`);
  }
  if (row.other_load_cores >= 0.2) console.log(`    ! other processes on this machine used ${row.other_load_cores} cores meanwhile`);
  if (row.pool_exhausted) console.log(`    ! the request pool ran out after ${row.elapsed_s} s; figures are over that time`);
  for (const s of [...warmSamples, ...row.samples].slice(0, 3)) console.log(`    ! ${s.status}: ${s.body}`);
  const distinct = [...new Set(logs.map((l) => `${l.level}: ${l.message}`))];
  for (const l of distinct.slice(0, 3)) console.log(`    log ${l}${logs.length > 1 ? ` (${logs.length} warn/error lines in this run)` : ''}`);
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
