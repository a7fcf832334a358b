// The seeds' Django stack (bench/django: meiduo's QQ login on Django 3.2, DRF, PyJWT and
// SQLite, served by gunicorn), from Debian's packages: installed when missing, its
// database made (the same filler as the bench's D1, and the returning user bound to the
// fake QQ's preset openid), then gunicorn started against the pass's fake QQ.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { run } from './build.mjs';
import { childProcesses } from './proc.mjs';

/** @import { Session } from './runtimes.mjs' */

/** Debian's interpreter, which sees Debian's python3-* packages (not a pyenv python3 on PATH). */
const PYTHON = '/usr/bin/python3';
/** Module the stack imports → the Debian package that provides it. */
const PACKAGES = { django: 'python3-django', rest_framework: 'python3-djangorestframework', jwt: 'python3-jwt', gunicorn: 'gunicorn' };
const READY_TIMEOUT_MS = 30_000;

/** @param {string} module */
const importable = (module) => spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;

/** Installs the Debian packages the stack needs when any is missing (root: `apt-get`). */
export async function ensureDjangoPackages() {
  const missing = Object.entries(PACKAGES)
    .filter(([module]) => !importable(module))
    .map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`the Django stack needs Debian's ${missing.join(', ')}: sudo apt-get install -y ${missing.join(' ')}`);
  }
  console.log(`Django stack: apt-get install ${missing.join(' ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env });
  await run('apt-get', ['install', '-y', ...missing], { env });
  const still = Object.keys(PACKAGES).filter((module) => !importable(module));
  if (still.length) throw new Error(`${PYTHON} still cannot import ${still.join(', ')} after apt-get install`);
}

/**
 * @param {Session} session
 * @param {string} root
 * @param {{ qq: string, settings: Record<string, string>, filler: number, openid: string, mobile: string }} o
 *        qq: the fake QQ's origin; settings: the worker's (the same QQ app and redirect URI)
 */
export async function startDjango(session, root, { qq, settings, filler, openid, mobile }) {
  const cwd = path.join(root, 'bench/django');
  /** @type {Record<string, string | undefined>} */
  const env = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    DJANGO_SETTINGS_MODULE: 'shop.settings',
    // On tmpfs with the runtimes' D1 and KV, gone at the end.
    DJBENCH_DB: `${session.persistPath()}.sqlite3`,
    DJBENCH_BIND: '127.0.0.1:0',
    QQ_API_BASE: qq,
    QQ_CLIENT_ID: settings.QQ_APP_ID,
    QQ_CLIENT_SECRET: settings.QQ_APP_KEY,
    QQ_REDIRECT_URI: settings.QQ_REDIRECT_URI,
    // gunicorn.conf.py's knobs, for trying another configuration (bench/README.md).
    DJBENCH_WORKERS: process.env.DJBENCH_WORKERS,
    DJBENCH_THREADS: process.env.DJBENCH_THREADS,
    DJBENCH_WORKER_CLASS: process.env.DJBENCH_WORKER_CLASS,
  };
  const seeded = await run(PYTHON, ['manage.py', 'bench_seed', '--filler', String(filler), '--openid', openid, '--mobile', mobile], { cwd, env });

  const started = performance.now();
  const child = session.spawn(PYTHON, ['-m', 'gunicorn', '-c', 'gunicorn.conf.py'], { cwd, env });
  /** @type {{ counts: Record<string, number>, lines: string[] }} */
  const logs = { counts: {}, lines: [] };
  const listening = new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`gunicorn did not listen within ${READY_TIMEOUT_MS} ms:\n${buffered.slice(-2000)}`)), READY_TIMEOUT_MS);
    child.stderr?.setEncoding('utf8');
    child.stdout?.resume();
    child.stderr?.on('data', (/** @type {string} */ chunk) => {
      buffered = (buffered + chunk).slice(-20_000);
      for (const line of chunk.split('\n')) {
        const level = /\[(WARNING|ERROR|CRITICAL)\]/.exec(line)?.[1] ?? (/^(Traceback|\w+Error)/.test(line) ? 'ERROR' : null);
        if (level) {
          logs.counts[level] = (logs.counts[level] ?? 0) + 1;
          if (logs.lines.length < 200) logs.lines.push(line.slice(0, 500));
        }
      }
      const url = /Listening at: (http:\/\/[\d.]+:\d+)/.exec(buffered)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.on('exit', (/** @type {number | null} */ code, /** @type {string | null} */ signal) => {
      clearTimeout(timer);
      reject(new Error(`gunicorn exited (${signal ?? code}) before it was ready:\n${buffered.slice(-2000)}`));
    });
  });
  const url = /** @type {string} */ (await listening);
  // Ready when a worker answers (they boot after the master listens).
  for (;;) {
    const res = await fetch(`${url}/oauth/qq/authorization/?next=/`).catch(() => null);
    if (res?.status === 200) {
      await res.text();
      break;
    }
    if (performance.now() - started > READY_TIMEOUT_MS) throw new Error(`the Django stack at ${url} answered ${res?.status ?? 'nothing'}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('gunicorn has no pid');
  const workers = childProcesses(pid);
  console.log(`Django stack: gunicorn pid ${pid} (${workers.length} workers) at ${url}; ${seeded.trim()}`);
  return {
    url,
    pid,
    /** The master and its workers, the processes whose CPU is the server's. */
    pids: () => [pid, ...childProcesses(pid)],
    logs,
    ready_ms: Math.round(performance.now() - started),
  };
}

/** @typedef {Awaited<ReturnType<typeof startDjango>>} Django */
