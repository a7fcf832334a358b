// One load run with autocannon, measured from our side: every response's latency and
// status, socket errors, and the CPU each runtime process spent, read from /proc before and
// after. Requests that need single-use data (OAuth states, QQ codes, bind tickets) take it
// from a pre-generated pool through autocannon's setupRequest.
import autocannon from 'autocannon';
import { cpuBetween, cpuMs, machineBusyMs, ownCpuMs } from './proc.mjs';

/** @import { Capture, LoadResult, PoolItem, RequestTemplate, ResponseHeaders, Sample } from './types.ts' */
/** @typedef {{ stop(): void, on(event: string, listener: (...args: any[]) => void): void }} Run */

const MAX_SAMPLES = 3;

/**
 * @param {object} o
 * @param {string} o.url           origin of the target worker
 * @param {RequestTemplate} o.request  the request, or the template for pooled ones
 * @param {(() => (PoolItem | null)) | undefined} [o.next]
 *        next pooled item; null when the pool is empty (the run then stops and keeps what it measured so far)
 * @param {number} o.connections
 * @param {number} [o.duration]    seconds (timed runs)
 * @param {number} [o.amount]      number of requests (warm-ups)
 * @param {Record<string, number>} o.pids  processes whose CPU to measure, by role (`target` is the one reported);
 *        list every process the bench started, so that what the rest of the machine did can be told apart
 * @param {(run: Run) => void} [o.onStart]  receives the autocannon instance (for Ctrl-C)
 * @param {Capture} [o.capture]
 *        sees every response (to keep what later runs can use, such as issued OAuth states)
 * @returns {Promise<LoadResult>}
 */
export function load({ url, request, next, connections, duration, amount, pids, onStart, capture }) {
  return new Promise((resolve, reject) => {
    /** @type {number[]} */
    const latencies = [];
    /** @type {Record<string, number>} */
    const statuses = {};
    /** @type {Sample[]} */
    const samples = [];
    let socketErrors = 0;
    /** @type {number | null} */
    let exhaustedAt = null;
    /** @type {Record<string, number> | null} */
    let cpuAtEnd = null;
    /** @type {Run | undefined} */
    let instance;

    /** CPU so far, ms, of each process in `pids`, of this process and of the whole machine. */
    const snapshot = () => {
      /** @type {Record<string, number>} */
      const cpu = { load_generator: ownCpuMs(), machine: machineBusyMs() };
      for (const [role, pid] of Object.entries(pids)) cpu[role] = cpuMs(pid);
      return cpu;
    };

    /** @type {RequestTemplate & { onResponse: (status: number, body: string, context: unknown, headers?: ResponseHeaders) => void, setupRequest?: (req: any) => RequestTemplate }} */
    const template = {
      method: request.method,
      path: request.path,
      headers: request.headers ?? {},
      body: request.body,
      // Keeps the first failing answers so an error count always comes with its cause.
      onResponse(status, body, _context, headers) {
        capture?.(status, body, headers);
        if ((status < 200 || status > 299) && exhaustedAt === null && samples.length < MAX_SAMPLES) {
          samples.push({ status, body: String(body).slice(0, 300) });
        }
      },
    };
    if (next) {
      template.setupRequest = (req) => {
        const item = exhaustedAt === null ? next() : null;
        if (item !== null) return { ...req, ...item, headers: { ...req.headers, ...item.headers } };
        if (exhaustedAt === null) {
          exhaustedAt = performance.now();
          cpuAtEnd = snapshot();
          queueMicrotask(() => instance?.stop());
        }
        // autocannon cannot skip a request: until it stops (within sampleInt), it sends
        // cheap health checks, which are not counted.
        return { ...req, method: 'GET', path: '/healthz', body: undefined };
      };
    }

    const cpuAtStart = snapshot();
    const startedAt = performance.now();
    /** @type {Run} */
    const run = autocannon(
      {
        url,
        connections,
        pipelining: 1,
        ...(amount ? { amount } : { duration }),
        requests: [template],
        // How often autocannon checks whether to stop; 100 ms keeps runs close to their duration.
        sampleInt: 100,
        timeout: 30,
      },
      (/** @type {Error | null} */ err, /** @type {object} */ result) => {
        const endedAt = exhaustedAt ?? performance.now();
        const cpuEnd = cpuAtEnd ?? snapshot();
        if (err) return reject(err);
        const n = latencies.length;
        latencies.sort((a, b) => a - b);
        /** @param {number} p */
        const pct = (p) => (n === 0 ? null : round(latencies[Math.min(n - 1, Math.ceil(p * n) - 1)] ?? 0));
        const non2xx = Object.entries(statuses)
          .filter(([s]) => Number(s) < 200 || Number(s) > 299)
          .reduce((sum, [, c]) => sum + c, 0);
        const elapsed = (endedAt - startedAt) / 1000;
        const { perUnit: cpu, otherCores } = cpuBetween(cpuAtStart, cpuEnd, n, elapsed);
        resolve({
          requests: n,
          elapsed_s: round(elapsed, 2),
          rps: n === 0 ? 0 : round(n / elapsed),
          p50_ms: pct(0.5),
          p99_ms: pct(0.99),
          errors: non2xx + socketErrors,
          error_rate: n + socketErrors === 0 ? 0 : (non2xx + socketErrors) / (n + socketErrors),
          statuses,
          socket_errors: socketErrors,
          cpu_ms_per_req: cpu.target ?? null,
          cpu_ms_per_req_by_process: cpu,
          cores_used: round(((cpuEnd.target ?? 0) - (cpuAtStart.target ?? 0)) / 1000 / elapsed, 2),
          other_load_cores: round(otherCores, 2),
          samples,
          pool_exhausted: exhaustedAt !== null,
          autocannon_completed: 'totalCompletedRequests' in result ? Number(result.totalCompletedRequests) : undefined,
        });
      },
    );
    instance = run;
    if (exhaustedAt !== null) queueMicrotask(() => run.stop());
    onStart?.(run);

    run.on('response', (/** @type {unknown} */ _client, /** @type {number} */ status, /** @type {number} */ _bytes, /** @type {number} */ ms) => {
      if (exhaustedAt !== null) return;
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
    run.on('reqError', (/** @type {Error} */ error) => {
      if (exhaustedAt !== null) return;
      socketErrors++;
      if (samples.length < MAX_SAMPLES) samples.push({ status: 'socket', body: String(error?.message ?? error) });
    });
  });
}

/** @param {number} x */
const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
