// Whole returning-user logins, side by side: the worker, the floor worker and the seeds'
// Django stack, one after the other against the same fake QQ. `--connections` clients each
// loop a whole login for `--duration` seconds (the worker: authorization, then the callback
// with that state and its login cookie; the floor: its callback; Django: meiduo's
// authorization URL, then its callback). QQ codes are generated beforehand, a pool per
// server sized from a warm-up. Server CPU is read from /proc for all of its processes.
import http from 'node:http';
import { parallel } from './client.mjs';
import { cpuBetween, cpuMs, machineBusyMs, ownCpuMs } from './proc.mjs';
import { sleep } from './measure.mjs';
import { CLIENT_HEADERS, LOGIN_COOKIE } from './seed.mjs';

/** @import { LoginOutcome, LoginResult, LoginRow, LoginTargetName, Options } from './types.ts' */
/** @import { Runtimes, Session } from './runtimes.mjs' */
/** @import { Fixture } from './seed.mjs' */
/** @import { Django } from './django.mjs' */
/** @typedef {(url: string, headers: Record<string, string>) => Promise<{ status: number, headers: http.IncomingHttpHeaders, body: string }>} Get */
/** @typedef {{ name: LoginTargetName, label: string, what: string, pids: () => number[], login: (get: Get, code: string) => Promise<LoginOutcome> }} Target */

const WARMUP_PER_CONNECTION = 10;
/** Codes over the warm-up's rate × duration (a warm server runs faster than its warm-up; codes are cheap). */
const POOL_MARGIN = 2;
const POOL_MAX = 40_000;
const PREP_CONCURRENCY = 32;
const TIMEOUT_MS = 30_000;
const MAX_SAMPLES = 3;
/** As axios sends it from the seeds' pages. */
const DJANGO_HEADERS = { accept: 'application/json, text/plain, */*', 'accept-language': CLIENT_HEADERS['accept-language'] };

/**
 * @param {Runtimes} runtimes
 * @param {Django} django
 * @returns {Target[]}
 */
export function loginTargets({ worker, floor }, django) {
  const W = worker.urls.worker;
  const F = floor.urls.floor;
  return [
    {
      name: 'worker',
      label: 'worker',
      what: 'GET /oauth/qq/authorization?next=/orders, then GET /oauth/qq/callback?code&state with its login cookie',
      pids: () => [worker.pid],
      async login(get, code) {
        const a = await get(`${W}/oauth/qq/authorization?next=/orders`, CLIENT_HEADERS);
        const state = a.status === 200 ? parse(a.body)?.state : undefined;
        const cookie = [a.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith(LOGIN_COOKIE));
        if (typeof state !== 'string' || cookie === undefined) return failed('authorization', a);
        const c = await get(`${W}/oauth/qq/callback?code=${code}&state=${encodeURIComponent(state)}`, { ...CLIENT_HEADERS, cookie });
        const body = c.status === 200 ? parse(c.body) : null;
        return body?.status === 'logged_in' && typeof body.token === 'string' ? { ok: true } : failed('callback', c);
      },
    },
    {
      name: 'floor',
      label: 'floor worker',
      what: 'GET /callback?code',
      pids: () => [floor.pid],
      async login(get, code) {
        const c = await get(`${F}/callback?code=${code}`, {});
        const body = c.status === 200 ? parse(c.body) : null;
        return typeof body?.token === 'string' ? { ok: true } : failed('callback', c);
      },
    },
    {
      name: 'django',
      label: 'Django (seeds)',
      what: 'GET /oauth/qq/authorization/?next=/orders, then GET /oauth/qq/user/?code&state (state = next, unchecked)',
      pids: django.pids,
      async login(get, code) {
        const a = await get(`${django.url}/oauth/qq/authorization/?next=/orders`, DJANGO_HEADERS);
        const loginUrl = a.status === 200 ? parse(a.body)?.login_url : undefined;
        const state = typeof loginUrl === 'string' ? new URL(loginUrl).searchParams.get('state') : null;
        if (state === null) return failed('authorization', a);
        const c = await get(`${django.url}/oauth/qq/user/?code=${code}&state=${encodeURIComponent(state)}`, DJANGO_HEADERS);
        const body = c.status === 200 ? parse(c.body) : null;
        return typeof body?.token === 'string' ? { ok: true } : failed('callback', c);
      },
    },
  ];
}

/**
 * Warm-up, code pool and timed run for each target in turn; one printed line each.
 * @param {Target[]} targets
 * @param {{ session: Session, runtimes: Runtimes, django: Django, fixture: Fixture, options: Options }} context
 * @returns {Promise<LoginRow[]>}
 */
