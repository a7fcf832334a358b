// Starts the whole system the way `npm run dev` does (the fake QQ and the worker, each a
// `wrangler dev`), but on free ports, with settings from a temp copy of .dev.vars.example
// and a fresh local D1/KV under a temp --persist-to directory, so runs share no state;
// and more workers beside it with settings of their own (startWorker).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY_TIMEOUT_MS = 120_000;

/**
 * A `wrangler dev` child process, with what `serve` adds to it.
 * @typedef {{ pid: number, exitCode: number | null, signalCode: string | null, name: string, errors: string[], exited: Promise<unknown> }} Served
 * @typedef {import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, import('node:stream').Readable>} Piped
 */

/**
 * @param {{ logFile: string }} options where the worker's console goes (the SMS codes are read from it)
 */
export async function startSystem({ logFile }) {
  const dir = mkdtempSync(join(tmpdir(), 'qq-login-e2e-'));
  const [qqPort, qqInspector] = await freePorts(2);
  const qqUrl = `http://localhost:${qqPort}`;
  const state = join(dir, 'state');
  const log = createWriteStream(logFile);
  /** @type {Served[]} */
  const children = [];
  /** @type {{ url: string, stop: () => Promise<void>, persistTo: string } | null} */
  let worker = null;
  const stop = async () => {
    await Promise.all([worker?.stop(), ...children.map(stopGroup)]);
    log.end();
    rmSync(dir, { recursive: true, force: true });
  };
  // Last resort if the runner dies without calling stop().
  process.once('exit', () => children.forEach((child) => killGroup(child, 'SIGKILL')));

  try {
    children.push(serve('fake-qq', ['-c', 'fakes/wrangler.toml', '--port', String(qqPort), '--inspector-port', String(qqInspector), '--persist-to', state], log));
    const ready = waitFor(`${qqUrl}/__fake/users`, children);
    worker = await startWorker({ qqUrl, log });
    await ready;
  } catch (err) {
    await stop();
    throw err;
  }
  // persistTo: the local D1/KV state the worker serves from (for tools that write to that D1).
  return { workerUrl: worker.url, qqUrl, persistTo: worker.persistTo, stop };
}

/**
 * One more worker (`wrangler dev`) with its own D1/KV, talking to the fake QQ at `qqUrl`,
 * with `settings` over those of .dev.vars.example; its console goes to `log`.
 * @param {{ qqUrl: string, log: { write(text: string): unknown }, settings?: Record<string, string> }} options
 */
export async function startWorker({ qqUrl, log, settings = {} }) {
  const dir = mkdtempSync(join(tmpdir(), 'qq-login-e2e-worker-'));
  const [port, inspector] = await freePorts(2);
  const url = `http://localhost:${port}`;
  const envFile = join(dir, 'dev.vars');
  writeFileSync(
    envFile,
    withSettings(readFileSync('.dev.vars.example', 'utf8'), {
      QQ_REDIRECT_URI: `${url}/login/qq/callback`,
      QQ_API_BASE: qqUrl,
      ALLOWED_REDIRECT_ORIGINS: url,
      ...settings,
    }),
  );
  const state = join(dir, 'state');
  const migrated = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (migrated.status !== 0) throw new Error(`migrations failed:\n${migrated.stdout}\n${migrated.stderr}`);
  const child = serve('worker', ['--port', String(port), '--inspector-port', String(inspector), '--persist-to', state, '--env-file', envFile], log);
  process.once('exit', () => killGroup(child, 'SIGKILL'));
  const stop = async () => {
    await stopGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${url}/healthz`, [child]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop, persistTo: state };
}

/**
 * Replaces (or adds) `NAME=value` lines of a .dev.vars text.
 * @param {string} text
 * @param {Record<string, string>} settings
 */
function withSettings(text, settings) {
  const lines = text.split('\n').filter((line) => !Object.keys(settings).some((name) => line.startsWith(`${name}=`)));
  return [...lines, ...Object.entries(settings).map(([name, value]) => `${name}=${value}`)].join('\n') + '\n';
}

/**
 * @param {string} name
 * @param {string[]} args
 * @param {{ write(text: string): unknown }} log
 * @returns {Served}
 */
function serve(name, args, log) {
  // detached: its own process group, so npx, wrangler and workerd all stop together.
  const child = /** @type {Served & Piped} */ (spawn('npx', ['wrangler', 'dev', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
  }));
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (/** @type {string} */ chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        log.write(`[${name}] ${line}\n`);
        // wrangler dev keeps running after a failed build, waiting for a fix: stop waiting.
        if (/\[ERROR\]/.test(line)) child.errors.push(line);
      }
    });
  }
  child.name = name;
  child.errors = [];
  child.exited = new Promise((resolve) => child.once('exit', resolve));
  return child;
}

/** @param {string} url @param {Served[]} children */
async function waitFor(url, children) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const dead = children.find((child) => child.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited with ${dead.exitCode} before ${url} answered`);
    const broken = children.find((child) => child.errors.length > 0);
    if (broken) throw new Error(`${broken.name} failed to start: ${broken.errors.join('\n')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${READY_TIMEOUT_MS / 1000}s`);
}

/** @param {Served} child */
async function stopGroup(child) {
  if (child.exitCode === null && child.signalCode === null) {
    killGroup(child, 'SIGTERM');
    await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  // Whatever of the group outlived npx (workerd) goes too.
  killGroup(child, 'SIGKILL');
}

/** @param {Served} child @param {string} signal */
function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** @param {number} count @returns {Promise<number[]>} */
async function freePorts(count) {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      }),
    ),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
