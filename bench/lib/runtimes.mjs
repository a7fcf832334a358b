// The processes a bench run needs: the bundles (built as a deploy would), and three workerd
// processes through Miniflare (the worker; the floor and calibration workers; the fake QQ
// and the SMS hook), with their local D1/KV on tmpfs, plus the Django stack's gunicorn
// (./django.mjs). A session tracks them all so that they stop at the end, on error and on
// Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEV_CAPTCHA_VARS } from '../../scripts/dev-providers.mjs';
import { buildBundle, bundleComposition, bundleSize, killChildren } from './build.mjs';
import { readDevVars, readWranglerToml, startInstance } from './miniflare.mjs';
import { scriptStartup } from './startup.mjs';

/** @import { Build, Instance, Options, StartupSample } from './types.ts' */

const COLD_START_SAMPLES = 3;

/**
 * Local D1 and KV live in a temporary directory on tmpfs when there is one: Miniflare's
 * default temp directory is on disk here, where every KV write waits for fsync (a bare
 * worker doing one KV put manages ~200 req/s on disk, ~700 on tmpfs), which would measure
 * the disk rather than the worker.
 */
export class Session {
  stateDir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'qq-login-bench-'));
  /** @type {Instance[]} */
  instances = [];
  /** Other long-running processes (gunicorn), each the leader of its own process group. @type {Set<import('node:child_process').ChildProcess>} */
  processes = new Set();
  /** The load run in progress (autocannon), stopped first on Ctrl-C. @type {{ stop(): void } | null} */
  activeRun = null;
  /** @type {Promise<void> | null} */
  cleaning = null;
  stateDirs = 0;

  constructor() {
    // Miniflare's own exit hook answers SIGINT/SIGTERM by killing its workerd processes and
    // exiting at once, before an async cleanup could finish: the state directory goes on exit.
    process.on('exit', () => {
      killChildren();
      for (const child of this.processes) killGroup(child, 'SIGKILL');
      this.removeStateDir();
    });
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.on(signal, () => {
        console.error(`\n${signal}: stopping the runtimes…`);
        this.cleanup().finally(() => {
          console.error('stopped');
          process.exit(130);
        });
      });
    }
  }

  /** A fresh directory for one instance's local D1/KV. */
  persistPath() {
    return path.join(this.stateDir, String(++this.stateDirs));
  }

  /** Is local storage on tmpfs (as intended) or on disk? */
  storage() {
    return this.stateDir.startsWith('/dev/shm') ? 'tmpfs' : 'disk';
  }

  /**
   * Starts an instance that stays up until cleanup.
   * @param {Parameters<typeof startInstance>} args
   */
  async start(...args) {
    const instance = await startInstance(...args);
    this.instances.push(instance);
    return instance;
  }

  /**
   * Starts a long-running process in its own process group (so that its children stop with
   * it), stopped by stopInstances and cleanup.
   * @param {string} command
   * @param {string[]} args
   * @param {{ cwd: string, env: Record<string, string | undefined> }} options
   */
  spawn(command, args, { cwd, env }) {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.processes.add(child);
    child.on('exit', () => this.processes.delete(child));
    return child;
  }

  /** Stops the processes `spawn` started: SIGINT (gunicorn's quick shutdown), SIGKILL after 5 s. */
  async stopProcesses() {
    await Promise.all(
      [...this.processes].map(async (child) => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        if (child.exitCode !== null || child.signalCode !== null) return;
        killGroup(child, 'SIGINT');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
        killGroup(child, 'SIGKILL'); // workers the master left behind, if any
        this.processes.delete(child);
      }),
    );
  }

  /** Stops every instance and process started so far (between two passes); the state directory stays. */
  async stopInstances() {
    await this.stopProcesses();
    for (const instance of this.instances.splice(0).reverse()) {
      await instance.mf.dispose().catch((err) => console.error(`dispose ${instance.label}: ${err?.message ?? err}`));
    }
  }

  /** @returns {Promise<void>} */
  cleanup() {
    this.cleaning ??= (async () => {
      this.activeRun?.stop();
      await this.stopProcesses();
      for (const instance of this.instances.reverse()) {
        await instance.mf.dispose().catch((err) => console.error(`dispose ${instance.label}: ${err?.message ?? err}`));
      }
      this.removeStateDir();
    })();
    return this.cleaning;
  }

  removeStateDir() {
    try {
      rmSync(this.stateDir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      console.error(`could not remove ${this.stateDir}: ${err instanceof Error ? err.message : err}`);
    }
  }
}

