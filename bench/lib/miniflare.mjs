// Serving bundles in the Workers runtime through Miniflare's API, with the settings
// `wrangler dev` would give them.
//
// Every instance is its own workerd process, so the CPU each one spends is separable in
// /proc. Workers are reached through Miniflare's direct sockets (`unsafeDirectSockets`):
// requests go straight to the worker, not through Miniflare's entry worker, which would
// otherwise run in the same process and add its own CPU to every request.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { cpuMs, workerdChildren } from './proc.mjs';

/** @import { Instance, LogLine, WorkerDef } from './types.ts' */

/**
 * `compatibility_date`, `compatibility_flags` and `[vars]` of a wrangler.toml (the subset this project uses).
 * @param {string} file
 */
export function readWranglerToml(file) {
  /** @type {{ compatibilityDate: string | undefined, compatibilityFlags: string[], vars: Record<string, string> }} */
  const out = { compatibilityDate: undefined, compatibilityFlags: [], vars: {} };
  let section = '';
  for (const raw of lines(file)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[+([^\]]+)\]+$/.exec(line)?.[1];
    if (header !== undefined) {
      section = header.trim();
      continue;
    }
    const [, key, value] = /^([\w-]+)\s*=\s*(.+)$/.exec(line) ?? [];
    if (key === undefined || value === undefined) continue;
    if (section === '' && key === 'compatibility_date') out.compatibilityDate = JSON.parse(value);
    if (section === '' && key === 'compatibility_flags') out.compatibilityFlags = JSON.parse(value);
    if (section === 'vars') out.vars[key] = JSON.parse(value);
  }
  return out;
}

/**
 * `KEY=value` lines of a .dev.vars file.
 * @param {string} file
 */
export function readDevVars(file) {
  /** @type {Record<string, string>} */
  const vars = {};
  for (const raw of lines(file)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    vars[line.slice(0, eq).trim()] = line.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return vars;
}

/**
 * One Miniflare instance (one workerd process). Resolves once the runtime is up and every
 * worker answered `healthPath` (when given), with its direct URLs, its workerd pid and the
 * startup timings.
 * @param {string} label
 * @param {WorkerDef[]} workers
 * @param {{ healthPath?: string, persistPath?: string, inspector?: boolean }} [options]
 * @returns {Promise<Instance>}
 */
export async function startInstance(label, workers, { healthPath, persistPath, inspector = false } = {}) {
  /** @type {Instance['logs']} */
  const logs = { counts: {}, lines: [] };
  const before = new Set(workerdChildren());
  const started = performance.now();
  const mf = new Miniflare(
    // The v4 option shape (the one Miniflare's README documents), converted to v5's.
    convertV4MiniflareOptions({
      enableDevRegistry: false, // never discover or be discovered by other sessions' `wrangler dev`
      ...(persistPath ? { resourcePersistencePath: persistPath } : {}),
      ...(inspector ? { inspectorPort: 0 } : {}),
      logRequests: false,
      handleStructuredLogs: ({ level, message }) => {
        logs.counts[level] = (logs.counts[level] ?? 0) + 1;
        if (logs.lines.length < 500) logs.lines.push({ level, message: String(message).slice(0, 500) });
      },
      workers: workers.map((w) => ({
        ...w,
        // Module names relative to the script's own directory (workerd refuses `..` in them).
        ...(w.scriptPath ? { modulesRoot: path.dirname(w.scriptPath) } : {}),
        unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
      })),
    }),
  );
  try {
    await mf.ready;
    /** @type {Instance['startup']} */
    const startup = { ready_ms: round(performance.now() - started) };
    const pids = workerdChildren().filter((p) => !before.has(p));
    const pid = pids[0];
    if (pids.length !== 1 || pid === undefined) throw new Error(`${label}: expected one new workerd process, found ${pids.length}`);
    /** @type {Instance} */
    const instance = { label, mf, logs, pid, urls: {}, startup };
    for (const w of workers) instance.urls[w.name] = (await mf.unsafeGetDirectURL(w.name)).href.replace(/\/$/, '');
    const first = workers[0]?.name;
    if (healthPath && first !== undefined) {
      const res = await fetch(instance.urls[first] + healthPath);
      await res.text();
      if (res.status !== 200) throw new Error(`${label}: ${healthPath} answered ${res.status}`);
      instance.startup.first_health_ms = round(performance.now() - started);
    }
    instance.startup.cpu_ms = cpuMs(instance.pid);
    return instance;
  } catch (err) {
    await mf.dispose().catch(() => {});
    throw err;
  }
}

/**
 * Warnings and errors logged by an instance's workers since `from` (an index into its log lines).
 * @param {Instance} instance
 * @param {number} from
 * @returns {LogLine[]}
 */
export function logLinesSince(instance, from) {
  return instance.logs.lines.slice(from).filter((l) => l.level === 'warn' || l.level === 'error');
}

/** @param {string} file @returns {string[]} */
const lines = (file) => readFileSync(file, 'utf8').split('\n');

/** @param {number} ms */
const round = (ms) => Math.round(ms * 10) / 10;
