// Building the bundles and serving them in the Workers runtime through Miniflare's API.
//
// Every instance is its own workerd process, so the CPU each one spends is separable in
// /proc. Workers are reached through Miniflare's direct sockets (`unsafeDirectSockets`):
// requests go straight to the worker, not through Miniflare's entry worker, which would
// otherwise run in the same process and add its own CPU to every request.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { cpuMs, workerdChildren } from './proc.mjs';

const children = new Set();

/** Stops the commands `run` started that are still running (for an early exit). */
export function killChildren() {
  for (const child of children) {
    try {
      // Their own process group: npx → wrangler → esbuild/workerd all go.
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/** Runs a command (through npx, so the project's pinned tools are used); resolves with its output. */
export function run(command, args, { cwd, quiet = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let output = '';
    const keep = (chunk) => {
      output += chunk;
      if (!quiet) process.stdout.write(chunk);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/**
 * `wrangler deploy --dry-run --outdir`: the exact bundle a deploy would upload. For the
 * worker this also runs wrangler.toml's [build] command (scripts/migrate-local.mjs, local
 * D1 migrations only), which is why its output is checked for the custom build.
 */
export async function buildBundle(root, { config, outdir, outfile, metafile }) {
  const started = performance.now();
  const args = ['wrangler', 'deploy', '--dry-run', '--outdir', outdir];
  if (config) args.push('-c', config);
  // The upload form (what `wrangler check startup --worker` loads) and esbuild's metafile.
  if (outfile) args.push('--outfile', outfile);
  if (metafile) args.push('--metafile', metafile);
  const output = await run('npx', args, { cwd: root });
  const upload = /Total Upload:\s*([\d.]+\s*KiB)\s*\/\s*gzip:\s*([\d.]+\s*KiB)/.exec(output);
  const entry = ['index.js', 'worker.js'].map((f) => path.join(outdir, f)).find((f) => existsSync(f));
  if (!entry) throw new Error(`no bundle in ${outdir}:\n${output.slice(-2000)}`);
  return {
    entry,
    build_ms: Math.round(performance.now() - started),
    wrangler_total_upload: upload ? `${upload[1]} / gzip ${upload[2]}` : null,
    custom_build_ran: output.includes('[custom build]'),
    custom_build_output: output
      .split('\n')
      .filter((l) => l.startsWith('[custom build]'))
      .map((l) => l.replace('[custom build]', '').trim())
      .filter((l) => l && !l.startsWith('npm warn'))
      .join(' | '),
  };
}

/** Raw and gzip size of a bundle file (gzip at Node's default level, as an upload would roughly be). */
export function bundleSize(file) {
  const raw = readFileSync(file);
  return { raw_bytes: statSync(file).size, gzip_bytes: gzipSync(raw).byteLength };
}

/** Bytes of the output bundle by npm package (or `src`), largest first, from esbuild's metafile. */
export function bundleComposition(metafile) {
  try {
    const meta = JSON.parse(readFileSync(metafile, 'utf8'));
    const output = Object.entries(meta.outputs).find(([name]) => name.endsWith('.js'))?.[1];
    const sizes = {};
    for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1] : input.split('/')[0] || input;
      sizes[key] = (sizes[key] ?? 0) + bytesInOutput;
    }
    return Object.fromEntries(Object.entries(sizes).sort((a, b) => b[1] - a[1]));
  } catch {
    return null;
  }
}

/**
 * Script startup of the bundle as `wrangler check startup` measures it: workerd loads the
 * prebuilt bundle once under the CPU profiler. Active = profiled CPU that is not idle.
 */
export async function scriptStartup(root, bundle, profileFile) {
  const output = await run('npx', ['wrangler', 'check', 'startup', '--worker', bundle, '--outfile', profileFile], { cwd: root });
  const active = /Active:\s*([\d.]+)\s*ms(?:\s*\(including\s*([\d.]+)\s*ms garbage collection\))?/.exec(output);
  const fromProfile = profileActiveMs(profileFile);
  return {
    active_ms: active ? Number(active[1]) : fromProfile?.active_ms ?? null,
    gc_ms: active?.[2] ? Number(active[2]) : fromProfile?.gc_ms ?? null,
    source: 'wrangler check startup',
  };
}

function profileActiveMs(file) {
  try {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
    let active = 0;
    let gc = 0;
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0;
      const name = names.get(id);
      if (name === '(idle)') return;
      active += us;
      if (name === '(garbage collector)') gc += us;
    });
    return { active_ms: Math.round(active / 100) / 10, gc_ms: Math.round(gc / 100) / 10 };
  } catch {
    return null;
  }
}

/** `compatibility_date`, `compatibility_flags` and `[vars]` of a wrangler.toml (the subset this project uses). */
export function readWranglerToml(file) {
  const out = { compatibilityDate: undefined, compatibilityFlags: [], vars: {} };
  let section = '';
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[+([^\]]+)\]+$/.exec(line);
    if (header) {
      section = header[1].trim();
      continue;
    }
    const kv = /^([\w-]+)\s*=\s*(.+)$/.exec(line);
    if (!kv) continue;
    const [, key, value] = kv;
    if (section === '' && key === 'compatibility_date') out.compatibilityDate = JSON.parse(value);
    if (section === '' && key === 'compatibility_flags') out.compatibilityFlags = JSON.parse(value);
    if (section === 'vars') out.vars[key] = JSON.parse(value);
  }
  return out;
}

