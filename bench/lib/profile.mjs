// Optional (`--profile`): V8 CPU profiles of the worker's own isolate during each timed run,
// through workerd's inspector. The runtime process's CPU (the CPU column) also holds the
// local D1/KV simulators and Miniflare's plumbing, which run in other isolates of the same
// process; the profile of the worker's isolate alone shows what the worker's code costs,
// and where (by npm package, from the bundle's `// node_modules/<pkg>/…` section comments).
import { readFileSync, writeFileSync } from 'node:fs';

/** Opens a DevTools protocol session on one isolate of an instance (Miniflare `inspectorPort`). */
export async function inspect(instance, isolateId) {
  const base = (await instance.mf.getInspectorURL()).href.replace(/^ws/, 'http');
  const targets = await (await fetch(new URL('/json', base))).json();
  const target = targets.find((t) => t.id === isolateId);
  if (!target) throw new Error(`no inspector target ${isolateId}; have ${targets.map((t) => t.id).join(', ')}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot open ${target.webSocketDebuggerUrl}`)), { once: true });
  });
  let id = 0;
  const pending = new Map();
  ws.addEventListener('message', (event) => {
    const msg = JSON.parse(String(event.data));
    if (msg.id !== undefined && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    }
  });
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
    stop: async () => (await send('Profiler.stop')).profile,
    close: () => ws.close(),
  };
}

/** Line ranges of a bundle by source: `// node_modules/<pkg>/…` or `// src/…` comments that esbuild writes. */
export function bundleSections(bundleFile) {
  const lines = readFileSync(bundleFile, 'utf8').split('\n');
  const starts = [];
  lines.forEach((line, i) => {
    const m = /^\/\/ (\S+)$/.exec(line);
    if (!m) return;
    const file = m[1];
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    starts.push({ line: i, name: pkg ? pkg[1] : file.split('/')[0] });
  });
  return (lineNumber) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = 'bundle';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid].line <= lineNumber) {
        found = starts[mid].name;
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
 */
export function selfTimeByOrigin(profile, sectionOf) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = {};
  profile.samples.forEach((nodeId, i) => {
    const node = byNode.get(nodeId);
    const us = profile.timeDeltas[i] ?? 0;
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

export function saveProfile(file, profile) {
  writeFileSync(file, JSON.stringify(profile));
}
