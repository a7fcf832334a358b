// `npm run bench [-- --qq-latency 50]`: throughput, latency and CPU per request of every
// route of the worker, served from its deploy bundle in the Workers runtime (workerd,
// through Miniflare), against the fake QQ, next to a floor worker that does only the
// unavoidable work of a returning-user login. See bench/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { call, cookieFrom, parallel } from './lib/client.mjs';
import { load } from './lib/load.mjs';
import { bundleSections, inspect, saveProfile, selfTimeByOrigin } from './lib/profile.mjs';
import { machineInfo } from './lib/proc.mjs';
import { svg, table } from './lib/report.mjs';
import {
  applyMigrations,
  buildBundle,
  bundleComposition,
  bundleSize,
  copyAccounts,
  insertFiller,
  killChildren,
  logLinesSince,
  readDevVars,
  readWranglerToml,
  scriptStartup,
  startInstance,
} from './lib/services.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench/.out');
const RESULTS = path.join(ROOT, 'bench/results');

const { values: args } = parseArgs({
  options: {
    'qq-latency': { type: 'string', default: '0' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    filler: { type: 'string', default: '10000' },
    routes: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(`npm run bench -- [--qq-latency MS] [--duration S] [--connections N] [--filler N] [--routes a,b] [--no-build] [--profile]
  --qq-latency   fake QQ answer delay per call, ms (default 0)
  --duration     seconds per route (default 8)
  --connections  concurrent connections (default 10)
  --filler       other accounts (user + QQ binding) in D1 (default 10000)
  --routes       only these routes ("calibration" for the D1/KV calibration)
                 (results then go to bench/.out/partial.json)
  --no-build     reuse the bundles in bench/.out (for iterating on the bench only)
  --profile      also take a V8 CPU profile of the target isolate during each run
                 (bench/.out/profiles/); profiling slows the worker, so such a run's
                 figures go to bench/.out/partial.json, never to bench/results`);
  process.exit(0);
}
const QQ_LATENCY_MS = nonNegative('qq-latency');
const DURATION_S = nonNegative('duration');
const CONNECTIONS = nonNegative('connections');
const FILLER = nonNegative('filler');

// Single-use data (states, codes, tickets) is generated before each timed run, sized from
// the warm-up's rate with this margin; a run that still runs out stops early and says so.
const POOL_MARGIN = 1.5;
const POOL_MAX = 40_000;
const PREP_CONCURRENCY = 16;
const COLD_START_SAMPLES = 3;
// Production always has the client's address (Cloudflare sets it), which turns on the
// worker's per-client password throttle; Miniflare's direct sockets do not add it.
const CLIENT_HEADERS = { 'cf-connecting-ip': '198.51.100.7', 'accept-language': 'zh-CN,zh;q=0.9' };
const PASSWORD = 'bench-password-0001';
const SEED_MOBILE = '13700000001';

// Local D1 and KV live in a temporary directory on tmpfs when there is one: Miniflare's
// default temp directory is on disk here, where every KV write waits for fsync (a bare
// worker doing one KV put manages ~200 req/s on disk, ~700 on tmpfs), which would measure
// the disk rather than the worker.
const STATE_DIR = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'qq-login-bench-'));
let stateDirs = 0;
const persistPath = () => path.join(STATE_DIR, String(++stateDirs));

// ---------------------------------------------------------------- cleanup, whatever happens
const instances = [];
let activeRun = null;
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    activeRun?.stop();
    for (const instance of instances.reverse()) {
      await instance.mf.dispose().catch((err) => console.error(`dispose ${instance.label}: ${err?.message ?? err}`));
    }
    removeStateDir();
  })();
  return cleaning;
}
function removeStateDir() {
  try {
    rmSync(STATE_DIR, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    console.error(`could not remove ${STATE_DIR}: ${err?.message ?? err}`);
  }
}
// Miniflare's own exit hook answers SIGINT/SIGTERM by killing its workerd processes and
// exiting at once, before an async cleanup could finish: the state directory goes on exit.
process.on('exit', () => {
  killChildren();
  removeStateDir();
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the runtimes…`);
    cleanup().finally(() => {
      console.error('stopped');
      process.exit(130);
    });
  });
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(`\nbench failed: ${err instanceof Error ? err.stack ?? err.message : err}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

async function main() {
  const started = performance.now();
  const machine = machineInfo();
  console.log(`bench: fake QQ latency ${QQ_LATENCY_MS} ms, ${DURATION_S} s × ${CONNECTIONS} connections per route, ${machine.nproc} × ${machine.cpu_model}`);

  // ------------------------------------------------------------------ bundles and startup
  const workerOut = path.join(OUT, 'worker');
  const fakeOut = path.join(OUT, 'fake-qq');
  const uploadForm = path.join(OUT, 'worker.bundle');
  const metafile = path.join(OUT, 'worker-meta.json');
  let workerBuild = { entry: path.join(workerOut, 'index.js'), wrangler_total_upload: null, custom_build_ran: null };
  let fakeBuild = { entry: path.join(fakeOut, 'worker.js') };
  if (!args['no-build']) {
    console.log('building: wrangler deploy --dry-run (worker, fake QQ)…');
    [workerBuild, fakeBuild] = await Promise.all([
      buildBundle(ROOT, { outdir: workerOut, outfile: uploadForm, metafile }),
      buildBundle(ROOT, { outdir: fakeOut, config: 'fakes/wrangler.toml' }),
    ]);
    console.log(`  worker: ${workerBuild.wrangler_total_upload} in ${workerBuild.build_ms} ms; [build] step: ${workerBuild.custom_build_ran ? workerBuild.custom_build_output || 'ran' : 'not run'}`);
  }
  const bundle = {
    ...bundleSize(workerBuild.entry),
    wrangler_total_upload: workerBuild.wrangler_total_upload,
    by_package: bundleComposition(metafile),
  };
  console.log('script startup: wrangler check startup…');
  const startupProfile = await scriptStartup(ROOT, uploadForm, path.join(OUT, 'startup.cpuprofile'));

  // ------------------------------------------------------------------ the three runtimes
  const workerToml = readWranglerToml(path.join(ROOT, 'wrangler.toml'));
  const fakeToml = readWranglerToml(path.join(ROOT, 'fakes/wrangler.toml'));

  const fake = await startInstance('fake QQ + SMS hook', [
    {
      name: 'fake-qq',
      modules: true,
      scriptPath: fakeBuild.entry,
      compatibilityDate: fakeToml.compatibilityDate,
      compatibilityFlags: fakeToml.compatibilityFlags,
      bindings: { FAKE_QQ_LATENCY_MS: String(QQ_LATENCY_MS) },
    },
    { name: 'sms-hook', modules: true, scriptPath: path.join(ROOT, 'bench/hook/worker.js'), compatibilityDate: fakeToml.compatibilityDate },
  ], { persistPath: persistPath() });
  instances.push(fake);
  const QQ = fake.urls['fake-qq'];
  const HOOK = fake.urls['sms-hook'];

  // Settings as `wrangler dev` would give them: [vars], then .dev.vars.example, then ours.
  const settings = {
    ...workerToml.vars,
    ...readDevVars(path.join(ROOT, '.dev.vars.example')),
    QQ_API_BASE: QQ,
    SMS_PROVIDER: 'webhook',
    SMS_WEBHOOK_URL: `${HOOK}/sms`,
    SMS_WEBHOOK_SECRET: 'bench-only-webhook-secret-0123456789',
  };
  const workerDef = {
    name: 'worker',
    modules: true,
    scriptPath: workerBuild.entry,
    compatibilityDate: workerToml.compatibilityDate,
    compatibilityFlags: workerToml.compatibilityFlags,
    bindings: settings,
    kvNamespaces: ['KV'],
    d1Databases: ['DB'],
  };
  const floorDef = {
    name: 'floor',
    modules: true,
    scriptPath: path.join(ROOT, 'bench/floor/worker.js'),
    compatibilityDate: workerToml.compatibilityDate,
    compatibilityFlags: workerToml.compatibilityFlags,
    bindings: settings,
    d1Databases: ['DB'],
  };

  // Cold start: a fresh runtime each time, from `new Miniflare()` to the first /healthz
  // answer, worker and floor in turn (the floor shows what workerd and Miniflare cost
  // without our bundle). One sample is noise on a shared 2-core machine: take the median.
  const coldStarts = { worker: [], floor: [] };
  for (let i = 0; i < COLD_START_SAMPLES; i++) {
    for (const [label, def] of [['worker', workerDef], ['floor', floorDef]]) {
      const instance = await startInstance(`${label} cold start`, [def], { healthPath: '/healthz', persistPath: persistPath() });
      instances.push(instance);
      coldStarts[label].push(instance.startup);
      await instance.mf.dispose();
      instances.splice(instances.indexOf(instance), 1);
    }
  }

  const inspector = args.profile;
  const worker = await startInstance('worker', [workerDef], { healthPath: '/healthz', persistPath: persistPath(), inspector });
  instances.push(worker);
  const calibrateDef = {
    name: 'calibrate',
    modules: true,
    scriptPath: path.join(ROOT, 'bench/calibrate/worker.js'),
    compatibilityDate: workerToml.compatibilityDate,
    d1Databases: ['DB'], // the same database as the floor's: one instance, one binding id
    kvNamespaces: ['KV'],
    bindings: { FETCH_URL: `${HOOK}/ping` },
  };
  const floor = await startInstance('floor', [floorDef, calibrateDef], { healthPath: '/healthz', persistPath: persistPath(), inspector });
  instances.push(floor);
  const W = worker.urls.worker;
  const F = floor.urls.floor;
  console.log(`runtimes: worker pid ${worker.pid}, floor pid ${floor.pid}, fake QQ + hook pid ${fake.pid}`);

  // ------------------------------------------------------------------ D1 and seed data
  const workerDb = await worker.mf.getD1Database('DB');
  const floorDb = await floor.mf.getD1Database('DB');
  for (const db of [workerDb, floorDb]) {
    await applyMigrations(db, path.join(ROOT, 'drizzle'));
    await insertFiller(db, FILLER);
  }

  const presets = (await call(`${QQ}/__fake/users`)).body.users;
  const RETURNING_OPENID = presets[0].openid; // bound by the seed below
  const FIRST_LOGIN_OPENID = presets[1].openid; // never bound: every callback asks to bind
  const REDIRECT = settings.QQ_REDIRECT_URI;

  const qqCode = async (openid) => (await call(`${QQ}/__fake/codes`, { method: 'POST', json: { openid, redirect_uri: REDIRECT } })).body.code;
  // States issued during the authorization run (unused, each with its browser cookie) are
  // kept for the callback and bind pools, which saves generating them again.
  const issuedStates = [];
  const keepState = (status, body, headers) => {
    if (status !== 200) return;
    const setCookie = Object.entries(headers).find(([name]) => name.toLowerCase() === 'set-cookie')?.[1];
    const cookie = [setCookie ?? []].flat().map((c) => c.split(';')[0]).find((c) => c.startsWith('qq_login_browser='));
    const state = JSON.parse(body).state;
    if (cookie && state) issuedStates.push({ state, cookie });
  };
  /** A fresh state with the browser cookie it is bound to, from the worker itself. */
  const freshState = async () => {
    const kept = issuedStates.pop();
    if (kept) return kept;
    const res = await call(`${W}/oauth/qq/authorization?next=/orders`, { headers: CLIENT_HEADERS });
    return { state: res.body.state, cookie: cookieFrom(res.headers, 'qq_login_browser') };
  };
  const callbackItem = async (openid) => {
    const [code, { state, cookie }] = await Promise.all([qqCode(openid), freshState()]);
    return { path: `/oauth/qq/callback?code=${code}&state=${state}`, headers: { cookie } };
  };
  const bindTicket = async (openid) => {
    const item = await callbackItem(openid);
    const res = await call(W + item.path, { headers: { ...CLIENT_HEADERS, ...item.headers } });
    if (res.body?.status !== 'bind_required') throw new Error(`expected bind_required, got ${JSON.stringify(res.body).slice(0, 200)}`);
    return res.body.bind_ticket;
  };
  const sendSms = (mobile) => call(`${W}/sms/codes`, { method: 'POST', headers: CLIENT_HEADERS, json: { mobile }, expect: [202] });
  const drainHook = async () => (await call(`${HOOK}/drain`, { method: 'POST' })).body;

  // The returning user: a QQ identity bound to a new account through the worker's own
  // routes (callback → bind_required → SMS → bind), whose password and token serve the
  // login and /users/me runs.
  await sendSms(SEED_MOBILE);
  const seedTicket = await bindTicket(RETURNING_OPENID);
  const seedCode = (await drainHook())[SEED_MOBILE];
  const seeded = await call(`${W}/oauth/qq/bind`, {
    method: 'POST',
    headers: CLIENT_HEADERS,
    json: { bind_ticket: seedTicket, mobile: SEED_MOBILE, sms_code: seedCode, password: PASSWORD },
    expect: [201],
  });
  const TOKEN = seeded.body.token;
  // The floor reads the same D1 contents: the filler plus the accounts seeded above.
  await copyAccounts(workerDb, floorDb, FILLER);
  console.log(`seeded: user ${seeded.body.user.id} (${SEED_MOBILE}) bound to QQ ${RETURNING_OPENID.slice(0, 8)}…, ${FILLER} filler accounts in both D1s`);

  let smsCounter = 0;
  let bindCounter = 0;
  const json = (body) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const routes = [
    {
      name: 'authorization',
      label: 'GET /oauth/qq/authorization',
      request: { method: 'GET', path: '/oauth/qq/authorization?next=/orders' },
      capture: keepState,
      warmup: 300,
    },
    {
      name: 'callback_returning',
      label: 'GET /oauth/qq/callback (returning)',
      request: { method: 'GET', path: '/oauth/qq/callback' },
      pool: (n) => parallel(n, PREP_CONCURRENCY, () => callbackItem(RETURNING_OPENID)),
      warmup: 200,
    },
    {
      name: 'floor_callback',
      label: 'floor: returning-user callback',
      kind: 'floor',
      target: 'floor',
      request: { method: 'GET', path: '/callback' },
      pool: (n) => parallel(n, PREP_CONCURRENCY, async () => ({ path: `/callback?code=${await qqCode(RETURNING_OPENID)}` })),
      // Fast, and faster once warm than during its warm-up: a larger margin (codes are cheap).
      warmup: 500,
      margin: 2,
    },
    {
      name: 'callback_first_login',
      label: 'GET /oauth/qq/callback (first login)',
      request: { method: 'GET', path: '/oauth/qq/callback' },
      pool: (n) => parallel(n, PREP_CONCURRENCY, () => callbackItem(FIRST_LOGIN_OPENID)),
      warmup: 200,
    },
    {
      name: 'sms_send',
      label: 'POST /sms/codes',
      request: { method: 'POST', path: '/sms/codes' },
      // A new mobile per request (139xxxxxxxx), else the resend window answers 429.
      generator: () => json({ mobile: `139${String(++smsCounter).padStart(8, '0')}` }),
      warmup: 300,
      after: drainHook,
    },
    {
      name: 'bind',
      label: 'POST /oauth/qq/bind (new account)',
      request: { method: 'POST', path: '/oauth/qq/bind' },
      // Each bind needs its own QQ identity (a new fake QQ user), bind ticket, new mobile
      // (138xxxxxxxx, so the bind creates an account) and the SMS code sent to it.
      pool: async (n) => {
        const items = await parallel(n, PREP_CONCURRENCY, async () => {
          const mobile = `138${String(++bindCounter).padStart(8, '0')}`;
          const user = (await call(`${QQ}/__fake/users`, { method: 'POST', json: { nickname: `压测${bindCounter}` }, expect: [201] })).body;
          const [ticket] = await Promise.all([bindTicket(user.openid), sendSms(mobile)]);
          return { ticket, mobile };
        });
        const codes = await drainHook();
        return items.map(({ ticket, mobile }) => json({ bind_ticket: ticket, mobile, sms_code: codes[mobile], password: PASSWORD }));
      },
      warmup: 30,
    },
    {
      name: 'login',
      label: 'POST /users/login',
      request: { method: 'POST', path: '/users/login', ...json({ username: SEED_MOBILE, password: PASSWORD }) },
      warmup: 20,
    },
    {
      name: 'pbkdf2',
      label: 'one PBKDF2 per request',
      kind: 'reference',
      target: 'floor',
      request: { method: 'GET', path: '/pbkdf2' },
      warmup: 20,
    },
    {
      name: 'me',
      label: 'GET /users/me',
      request: { method: 'GET', path: '/users/me', headers: { authorization: `Bearer ${TOKEN}` } },
      warmup: 300,
    },
  ];
  const only = args.routes?.split(',').map((s) => s.trim());
  const selected = only ? routes.filter((r) => only.includes(r.name)) : routes;
  const unknown = only?.filter((name) => name !== 'calibration' && !routes.some((r) => r.name === name)) ?? [];
  if (unknown.length) throw new Error(`unknown route ${unknown.join(', ')} in --routes; known: ${routes.map((r) => r.name).join(', ')}, calibration`);

  // ------------------------------------------------------------------ the runs
  const rows = [];
  for (const route of selected) {
    const target = route.target === 'floor' ? floor : worker;
    const url = target.urls[route.target === 'floor' ? 'floor' : 'worker'];
    const request = { ...route.request, headers: { ...(route.target === 'floor' ? {} : CLIENT_HEADERS), ...route.request.headers } };
    const other = route.target === 'floor' ? worker : floor;
    const pids = { target: target.pid, fake_qq_and_hook: fake.pid, [route.target === 'floor' ? 'worker' : 'floor']: other.pid };
    // Empties the fake's code, token and call logs between routes (preset users stay).
    await call(`${QQ}/__fake/reset`, { method: 'POST' });
    const logFrom = target.logs.lines.length;

    let pool = [];
    const next = route.pool ? () => pool.pop() ?? null : route.generator;
    const prepStarted = performance.now();
    if (route.pool) pool = await route.pool(route.warmup + 2 * CONNECTIONS);
    const onStart = (run) => (activeRun = run);
    const capture = route.capture;
    const warm = await load({ url, request, next, connections: CONNECTIONS, amount: route.warmup, pids, onStart, capture });
    if (route.pool) {
      const need = Math.min(POOL_MAX, Math.ceil(warm.rps * DURATION_S * (route.margin ?? POOL_MARGIN)) + 4 * CONNECTIONS);
      pool = await route.pool(need);
    }
    const prepS = (performance.now() - prepStarted) / 1000;
    const profiler = args.profile ? await inspect(target, `core:user:${route.target === 'floor' ? 'floor' : 'worker'}`) : null;
    await profiler?.start();
    const result = await load({ url, request, next, connections: CONNECTIONS, duration: DURATION_S, pids, onStart, capture });
    if (profiler) {
      const profile = await profiler.stop();
      profiler.close();
      mkdirSync(path.join(OUT, 'profiles'), { recursive: true });
      saveProfile(path.join(OUT, 'profiles', `${route.name}.cpuprofile`), profile);
      const sectionOf = route.target === 'floor' ? () => 'floor' : bundleSections(workerBuild.entry);
      const shares = Object.entries(selfTimeByOrigin(profile, sectionOf)).sort((a, b) => b[1] - a[1]);
      const total = shares.reduce((sum, [, ms]) => sum + ms, 0);
      result.profile_shares = Object.fromEntries(shares.map(([k, ms]) => [k, Math.round((ms / total) * 1000) / 10]));
    }
    activeRun = null;
    // Requests still in flight when autocannon hung up finish before the next route resets
    // the fake QQ (else they log QQ errors and spend CPU in the next measurement).
    await sleep(Math.max(300, 4 * QQ_LATENCY_MS + 100));
    await route.after?.();

    const row = { name: route.name, label: route.label, kind: route.kind ?? 'worker', method: request.method, path: route.request.path, ...result };
    row.prep_s = Math.round(prepS * 10) / 10;
    row.warmup = { requests: warm.requests, rps: warm.rps, errors: warm.errors };
    rows.push(row);
    const cpuNote = `CPU/req ${row.cpu_ms_per_req} ms`;
    console.log(
      `  ${route.name.padEnd(22)} ${String(row.rps).padStart(8)} rps  p50 ${row.p50_ms} ms  p99 ${row.p99_ms} ms  errors ${row.errors}  ${cpuNote}  (${row.requests} req, prep ${row.prep_s} s)`,
    );
    if (row.profile_shares) {
      const top = Object.entries(row.profile_shares).slice(0, 7);
      console.log(`    profile, self time in the isolate: ${top.map(([k, pct]) => `${k} ${Math.round(pct)}%`).join(', ')}`);
    }
    if (row.other_load_cores >= 0.2) console.log(`    ! other processes on this machine used ${row.other_load_cores} cores meanwhile`);
    if (row.pool_exhausted) console.log(`    ! the request pool ran out after ${row.elapsed_s} s; figures are over that time`);
    for (const s of [...warm.samples, ...row.samples].slice(0, 3)) console.log(`    ! ${s.status}: ${s.body}`);
    const logs = logLinesSince(target, logFrom);
    const distinct = [...new Set(logs.map((l) => `${l.level}: ${l.message}`))];
    for (const l of distinct.slice(0, 3)) console.log(`    log ${l}${logs.length > 1 ? ` (${logs.length} warn/error lines in this run)` : ''}`);
  }

  // ------------------------------------------------------------------ calibration
  // One local D1/KV operation per request, in the floor's process: what Miniflare's
  // simulators add to the CPU column for each operation a route makes.
  const calibration = {};
  if (!only || only.includes('calibration')) {
    const C = floor.urls.calibrate;
    await call(`${C}/kv-seed`);
    const probe = await call(`${C}/d1-read?openid=${RETURNING_OPENID}`);
    if (probe.body?.id !== seeded.body.user.id) throw new Error(`calibration D1 does not hold the seeded account: ${JSON.stringify(probe.body)}`);
    const ops = {
      noop: '/noop',
      d1_read: `/d1-read?openid=${RETURNING_OPENID}`,
      kv_get: '/kv-get',
      kv_put: '/kv-put',
      kv_delete: '/kv-delete',
      fetch: '/fetch',
    };
    const pids = { target: floor.pid, fake_qq_and_hook: fake.pid, worker: worker.pid };
    for (const [op, opPath] of Object.entries(ops)) {
      const request = { method: 'GET', path: opPath };
      const onStart = (run) => (activeRun = run);
      await load({ url: C, request, connections: CONNECTIONS, amount: 200, pids, onStart });
      const r = await load({ url: C, request, connections: CONNECTIONS, duration: Math.min(3, DURATION_S), pids, onStart });
      activeRun = null;
      if (r.errors > 0) throw new Error(`calibration ${op}: ${r.errors} errors, e.g. ${JSON.stringify(r.samples[0])}`);
      calibration[op] = { rps: r.rps, p50_ms: r.p50_ms, cpu_ms_per_req: r.cpu_ms_per_req };
    }
    const base = calibration.noop.cpu_ms_per_req;
    for (const op of Object.keys(ops)) {
      if (op !== 'noop') calibration[op].cpu_ms_per_op = Math.round((calibration[op].cpu_ms_per_req - base) * 1000) / 1000;
    }
  }

  // ------------------------------------------------------------------ summary
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  const ratio = (a, b) => (a && b && b.rps > 0 ? Math.round((a.rps / b.rps) * 100) / 100 : null);
  const cpuRatio = (a, b) => (a?.cpu_ms_per_req && b?.cpu_ms_per_req ? Math.round((a.cpu_ms_per_req / b.cpu_ms_per_req) * 100) / 100 : null);
  const median = (xs) => {
    const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
    return v.length === 0 ? null : v[Math.floor((v.length - 1) / 2)];
  };
  const startup = {
    worker_first_healthz_ms: median(coldStarts.worker.map((s) => s.first_health_ms)),
    floor_first_healthz_ms: median(coldStarts.floor.map((s) => s.first_health_ms)),
    worker_startup_cpu_ms: median(coldStarts.worker.map((s) => s.cpu_ms)),
    floor_startup_cpu_ms: median(coldStarts.floor.map((s) => s.cpu_ms)),
    samples: coldStarts,
    script_startup_ms: startupProfile.active_ms,
    script_startup_gc_ms: startupProfile.gc_ms,
    script_startup_source: startupProfile.source,
  };
  const results = {
    date: new Date().toISOString(),
    source: sourceInfo(),
    qq_latency_ms: QQ_LATENCY_MS,
    settings: { duration_s: DURATION_S, connections: CONNECTIONS, filler_accounts: FILLER, pool_margin: POOL_MARGIN, local_storage: STATE_DIR.startsWith('/dev/shm') ? 'tmpfs' : 'disk' },
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
    pbkdf2_rps: by.pbkdf2?.rps ?? null,
    simulator_cpu_ms_per_op: Object.keys(calibration).length ? calibration : null,
    bind_vs_pbkdf2: ratio(by.bind, by.pbkdf2),
    login_vs_pbkdf2: ratio(by.login, by.pbkdf2),
    bundle,
    startup,
    build: { worker_build_ms: workerBuild.build_ms ?? null, custom_build_ran: workerBuild.custom_build_ran, custom_build_output: workerBuild.custom_build_output ?? null },
    runtime_logs: { worker: worker.logs.counts, floor: floor.logs.counts, fake: fake.logs.counts },
    total_s: null,
  };

  console.log(`\n${table(rows)}\n`);
  if (results.floor_ratio !== null) {
    console.log(
      `floor_ratio ${results.floor_ratio}: returning-user callback ${by.callback_returning.rps} rps vs floor ${by.floor_callback.rps} rps (CPU/req ${by.callback_returning.cpu_ms_per_req} vs ${by.floor_callback.cpu_ms_per_req} ms, ${results.floor_cpu_ratio}×)`,
    );
  }
  if (results.pbkdf2_rps !== null) {
    console.log(`PBKDF2: one 100,000-iteration derivation per request allows ${results.pbkdf2_rps} rps; bind runs at ${results.bind_vs_pbkdf2 ?? '-'}× and login at ${results.login_vs_pbkdf2 ?? '-'}× of it`);
  }
  if (calibration.noop) {
    const c = calibration;
    console.log(
      `local simulators, CPU per operation in the runtime process: D1 read ${c.d1_read.cpu_ms_per_op} ms, KV get ${c.kv_get.cpu_ms_per_op} ms, KV put ${c.kv_put.cpu_ms_per_op} ms, KV delete ${c.kv_delete.cpu_ms_per_op} ms; an outbound fetch ${c.fetch.cpu_ms_per_op} ms (a bare request: ${c.noop.cpu_ms_per_req} ms)`,
    );
  }
  console.log(
    `bundle: bench/.out/worker/index.js ${bundle.raw_bytes.toLocaleString('en-US')} bytes, gzip ${bundle.gzip_bytes.toLocaleString('en-US')} bytes (wrangler: ${bundle.wrangler_total_upload ?? 'n/a'})`,
  );
  if (bundle.by_package) {
    const top = Object.entries(bundle.by_package).slice(0, 5);
    console.log(`  largest parts: ${top.map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)} KiB`).join(', ')}`);
  }
  console.log(
    `startup: new Miniflare → first /healthz ${startup.worker_first_healthz_ms} ms, workerd CPU ${startup.worker_startup_cpu_ms} ms (floor worker: ${startup.floor_first_healthz_ms} ms, ${startup.floor_startup_cpu_ms} ms CPU; medians of ${COLD_START_SAMPLES})`,
  );
  console.log(`  script startup (wrangler check startup): ${startup.script_startup_ms} ms CPU, ${startup.script_startup_gc_ms} ms of it GC`);

  results.total_s = Math.round((performance.now() - started) / 100) / 10;
  mkdirSync(RESULTS, { recursive: true });
  const chart = svg(results, rows);
  if (only || args.profile) {
    writeFileSync(path.join(OUT, 'partial.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(OUT, 'partial.svg'), chart);
    console.log(`\n--routes or --profile given: results in bench/.out/partial.json (latest.json untouched); ${results.total_s} s`);
  } else {
    for (const name of ['latest', `qq-latency-${QQ_LATENCY_MS}ms`]) {
      writeFileSync(path.join(RESULTS, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
      writeFileSync(path.join(RESULTS, `${name}.svg`), chart);
    }
    console.log(`\nresults: bench/results/latest.json, latest.svg (and qq-latency-${QQ_LATENCY_MS}ms.*); ${results.total_s} s`);
  }

  const failed = rows.filter((r) => r.error_rate > 0.01 || r.requests === 0);
  for (const r of failed) {
    console.error(`FAILED: ${r.name}: ${r.errors} errors in ${r.requests} responses (${(r.error_rate * 100).toFixed(1)}%), statuses ${JSON.stringify(r.statuses)}`);
    for (const s of r.samples) console.error(`  sample ${s.status}: ${s.body}`);
  }
  return failed.length > 0 ? 1 : 0;
}

/** The commit benchmarked, and whether src/ had uncommitted changes (others edit it concurrently). */
function sourceInfo() {
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  const dirty = git('status', '--porcelain', '--', 'src', 'wrangler.toml', 'package.json');
  return { commit: git('rev-parse', '--short', 'HEAD'), src_uncommitted_changes: dirty === null ? null : dirty.length > 0 };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nonNegative(name) {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number`);
    process.exit(2);
  }
  return value;
}
