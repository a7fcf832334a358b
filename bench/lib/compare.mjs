// After the passes (one per fake-QQ latency): the whole returning-user login of the worker
// and of the seeds' Django stack against the floor worker at each latency, as measured
// side by side (bench/lib/logins.mjs), with the bundle's size and its script startup,
// printed and written to bench/results/login-vs-floor.json. The figures derived from the
// separate route runs (authorization + callback) stay beside them in the JSON.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** @import { Results } from './results.mjs' */

/**
 * @param {Results[]} passes
 * @param {{ root: string, write: boolean }} where  write: false for partial or profiled runs
 */
export function compareLogins(passes, { root, write }) {
  const [first] = passes;
  if (first === undefined) return;
  const rows = passes.map((p) => {
    const servers = p.full_logins?.servers;
    /** @param {'worker' | 'floor' | 'django'} name */
    const measured = (name) => {
      const r = servers?.[name];
      if (!r) return null;
      return {
        logins_per_s: r.logins_per_s,
        cpu_ms_per_login: r.cpu_ms_per_login,
        p50_ms: r.p50_ms,
        p99_ms: r.p99_ms,
        errors: r.errors,
        logins: r.logins,
        logins_per_s_vs_floor: r.logins_per_s_vs_floor,
        cpu_vs_floor: r.cpu_vs_floor,
        other_load_cores: r.other_load_cores,
      };
    };
    return {
      qq_latency_ms: p.qq_latency_ms,
      connections: p.full_logins?.connections ?? null,
      duration_s: p.full_logins?.duration_s ?? null,
      worker: measured('worker'),
      floor: measured('floor'),
      django: measured('django'),
      derived_from_routes: p.login_vs_floor,
    };
  });
  const comparison = {
    date: new Date().toISOString(),
    source: first.source,
    what: {
      measured:
        'each server in turn, the same clients each looping whole returning-user logins for the same duration, against the same fake QQ; CPU of all the server\'s processes per login',
      worker: 'GET /oauth/qq/authorization?next=/orders, then GET /oauth/qq/callback with its state and login cookie',
      floor: 'bench/floor GET /callback (no state)',
      django: "the seeds' stack (bench/django, meiduo's views on Django 3.2 + DRF + PyJWT + SQLite, gunicorn): GET /oauth/qq/authorization/, then GET /oauth/qq/user/",
      derived_from_routes: 'worker: the authorization and returning-callback route runs combined, CPU added up and 1 / (1/rps1 + 1/rps2); floor: its callback route run',
    },
    logins: rows,
    bundle_gzip_bytes: first.bundle.gzip_bytes,
    wrangler_total_upload: first.bundle.wrangler_total_upload,
    script_startup_cpu_ms: first.startup.script_startup_ms,
    script_startup_source: first.startup.script_startup_source,
    script_startup_sampled_ms: first.startup.script_startup_sampled_ms,
    script_import_cpu_ms: first.startup.script_import_cpu_ms,
  };
  const cell = (/** @type {unknown} */ v) => (v === undefined || v === null ? '-' : String(v));
  /** @param {number | null | undefined} v */
  const fixed = (v, digits = 2) => (v === undefined || v === null ? '-' : v.toFixed(digits));
  const head = ['QQ latency', 'logins/s worker', 'floor', 'Django', 'worker ÷ floor', 'Django ÷ floor', 'CPU ms/login worker', 'floor', 'Django', 'worker ÷ floor', 'Django ÷ floor'];
  const body = rows.map((r) => [
    `${r.qq_latency_ms} ms`,
    fixed(r.worker?.logins_per_s, 1),
    fixed(r.floor?.logins_per_s, 1),
    fixed(r.django?.logins_per_s, 1),
    fixed(r.worker?.logins_per_s_vs_floor),
    fixed(r.django?.logins_per_s_vs_floor),
    fixed(r.worker?.cpu_ms_per_login),
    fixed(r.floor?.cpu_ms_per_login),
    fixed(r.django?.cpu_ms_per_login),
    fixed(r.worker?.cpu_vs_floor),
    fixed(r.django?.cpu_vs_floor),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]?.length ?? 0)));
  /** @param {string[]} cells */
  const line = (cells) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ');
  const lines = [
    '',
    'whole returning-user logins, measured side by side: the worker and the seeds\' Django stack against the floor worker',
    line(head),
    ...body.map(line),
    ...rows
      .filter((r) => r.derived_from_routes)
      .map((r) => {
        const d = r.derived_from_routes;
        return `derived from the route runs at ${r.qq_latency_ms} ms: worker ${cell(d?.worker_logins_per_s)} vs floor ${cell(d?.floor_logins_per_s)} logins/s (${cell(d?.throughput_ratio)}×), CPU ${cell(d?.worker_cpu_ms_per_login)} vs ${cell(d?.floor_cpu_ms_per_login)} ms (${cell(d?.cpu_ratio)}×)`;
      }),
    `bundle: gzip ${(comparison.bundle_gzip_bytes / 1024).toFixed(1)} KiB (wrangler: ${comparison.wrangler_total_upload ?? 'n/a'}); script startup ${cell(comparison.script_startup_cpu_ms)} ms (${comparison.script_startup_source}; ${cell(comparison.script_startup_sampled_ms)} ms without its profiler's stall), ${cell(comparison.script_import_cpu_ms)} ms of workerd CPU per fresh import`,
  ];
  console.log(lines.join('\n'));
  if (write) {
    writeFileSync(path.join(root, 'bench/results/login-vs-floor.json'), `${JSON.stringify(comparison, null, 2)}\n`);
    console.log('comparison: bench/results/login-vs-floor.json');
  }
}
