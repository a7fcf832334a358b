// The floor worker: the least work a returning-user QQ callback can do, with no framework,
// validation library or ORM. It exists only to be benchmarked against the real worker
// (`npm run bench` serves it in its own Miniflare/workerd instance, with the same D1
// contents and the same fake QQ), so the real worker's throughput can be read as a
// fraction of what the unavoidable work allows.
//
// GET /callback?code=…  exactly: two QQ calls (token, me), one D1 read (the binding joined
//                       with its user, by openid), one HS256 JWT signature (WebCrypto).
//                       No state check, no cookie, no profile call, no token sealing.
// GET /pbkdf2           exactly one PBKDF2-SHA256 derivation of 100,000 iterations, the
//                       cost of one password check or new password hash in the worker.
// GET /healthz          {"ok":true}, for the startup measurement.

const encoder = new TextEncoder();
const JWT_HEADER = base64url(encoder.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
const ACCOUNT_BY_OPENID =
  'SELECT u.id, u.username, u.nickname, u.avatar FROM qq_bindings b JOIN users u ON u.id = b.user_id WHERE b.openid = ?';

/** @typedef {{ DB: D1Database, JWT_SECRET: string, JWT_TTL_SECONDS?: string, JWT_ISSUER?: string } & QQ} Env */
/** @typedef {{ QQ_API_BASE: string, QQ_APP_ID: string, QQ_APP_KEY: string, QQ_REDIRECT_URI: string }} QQ */

// Imported once per isolate: any worker can keep its signing key, so it is not floor work.
/** @type {Promise<CryptoKey> | undefined} */
let signingKey;

export default {
  /** @param {Request} request @param {Env} env */
  async fetch(request, env) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/callback':
        return callback(url, env);
      case '/pbkdf2':
        return pbkdf2();
      case '/healthz':
        return Response.json({ ok: true });
      default:
        return Response.json({ error: 'not_found' }, { status: 404 });
    }
  },
};

/** @param {URL} url @param {Env} env */
async function callback(url, env) {
  const code = url.searchParams.get('code');
  if (!code) return Response.json({ error: 'invalid_request' }, { status: 400 });
  const base = env.QQ_API_BASE;

  const tokenQuery = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: env.QQ_APP_ID,
    client_secret: env.QQ_APP_KEY,
    code,
    redirect_uri: env.QQ_REDIRECT_URI,
    fmt: 'json',
  });
  /** @type {{ access_token?: unknown }} */
  const token = await (await fetch(`${base}/oauth2.0/token?${tokenQuery}`)).json();
  if (typeof token.access_token !== 'string') return Response.json({ error: 'qq_code_invalid' }, { status: 400 });

  const meQuery = new URLSearchParams({ access_token: token.access_token, fmt: 'json' });
  /** @type {{ openid?: unknown }} */
  const me = await (await fetch(`${base}/oauth2.0/me?${meQuery}`)).json();
  if (typeof me.openid !== 'string') return Response.json({ error: 'qq_unavailable' }, { status: 502 });

  const user = await env.DB.prepare(ACCOUNT_BY_OPENID).bind(me.openid).first();
  if (user === null) return Response.json({ error: 'not_bound' }, { status: 404 });

  const iat = Math.floor(Date.now() / 1000);
  const ttl = Number(env.JWT_TTL_SECONDS ?? 86400);
  const jwt = await sign({ sub: String(user.id), iat, exp: iat + ttl, iss: env.JWT_ISSUER ?? 'qq-login-worker' }, env.JWT_SECRET);
  return Response.json({ status: 'logged_in', token: jwt, token_type: 'Bearer', expires_in: ttl, user });
}

async function pbkdf2() {
  const key = await crypto.subtle.importKey('raw', encoder.encode('bench-password-0001'), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode('benchsalt0123456789abc'), iterations: 100_000 },
    key,
    256,
  );
  return Response.json({ bytes: bits.byteLength });
}

/** @param {Record<string, unknown>} claims @param {string} secret */
async function sign(claims, secret) {
  signingKey ??= crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const input = `${JWT_HEADER}.${base64url(encoder.encode(JSON.stringify(claims)))}`;
  const signature = await crypto.subtle.sign('HMAC', await signingKey, encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/** @param {Uint8Array} bytes */
function base64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
