// The printed table and the SVG chart of one run.

/** @import { ChartResults, Kind, ReportRow } from './types.ts' */

/** @param {number | null | undefined} x */
const fmt = (x, digits = 1) => (x === null || x === undefined ? '-' : Number(x).toFixed(digits));
/** @param {number} x */
const thousands = (x) => Math.round(x).toLocaleString('en-US');

/**
 * The one table: route, requests/s, p50, p99, errors, CPU ms per request.
 * @param {ReportRow[]} rows
 */
export function table(rows) {
  const head = ['route', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU ms/req'];
  const body = rows.map((r) => [
    r.label,
    fmt(r.rps),
    fmt(r.p50_ms),
    fmt(r.p99_ms),
    r.errors === 0 ? '0' : `${r.errors} (${((r.error_rate ?? 0) * 100).toFixed(1)}%)`,
    fmt(r.cpu_ms_per_req, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]?.length ?? 0)));
  /** @param {string[]} cells */
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** @param {unknown} s */
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Horizontal bars of requests/s per route on a log scale (the routes span two orders of
 * magnitude: PBKDF2-bound binds and logins next to a token check), each labelled with its
 * rps and p99. The floor bar sits right under the returning-user callback, the PBKDF2
 * reference right under the password routes.
 * @param {ChartResults} results
 * @param {ReportRow[]} rows
 */
export function svg(results, rows) {
  const rowH = 30;
  const left = 330;
  const barW = 420;
  const top = 78;
  const width = left + barW + 270;
  const busy = Math.max(0, ...rows.map((r) => r.other_load_cores ?? 0));
  const notes = 3 + (busy >= 0.2 ? 1 : 0);
  const height = top + rows.length * rowH + 36 + notes * 18;
  const rates = rows.map((r) => r.rps).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.max(1, Math.min(...rates, 10))));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(10, ...rates))));
  /** @param {number} v */
  const x = (v) => left + ((Math.log10(Math.max(10 ** lo, v)) - lo) / (hi - lo)) * barW;
  /** @type {Record<Kind, string>} */
  const colour = { worker: '#2563eb', floor: '#9ca3af', reference: '#f59e0b' };

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="16" y="26" font-size="17" font-weight="600">qq-login-worker: requests/s per route (fake QQ latency ${results.qq_latency_ms} ms)</text>`);
  const m = results.machine;
  out.push(`<text x="16" y="46" fill="#555">${esc(`${m.nproc} × ${m.cpu_model} · workerd via Miniflare · ${results.settings.connections} connections · ${results.settings.duration_s} s per route · ${results.date.slice(0, 10)}`)}</text>`);
  out.push(`<text x="16" y="64" fill="#555">log scale · bar label: requests/s · p99 latency · right: runtime CPU per request</text>`);

  // Decade grid lines.
  for (let d = lo; d <= hi; d++) {
    const gx = x(10 ** d);
    out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${top + rows.length * rowH}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${gx}" y="${top + rows.length * rowH + 16}" text-anchor="middle" fill="#777" font-size="11">${thousands(10 ** d)}</text>`);
  }

  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const kind = r.kind ?? 'worker';
    const w = Math.max(2, x(r.rps) - left);
    out.push(`<text x="${left - 10}" y="${y + 19}" text-anchor="end"${kind === 'worker' ? '' : ' fill="#555" font-style="italic"'}>${esc(r.label)}</text>`);
    out.push(`<rect x="${left}" y="${y + 5}" width="${w.toFixed(1)}" height="${rowH - 10}" rx="3" fill="${colour[kind]}"/>`);
    const errors = r.errors > 0 ? ` · ${r.errors} errors` : '';
    out.push(`<text x="${(left + w + 8).toFixed(1)}" y="${y + 19}"${r.errors > 0 ? ' fill="#b91c1c"' : ''}>${esc(`${thousands(r.rps)} rps · p99 ${fmt(r.p99_ms)} ms${errors}`)}</text>`);
    out.push(`<text x="${width - 12}" y="${y + 19}" text-anchor="end" fill="#777" font-size="11">${esc(`${fmt(r.cpu_ms_per_req, 2)} ms CPU`)}</text>`);
  });

  const foot = top + rows.length * rowH + 44;
  const lines = [
    `floor_ratio ${fmt(results.floor_ratio, 2)} (CPU per request ${fmt(results.floor_cpu_ratio, 2)}× the floor's): returning-user callback vs the floor worker (2 QQ calls + 1 D1 read + 1 JWT)`,
    `one PBKDF2 (100,000 iterations) per request allows ${fmt(results.pbkdf2_rps)} rps: bind at ${fmt(results.bind_vs_pbkdf2, 2)}×, login at ${fmt(results.login_vs_pbkdf2, 2)}× of it`,
    `bundle ${thousands(results.bundle.raw_bytes / 1024)} KiB (gzip ${thousands(results.bundle.gzip_bytes / 1024)} KiB) · script startup ${fmt(results.startup.script_startup_ms)} ms (wrangler check startup), ${fmt(results.startup.script_import_cpu_ms)} ms CPU per fresh import · new Miniflare → first /healthz ${fmt(results.startup.worker_first_healthz_ms, 0)} ms`,
  ];
  if (busy >= 0.2) lines.push(`other processes on the machine used up to ${fmt(busy, 2)} cores during the runs: requests/s are understated; CPU per request is the steadier figure`);
  lines.forEach((l, i) => out.push(`<text x="16" y="${foot + i * 18}" fill="#333">${esc(l)}</text>`));
  out.push(`<g font-size="11" fill="#555">`);
  out.push(`<rect x="${width - 300}" y="16" width="10" height="10" fill="${colour.worker}"/><text x="${width - 285}" y="25">worker</text>`);
  out.push(`<rect x="${width - 230}" y="16" width="10" height="10" fill="${colour.floor}"/><text x="${width - 215}" y="25">floor</text>`);
  out.push(`<rect x="${width - 170}" y="16" width="10" height="10" fill="${colour.reference}"/><text x="${width - 155}" y="25">PBKDF2 alone</text>`);
  out.push(`</g>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * The chart's rows from a results file's routes (in their order).
 * @param {ChartResults} results
 * @returns {ReportRow[]}
 */
export function rowsOf(results) {
  /** @param {string} name @returns {Kind} */
  const kindOf = (name) => (name === 'floor_callback' ? 'floor' : name === 'pbkdf2' ? 'reference' : 'worker');
  return Object.entries(results.routes).map(([name, r]) => ({ name, kind: r.kind ?? kindOf(name), ...r }));
}