export async function measureLogins(targets, { session, runtimes, django, fixture, options }) {
  const { connections, durationS } = options;
  /** @param {number} n @returns {Promise<string[]>} */
  const codes = (n) => parallel(n, PREP_CONCURRENCY, () => fixture.qqCode(fixture.returningOpenid));
  // Every process of the bench, so that what the rest of the machine did can be told apart.
  const benchPids = () => ({ worker: [runtimes.worker.pid], floor: [runtimes.floor.pid], django: django.pids(), fake_qq_and_hook: [runtimes.fake.pid] });
  /** @type {LoginRow[]} */
  const rows = [];
  for (const target of targets) {
    await fixture.resetQQ();
    const prepStarted = performance.now();
    const context = { target, connections, benchPids, onStart: (/** @type {{ stop(): void }} */ run) => (session.activeRun = run) };
    const warmupLogins = WARMUP_PER_CONNECTION * connections;
    const warm = await loginRun({ ...context, pool: await codes(warmupLogins) });
    const pool = await codes(Math.min(POOL_MAX, Math.ceil(warm.logins_per_s * durationS * POOL_MARGIN) + 4 * connections));
    const prepS = (performance.now() - prepStarted) / 1000;
    const result = await loginRun({ ...context, pool, durationS });
    session.activeRun = null;
    await sleep(300);
    /** @type {LoginRow} */
    const row = {
      target: target.name,
      label: target.label,
      what: target.what,
      ...result,
      prep_s: round(prepS),
      warmup: { logins: warm.logins, logins_per_s: warm.logins_per_s, errors: warm.errors },
    };
    rows.push(row);
    console.log(
      `  logins: ${row.label.padEnd(15)} ${String(row.logins_per_s).padStart(7)} logins/s  p50 ${row.p50_ms} ms  p99 ${row.p99_ms} ms  errors ${row.errors}  CPU/login ${row.cpu_ms_per_login} ms  (${row.logins} logins, prep ${row.prep_s} s)`,
    );
    if (row.other_load_cores >= 0.2) console.log(`    ! other processes on this machine used ${row.other_load_cores} cores meanwhile`);
    if (row.pool_exhausted) console.log(`    ! the code pool ran out after ${row.elapsed_s} s; figures are over that time`);
    for (const s of [...warm.samples, ...row.samples].slice(0, MAX_SAMPLES)) console.log(`    ! ${s}`);
  }
  const djangoErrors = [...new Set(django.logs.lines)].slice(0, 3);
  for (const line of djangoErrors) console.log(`    log django: ${line} (${django.logs.lines.length} warning/error lines so far)`);
  return rows;
}

/**
 * `connections` loops, each doing whole logins one after the other until the duration is
 * up (or `pool.length` logins for a warm-up); logins in flight at the end are waited for,
 * and the run's time and CPU go up to the last answer.
 * @param {{ target: Target, pool: string[], connections: number, durationS?: number,
 *   benchPids: () => Record<string, number[]>, onStart: (run: { stop(): void }) => void }} o
 * @returns {Promise<LoginResult>}
 */
