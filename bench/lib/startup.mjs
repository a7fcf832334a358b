// Script startup: what loading the bundle costs a fresh isolate (compiling it and running
// its top level), measured two ways.
//
// 1. `wrangler check startup`, the figure Cloudflare's tooling reports: workerd imports the
//    bundle once under the DevTools CPU profiler, and "Active" is the profile's non-idle
//    time. The profile samples about once a millisecond and includes the profiler's own
//    harness, so one run scatters by ±10 ms on a busy machine: the median of several runs.
// 2. The workerd process's CPU (/proc) while it imports the bundle fresh many times, minus
//    the same for an empty worker: one workerd, `copies` copies of the bundle (each a
//    distinct source, so V8 compiles every one anew), one request per import. CPU time,
//    not wall time, so other work on the machine moves it little.
import { readFileSync } from 'node:fs';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { run } from './build.mjs';
import { cpuMs, workerdChildren } from './proc.mjs';

const EMPTY_WORKER = 'export default { fetch() { return new Response("ok"); } };';

/**
 * @param {string} root
 * @param {string} uploadForm  the bundle as a deploy uploads it (`--outfile` of the dry run)
 * @param {string} profileFile  where the last profile goes
 * @param {number} runs
 */
export async function checkStartup(root, uploadForm, profileFile, runs) {
  /** @type {number[]} */
  const active = [];
  /** @type {number[]} */
  const afterGap = [];
  for (let i = 0; i < runs; i++) {
    const output = await run('npx', ['wrangler', 'check', 'startup', '--worker', uploadForm, '--outfile', profileFile], { cwd: root });
    const ms = /Active:\s*([\d.]+)\s*ms/.exec(output)?.[1];
    if (ms !== undefined) active.push(Number(ms));
    const gapless = activeWithoutStall(profileFile);
    if (gapless !== null) afterGap.push(gapless);
  }
  return { median_ms: median(active), samples_ms: active, sampled_median_ms: median(afterGap) };
}

/**
 * The profile's active time without the sampler's stall. Samples come about 1.1 ms apart,
 * except for one interval of a fixed ~18–20 ms near the start, whatever the bundle (an
 * empty worker has it as well as this bundle and one twice its size); "Active" counts it
 * whole whenever its sample lands in JavaScript, so an empty worker reads 0 ms or about
 * 18 ms. This sums the non-idle intervals under 5 ms: the work the profiler did sample.
 * @param {string} file
 */
function activeWithoutStall(file) {
  try {
    /** @type {import('./types.ts').CpuProfile} */
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
    let active = 0;
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0;
      if (us < 5000 && names.get(id) !== '(idle)') active += us;
    });
    return Math.round(active / 100) / 10;
  } catch {
    return null;
  }
}

/**
 * CPU per fresh import of the bundle and of an empty worker, in one workerd process.
 * @param {string} bundleFile  the bundle's ES module (`--outdir` of the dry run)
 * @param {{ copies?: number, compatibilityDate?: string }} [options]
 */
export async function importCpu(bundleFile, { copies = 25, compatibilityDate } = {}) {
  const bundle = readFileSync(bundleFile, 'utf8');
  /** @type {{ type: 'ESModule', path: string, contents: string }[]} */
  const modules = [
    {
      type: 'ESModule',
      path: '/entry.js',
      contents: `export default { async fetch(request) { await import('./' + new URL(request.url).pathname.slice(1) + '.js'); return new Response('ok'); } };`,
    },
  ];
  // A leading comment makes every copy a different source: no compilation is shared.
  for (let i = 0; i <= copies; i++) {
    modules.push({ type: 'ESModule', path: `/bundle${i}.js`, contents: `/*${i}*/${bundle}` });
    modules.push({ type: 'ESModule', path: `/empty${i}.js`, contents: `/*${i}*/${EMPTY_WORKER}` });
  }
  const before = new Set(workerdChildren());
  const mf = new Miniflare(convertV4MiniflareOptions({ modules, modulesRoot: '/', compatibilityDate, enableDevRegistry: false }));
  try {
    await mf.ready;
    const pid = workerdChildren().find((p) => !before.has(p));
    if (pid === undefined) throw new Error('script startup: no workerd process');
    /** @param {string} path */
    const get = async (path) => {
      const res = await mf.dispatchFetch(`http://startup${path}`);
      await res.text();
      if (res.status !== 200) throw new Error(`script startup: ${path} answered ${res.status}`);
    };
    // Copy 0 of each warms the entry worker and the request path.
    await get('/empty0');
    await get('/bundle0');
    /** @param {string} name */
    const perImport = async (name) => {
      const start = cpuMs(pid);
      for (let i = 1; i <= copies; i++) await get(`/${name}${i}`);
      return (cpuMs(pid) - start) / copies;
    };
    const empty = await perImport('empty');
    const full = await perImport('bundle');
    return { copies, bundle_ms: round(full), empty_ms: round(empty), script_ms: round(full - empty) };
  } finally {
    await mf.dispose();
  }
}

/**
 * Both measures of the bundle's script startup.
 * @param {string} root
 * @param {{ uploadForm: string, bundleFile: string, profileFile: string, compatibilityDate?: string, runs?: number }} where
 */
export async function scriptStartup(root, { uploadForm, bundleFile, profileFile, compatibilityDate, runs = 5 }) {
  const check = await checkStartup(root, uploadForm, profileFile, runs);
  const imports = await importCpu(bundleFile, { compatibilityDate });
  return { check, imports };
}

/** @param {number[]} values */
function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return round(sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
}

/** @param {number} ms */
const round = (ms) => Math.round(ms * 10) / 10;