/** `KEY=value` lines of a .dev.vars file. */
export function readDevVars(file) {
  const vars = {};
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
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
 */
export async function startInstance(label, workers, { healthPath, persistPath, inspector = false } = {}) {
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
  const instance = { label, mf, logs, pid: null, urls: {}, startup: {} };
  try {
    await mf.ready;
    instance.startup.ready_ms = round(performance.now() - started);
    const pids = workerdChildren().filter((p) => !before.has(p));
    if (pids.length !== 1) throw new Error(`${label}: expected one new workerd process, found ${pids.length}`);
    instance.pid = pids[0];
    for (const w of workers) instance.urls[w.name] = (await mf.unsafeGetDirectURL(w.name)).href.replace(/\/$/, '');
    if (healthPath) {
      const first = workers[0].name;
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

/** Warnings and errors logged by an instance's workers since `from` (an index into its log lines). */
export function logLinesSince(instance, from) {
  return instance.logs.lines.slice(from).filter((l) => l.level === 'warn' || l.level === 'error');
}

/** Applies drizzle/*.sql in order, statement by statement (drizzle's `--> statement-breakpoint`). */
export async function applyMigrations(db, dir) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const file of files) {
    const statements = readFileSync(path.join(dir, file), 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const sql of statements) await db.prepare(sql).run();
  }
  return files;
}

/**
 * Other people's accounts: `count` users with a QQ binding each, so lookups run against a
 * table of realistic size rather than a single row. Same rows in every database it is
 * applied to. Their mobiles are 177xxxxxxxx, never used by the bench's own requests.
 */
export async function insertFiller(db, count) {
  if (count <= 0) return;
  const now = 1_790_000_000;
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO users (id, username, mobile, nickname, avatar, password_hash, created_at, updated_at)
       SELECT i, printf('177%08d', i), printf('177%08d', i), NULL, NULL,
              'pbkdf2_sha256$100000$fillerfillerfiller$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', ?2, ?2 FROM n`,
    )
    .bind(count, now)
    .run();
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO qq_bindings (user_id, app_id, openid, unionid, nickname, avatar, access_token, refresh_token,
                                token_expires_at, profile_updated_at, created_at, updated_at)
       SELECT i, '101000001', printf('F1%030X', i), printf('UID_F1%026X', i), 'filler', NULL, NULL, NULL, NULL, ?2, ?2, ?2 FROM n`,
    )
    .bind(count, now)
    .run();
}

/** Copies users and their QQ bindings with ids above `afterId` from one D1 to another. */
export async function copyAccounts(from, to, afterId) {
  let copied = 0;
  for (const table of ['users', 'qq_bindings']) {
    const { results } = await from.prepare(`SELECT * FROM ${table} WHERE id > ?`).bind(afterId).all();
    for (const row of results) {
      const cols = Object.keys(row);
      await to
        .prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
        .bind(...cols.map((c) => row[c]))
        .run();
      copied++;
    }
  }
  return copied;
}

const round = (ms) => Math.round(ms * 10) / 10;