async function loginRun({ target, pool, connections, durationS, benchPids, onStart }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  /** @type {Get} */
  const get = (url, headers) =>
    new Promise((resolve, reject) => {
      const req = http.get(url, { agent, headers, timeout: TIMEOUT_MS }, (/** @type {http.IncomingMessage} */ res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (/** @type {string} */ chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', reject);
    });
  /** @type {number[]} */
  const latencies = [];
  /** @type {string[]} */
  const samples = [];
  let errors = 0;
  let stopped = false;
  let exhausted = false;
  onStart({ stop: () => (stopped = true) });

  const pids = { server: target.pids(), ...Object.fromEntries(Object.entries(benchPids()).filter(([name]) => name !== target.name)) };
  const before = snapshot(pids);
  const started = performance.now();
  const deadline = durationS === undefined ? Infinity : started + durationS * 1000;
  const lane = async () => {
    while (!stopped && performance.now() < deadline) {
      const code = pool.pop();
      if (code === undefined) {
        exhausted = durationS !== undefined;
        return;
      }
      const t0 = performance.now();
      /** @type {LoginOutcome} */
      const outcome = await target.login(get, code).catch((err) => ({ ok: false, sample: `socket: ${err instanceof Error ? err.message : err}` }));
      if (outcome.ok) latencies.push(performance.now() - t0);
      else if (++errors <= MAX_SAMPLES) samples.push(outcome.sample);
    }
  };
  await Promise.all(Array.from({ length: connections }, lane));
  const elapsed = (performance.now() - started) / 1000;
  const after = snapshot(pids);
  agent.destroy();

  const n = latencies.length;
  latencies.sort((a, b) => a - b);
  /** @param {number} p */
  const pct = (p) => (n === 0 ? null : round(latencies[Math.min(n - 1, Math.ceil(p * n) - 1)] ?? 0));
  const { perUnit: byProcess, otherCores } = cpuBetween(before, after, n, elapsed);
  const serverMs = (after.server ?? 0) - (before.server ?? 0);
  return {
    logins: n,
    elapsed_s: round(elapsed, 2),
    logins_per_s: round(n / elapsed),
    p50_ms: pct(0.5),
    p99_ms: pct(0.99),
    errors,
    error_rate: n + errors === 0 ? 0 : errors / (n + errors),
    samples,
    cpu_ms_per_login: n === 0 ? null : round(serverMs / n, 3),
    cpu_ms_per_login_by_process: byProcess,
    server_cores_used: round(serverMs / 1000 / elapsed, 2),
    other_load_cores: round(otherCores, 2),
    pool_exhausted: exhausted,
  };
}

/**
 * CPU so far, ms, of each group of processes, of this process (the load generator) and of the machine.
 * @param {Record<string, number[]>} groups
 */
function snapshot(groups) {
  /** @type {Record<string, number>} */
  const cpu = { load_generator: ownCpuMs(), machine: machineBusyMs() };
  for (const [role, pids] of Object.entries(groups)) {
    cpu[role] = pids.reduce((sum, pid) => {
      try {
        return sum + cpuMs(pid);
      } catch {
        return sum; // gone meanwhile
      }
    }, 0);
  }
  return cpu;
}

/**
 * The rows of a pass with their ratios to the floor (logins per second, CPU per login).
 * @param {LoginRow[]} rows
 * @param {Options} options
 */
export function summarizeLogins(rows, { connections, durationS }) {
  const floor = rows.find((r) => r.target === 'floor');
  /** @param {number | null | undefined} a @param {number | null | undefined} b */
  const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);
  return {
    connections,
    duration_s: durationS,
    servers: Object.fromEntries(
      rows.map((r) => [
        r.target,
        {
          ...r,
          logins_per_s_vs_floor: ratio(r.logins_per_s, floor?.logins_per_s),
          cpu_vs_floor: ratio(r.cpu_ms_per_login, floor?.cpu_ms_per_login),
        },
      ]),
    ),
  };
}

/** @typedef {ReturnType<typeof summarizeLogins>} LoginSummary */

/**
 * The table of one pass.
 * @param {LoginSummary} summary
 * @param {number} qqLatencyMs
 */
export function loginTable(summary, qqLatencyMs) {
  const head = ['server', 'logins/s', 'p50 ms', 'p99 ms', 'errors', 'CPU ms/login', 'logins/s ÷ floor', 'CPU ÷ floor'];
  /** @param {number | null | undefined} x */
  const fmt = (x, digits = 1) => (x === null || x === undefined ? '-' : x.toFixed(digits));
  const body = Object.values(summary.servers).map((r) => [
    r.label,
    fmt(r.logins_per_s),
    fmt(r.p50_ms),
    fmt(r.p99_ms),
    r.errors === 0 ? '0' : `${r.errors} (${(r.error_rate * 100).toFixed(1)}%)`,
    fmt(r.cpu_ms_per_login, 2),
    fmt(r.logins_per_s_vs_floor, 2),
    fmt(r.cpu_vs_floor, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]?.length ?? 0)));
  /** @param {string[]} cells */
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [
    `full returning-user logins, fake QQ latency ${qqLatencyMs} ms: ${summary.connections} clients × ${summary.duration_s} s per server, each looping a whole login`,
    line(head),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...body.map(line),
  ].join('\n');
}

/**
 * The servers whose logins failed the bench (over 1% errors, or none at all), printed with samples.
 * @param {LoginRow[]} rows
 */
export function loginFailures(rows) {
  const failed = rows.filter((r) => r.error_rate > 0.01 || r.logins === 0);
  for (const r of failed) {
    console.error(`FAILED: logins on ${r.label}: ${r.errors} errors in ${r.logins + r.errors} logins (${(r.error_rate * 100).toFixed(1)}%)`);
    for (const s of r.samples) console.error(`  sample ${s}`);
  }
  return failed;
}

/** @param {string} step @param {{ status: number, body: string }} res @returns {LoginOutcome} */
function failed(step, res) {
  return { ok: false, sample: `${step} ${res.status}: ${res.body.slice(0, 300)}` };
}

/** @param {string} text @returns {any} */
function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** @param {number} x */
const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
