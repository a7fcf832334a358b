// The SMS webhook the benchmark points the worker at (SMS_PROVIDER=webhook): answers 202 to
// every delivery, and keeps the latest code per mobile so the benchmark can use them for
// binds. It does not check X-Signature: the benchmark measures the worker, not the hook.
//
// POST /sms    a delivery `{ mobile, code, ttl }`  → 202
// POST /drain  → `{ "<mobile>": "<code>", … }` of every delivery since the last drain
// GET /ping    → 204 (the calibration's outbound fetch)

const codes = new Map();

export default {
  /** @param {Request} request */
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (request.method === 'POST' && pathname === '/sms') {
      try {
        /** @type {{ mobile?: unknown, code?: unknown }} */
        const { mobile, code } = await request.json();
        if (typeof mobile === 'string' && typeof code === 'string') codes.set(mobile, code);
      } catch {
        // still 202: the hook never fails a delivery
      }
      return new Response(null, { status: 202 });
    }
    if (request.method === 'POST' && pathname === '/drain') {
      const all = Object.fromEntries(codes);
      codes.clear();
      return Response.json(all);
    }
    if (pathname === '/ping') return new Response(null, { status: 204 });
    return new Response('not found', { status: 404 });
  },
};
