// Calibration: one local D1 or KV operation per request, to tell how much of a route's
// CPU per request is Miniflare's local D1/KV simulators rather than the worker. They run
// in the same workerd process as the worker calling them (so the CPU column counts them),
// whereas in production D1 and KV are remote services whose time is not the worker's CPU.
// Served beside the floor worker, in its process, with the same D1 database.
//
// GET /noop        nothing: the cost of a request itself
// GET /d1-read     the floor's query: a binding joined with its user, by ?openid=
// GET /kv-get      a KV read of an existing key (written once by GET /kv-seed)
// GET /kv-put      a KV write of a new key (about the size of an OAuth state record)
// GET /kv-delete   a KV delete
// GET /log         one event line as the worker writes it (api.md "Logs": one object passed
//                  to console.log), which the local runtime formats and hands to Miniflare
// GET /fetch       one outbound fetch (to the SMS hook, env.FETCH_URL), through Miniflare's
//                  outbound interceptor like every QQ call and webhook delivery

const ACCOUNT_BY_OPENID =
  'SELECT u.id, u.username, u.nickname, u.avatar FROM qq_bindings b JOIN users u ON u.id = b.user_id WHERE b.openid = ?';
const VALUE = JSON.stringify({ next: '/orders', browser: 'x'.repeat(43) });

/** @typedef {{ DB: D1Database, KV: KVNamespace, FETCH_URL: string }} Env */

export default {
  /** @param {Request} request @param {Env} env */
  async fetch(request, env) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/noop':
        return Response.json({ ok: true });
      case '/d1-read':
        return Response.json(await env.DB.prepare(ACCOUNT_BY_OPENID).bind(url.searchParams.get('openid')).first());
      case '/kv-seed':
        await env.KV.put('calibration', VALUE);
        return Response.json({ ok: true });
      case '/kv-get':
        return Response.json({ value: await env.KV.get('calibration') });
      case '/kv-put':
        await env.KV.put(`c:${crypto.randomUUID()}`, VALUE, { expirationTtl: 600 });
        return Response.json({ ok: true });
      case '/kv-delete':
        await env.KV.delete(`c:${crypto.randomUUID()}`);
        return Response.json({ ok: true });
      case '/log':
        console.log({ event: 'callback', outcome: 'logged_in', user_id: 10001 });
        return Response.json({ ok: true });
      case '/fetch': {
        const res = await fetch(env.FETCH_URL);
        await res.text();
        return Response.json({ status: res.status });
      }
      default:
        return Response.json({ error: 'not_found' }, { status: 404 });
    }
  },
};
