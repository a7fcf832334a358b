// Small HTTP helpers for seeding and for generating request pools (not for the timed runs).

/**
 * A request that must answer `expect`; resolves with the parsed JSON body (or null) and
 * headers. The body is the bench's own fakes' and worker's JSON, read without a schema.
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, json?: unknown, expect?: number[] }} [options]
 * @returns {Promise<{ status: number, body: any, headers: Headers }>}
 */
export async function call(url, { method = 'GET', headers = {}, json, expect = [200] } = {}) {
  const init = { method, headers: { ...headers }, body: /** @type {string | undefined} */ (undefined) };
  if (json !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  const res = await fetch(url, init);
  const text = await res.text();
  if (!expect.includes(res.status)) {
    throw new Error(`${method} ${url.replace(/\?.*/, '?…')} answered ${res.status} (expected ${expect.join('/')}): ${text.slice(0, 300)}`);
  }
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}

/**
 * Runs `fn(i)` for i = 0..n-1 with at most `concurrency` at a time; resolves with the results in order.
 * @template T
 * @param {number} n
 * @param {number} concurrency
 * @param {(i: number) => Promise<T>} fn
 * @returns {Promise<T[]>}
 */
export async function parallel(n, concurrency, fn) {
  /** @type {T[]} */
  const out = new Array(n);
  let nextIndex = 0;
  const lane = async () => {
    while (nextIndex < n) {
      const i = nextIndex++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, lane));
  return out;
}

/**
 * `name=value` of the cookie called `name` among a response's Set-Cookie headers.
 * @param {Headers} headers
 * @param {string} name
 */
export function cookieFrom(headers, name) {
  for (const line of headers.getSetCookie()) {
    const pair = (line.split(';')[0] ?? '').trim();
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return null;
}
