// One local D1/KV operation per request, in the floor's process: what Miniflare's
// simulators add to the CPU column for each operation a route makes.
import { call } from './client.mjs';
import { load } from './load.mjs';

/** @import { Calibration, Options, RequestTemplate } from './types.ts' */
/** @import { Runtimes, Session } from './runtimes.mjs' */
/** @import { Fixture } from './seed.mjs' */

/**
 * @param {{ session: Session, runtimes: Runtimes, options: Options, fixture: Fixture }} context
 * @returns {Promise<Calibration>}
 */
export async function calibrate({ session, runtimes, options, fixture }) {
  const { floor, fake, worker } = runtimes;
  const C = floor.urls.calibrate;
  if (C === undefined) throw new Error('the calibration worker has no URL');
  await call(`${C}/kv-seed`);
  const probe = await call(`${C}/d1-read?openid=${fixture.returningOpenid}`);
  if (probe.body?.id !== fixture.seededUserId) throw new Error(`calibration D1 does not hold the seeded account: ${JSON.stringify(probe.body)}`);
  const ops = {
    noop: '/noop',
    d1_read: `/d1-read?openid=${fixture.returningOpenid}`,
    kv_get: '/kv-get',
    kv_put: '/kv-put',
    kv_delete: '/kv-delete',
    fetch: '/fetch',
    event_line: '/log',
  };
  const pids = { target: floor.pid, fake_qq_and_hook: fake.pid, worker: worker.pid };
  /** @param {{ stop(): void }} run */
  const onStart = (run) => (session.activeRun = run);
  /** @type {Calibration} */
  const calibration = {};
  for (const [op, opPath] of Object.entries(ops)) {
    /** @type {RequestTemplate} */
    const request = { method: 'GET', path: opPath };
    await load({ url: C, request, connections: options.connections, amount: 200, pids, onStart });
    const r = await load({ url: C, request, connections: options.connections, duration: Math.min(3, options.durationS), pids, onStart });
    session.activeRun = null;
    if (r.errors > 0) throw new Error(`calibration ${op}: ${r.errors} errors, e.g. ${JSON.stringify(r.samples[0])}`);
    calibration[op] = { rps: r.rps, p50_ms: r.p50_ms, cpu_ms_per_req: r.cpu_ms_per_req };
  }
  const base = calibration.noop?.cpu_ms_per_req ?? 0;
  for (const [op, c] of Object.entries(calibration)) {
    if (op !== 'noop') c.cpu_ms_per_op = Math.round(((c.cpu_ms_per_req ?? 0) - base) * 1000) / 1000;
  }
  return calibration;
}