/**
 * @param {import('node:child_process').ChildProcess} child
 * @param {'SIGINT' | 'SIGKILL'} signal
 */
function killGroup(child, signal) {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * `wrangler deploy --dry-run` of the worker and the fake QQ (unless --no-build), the
 * bundle's size and composition, and its script startup by `wrangler check startup`.
 * @param {string} root
 * @param {string} out  bench/.out
 * @param {Options} options
 */
export async function buildAll(root, out, options) {
  const workerOut = path.join(out, 'worker');
  const fakeOut = path.join(out, 'fake-qq');
  const uploadForm = path.join(out, 'worker.bundle');
  const metafile = path.join(out, 'worker-meta.json');
  /** @type {Build} */
  let worker = { entry: path.join(workerOut, 'index.js'), wrangler_total_upload: null, custom_build_ran: null };
  /** @type {Pick<Build, 'entry'>} */
  let fake = { entry: path.join(fakeOut, 'worker.js') };
  if (options.build) {
    console.log('building: wrangler deploy --dry-run (worker, fake QQ)…');
    [worker, fake] = await Promise.all([
      buildBundle(root, { outdir: workerOut, outfile: uploadForm, metafile }),
      buildBundle(root, { outdir: fakeOut, config: 'fakes/wrangler.toml' }),
    ]);
    console.log(`  worker: ${worker.wrangler_total_upload} in ${worker.build_ms} ms; [build] step: ${worker.custom_build_ran ? worker.custom_build_output || 'ran' : 'not run'}`);
  }
  const bundle = {
    ...bundleSize(worker.entry),
    wrangler_total_upload: worker.wrangler_total_upload,
    by_package: bundleComposition(metafile),
  };
  console.log('script startup: wrangler check startup (5 runs), then CPU per fresh import in workerd…');
  const startupProfile = await scriptStartup(root, {
    uploadForm,
    bundleFile: worker.entry,
    profileFile: path.join(out, 'startup.cpuprofile'),
    compatibilityDate: readWranglerToml(path.join(root, 'wrangler.toml')).compatibilityDate,
  });
  return { worker, fake, bundle, startupProfile };
}

/**
 * The three runtimes, after the cold-start samples: the fake QQ + SMS hook, the worker, and
 * the floor worker with the calibration worker beside it.
 * @param {Session} session
 * @param {string} root
 * @param {{ worker: Build, fake: Pick<Build, 'entry'> }} build
 * @param {Options} options
 */
export async function startRuntimes(session, root, build, options) {
  const workerToml = readWranglerToml(path.join(root, 'wrangler.toml'));
  const fakeToml = readWranglerToml(path.join(root, 'fakes/wrangler.toml'));

  const fake = await session.start('fake QQ + SMS hook', [
    {
      name: 'fake-qq',
      modules: true,
      scriptPath: build.fake.entry,
      compatibilityDate: fakeToml.compatibilityDate,
      compatibilityFlags: fakeToml.compatibilityFlags,
      bindings: { FAKE_QQ_LATENCY_MS: String(options.qqLatencyMs) },
    },
    { name: 'sms-hook', modules: true, scriptPath: path.join(root, 'bench/hook/worker.js'), compatibilityDate: fakeToml.compatibilityDate },
  ], { persistPath: session.persistPath() });
  const qq = fake.urls['fake-qq'];
  const hook = fake.urls['sms-hook'];
  if (qq === undefined || hook === undefined) throw new Error('the fake QQ or the SMS hook has no URL');

  // Settings as `wrangler dev` would give them: [vars], then .dev.vars.example, then ours.
  /** @type {Record<string, string>} */
  const settings = {
    ...workerToml.vars,
    ...readDevVars(path.join(root, '.dev.vars.example')),
    QQ_API_BASE: qq,
    SMS_PROVIDER: 'webhook',
    SMS_WEBHOOK_URL: `${hook}/sms`,
    SMS_WEBHOOK_SECRET: 'bench-only-webhook-secret-0123456789',
    // Counted on every send as in production, but out of reach of the bench's one client.
    SMS_CLIENT_HOURLY_LIMIT: '100000',
    SMS_GLOBAL_HOURLY_LIMIT: '10000000',
  };
  const workerDef = {
    name: 'worker',
    modules: true,
    scriptPath: build.worker.entry,
    compatibilityDate: workerToml.compatibilityDate,
    compatibilityFlags: workerToml.compatibilityFlags,
    bindings: settings,
    kvNamespaces: ['KV'],
    d1Databases: ['DB'],
  };
  // The same worker with the captcha on (the fake Turnstile), beside it in its process and
  // on its D1 and KV, for the captcha-guarded SMS route.
  const captchaWorkerDef = {
    ...workerDef,
    name: 'worker-captcha',
    bindings: {
      ...settings,
      // The fake Turnstile's own keys (fakes/captcha/turnstile.ts), as `npm run dev` sets them.
      ...DEV_CAPTCHA_VARS.turnstile,
      TURNSTILE_VERIFY_URL: `${qq}/captcha/turnstile/turnstile/v0/siteverify`,
    },
  };
  const floorDef = {
    name: 'floor',
    modules: true,
    scriptPath: path.join(root, 'bench/floor/worker.js'),
    compatibilityDate: workerToml.compatibilityDate,
    compatibilityFlags: workerToml.compatibilityFlags,
    bindings: settings,
    d1Databases: ['DB'],
  };

  // Cold start: a fresh runtime each time, from `new Miniflare()` to the first /healthz
  // answer, worker and floor in turn (the floor shows what workerd and Miniflare cost
  // without our bundle). One sample is noise on a shared 2-core machine: take the median.
  /** @type {{ worker: StartupSample[], floor: StartupSample[] }} */
  const coldStarts = { worker: [], floor: [] };
  for (let i = 0; i < COLD_START_SAMPLES; i++) {
    for (const [label, def] of /** @type {const} */ ([['worker', workerDef], ['floor', floorDef]])) {
      const instance = await session.start(`${label} cold start`, [def], { healthPath: '/healthz', persistPath: session.persistPath() });
      coldStarts[label].push(instance.startup);
      await instance.mf.dispose();
      session.instances.splice(session.instances.indexOf(instance), 1);
    }
  }

  const inspector = options.profile;
  const worker = await session.start('worker', [workerDef, captchaWorkerDef], { healthPath: '/healthz', persistPath: session.persistPath(), inspector });
  const calibrateDef = {
    name: 'calibrate',
    modules: true,
    scriptPath: path.join(root, 'bench/calibrate/worker.js'),
    compatibilityDate: workerToml.compatibilityDate,
    d1Databases: ['DB'], // the same database as the floor's: one instance, one binding id
    kvNamespaces: ['KV'],
    bindings: { FETCH_URL: `${hook}/ping` },
  };
  const floor = await session.start('floor', [floorDef, calibrateDef], { healthPath: '/healthz', persistPath: session.persistPath(), inspector });
  console.log(`runtimes: worker pid ${worker.pid}, floor pid ${floor.pid}, fake QQ + hook pid ${fake.pid}`);
  return { fake, worker, floor, settings, coldStarts, coldStartSamples: COLD_START_SAMPLES };
}

/** @typedef {Awaited<ReturnType<typeof startRuntimes>>} Runtimes */
