// Optional (`--profile`): V8 CPU profiles of the worker's own isolate during each timed run,
// through workerd's inspector. The runtime process's CPU (the CPU column) also holds the
// local D1/KV simulators and Miniflare's plumbing, which run in other isolates of the same
// process; the profile of the worker's isolate alone shows what the worker's code costs,
// and where (by npm package, from the bundle's `// node_modules/<pkg>/…` section comments).
import { readFileSync, writeFileSync } from 'node:fs';

/** @import { CpuProfile, Instance } from './types.ts' */

/**
 * Opens a DevTools protocol session on one isolate of an instance (Miniflare `inspectorPort`).
 * @param {Instance} instance
 * @param {string} isolateId
 */
export async function inspect(instance, isolateId) {
  const base = (await instance.mf.getInspectorURL()).href.replace(/^ws/, 'http');
  const targets = /** @type {{ id: string, webSocketDebuggerUrl: string }[]} */ (await (await fetch(new URL('/json', base))).json());
  const target = targets.find((t) => t.id === isolateId);
  if (!target) throw new Error(`no inspector target ${isolateId}; have ${targets.map((t) => t.id).join(', ')}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot open ${target.webSocketDebuggerUrl}`)), { once: true });
  });
  let id = 0;
  /** @type {Map<number, { resolve: (result: any) => void, reject: (err: Error) => void }>} */
  const pending = new Map();
  ws.addEventListener('message', (event) => {
    const msg = JSON.parse(String(event.data));
    const waiting = msg.id === undefined ? undefined : pending.get(msg.id);
    if (waiting) {
      const { resolve, reject } = waiting;
      pending.delete(msg.id);
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    }
  });
  /** @param {string} method @returns {Promise<any>} */
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      pending.set(n, { resolve, reject });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 200 });
  return {
    start: () => send('Profiler.start'),
    /** @returns {Promise<CpuProfile>} */
    stop: async () => (await send('Profiler.stop')).profile,
    close: () => ws.close(),
  };
}

/**
 * Line ranges of a bundle by source: `// node_modules/<pkg>/…` or `// src/…` comments that esbuild writes.
 * @param {string} bundleFile
 * @returns {(lineNumber: number) => string}
 */
export function bundleSections(bundleFile) {
  /** @type {string[]} */
  const lines = readFileSync(bundleFile, 'utf8').split('\n');
  /** @type {{ line: number, name: string }[]} */
  const starts = [];
  lines.forEach((line, i) => {
    const file = /^\/\/ (\S+)$/.exec(line)?.[1];
    if (!file) return;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    starts.push({ line: i, name: pkg ?? file.split('/')[0] ?? file });
  });
  return (lineNumber) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = 'bundle';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const start = starts[mid];
      if (start !== undefined && start.line <= lineNumber) {
        found = start.name;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/**
 * Self time of a profile by where the code comes from: an npm package or `src` of the
 * bundle, `runtime:<module>` for the runtime's JS (such as `runtime:d1-api`, the D1
 * binding), `(native)` for builtins and runtime calls made from JS (crypto, fetch, KV, …),
 * `(gc)`, `(program)`; `(idle)` is left out. In ms.
 * @param {CpuProfile} profile
 * @param {(lineNumber: number) => string} sectionOf
 */
export function selfTimeByOrigin(profile, sectionOf) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Record<string, number>} */
  const out = {};
  profile.samples.forEach((nodeId, i) => {
    const node = byNode.get(nodeId);
    const us = profile.timeDeltas[i] ?? 0;
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    let origin;
    if (functionName === '(idle)') return;
    if (functionName === '(garbage collector)') origin = '(gc)';
    else if (functionName === '(program)' || functionName === '(root)') origin = '(program)';
    else if (url === 'index.js' || url.endsWith('/index.js')) origin = sectionOf(lineNumber);
    // The runtime's own JS modules that run in the isolate (the D1 binding's wrapper, say).
    else if (url) origin = url.replace(/^cloudflare-internal:/, 'runtime:');
    else origin = '(native)';
    out[origin] = (out[origin] ?? 0) + us / 1000;
  });
  return out;
}

/** @param {string} file @param {CpuProfile} profile */
export function saveProfile(file, profile) {
  writeFileSync(file, JSON.stringify(profile));
}
