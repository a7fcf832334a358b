// A stand-in for the captcha services, on this machine: Cloudflare Turnstile's widget script
// and siteverify, Tencent Captcha's TCaptcha.js and DescribeCaptchaResult. The widgets get
// their tokens from here; the worker verifies them here; each verifies once.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

export const TURNSTILE = { siteKey: '1x00000000000000000000AA-fake', secret: 'fake-turnstile-secret' };
export const TENCENT = { appId: '190000001', appSecretKey: 'fake-tencent-app-secret' };

const SCRIPTS = {
  '/turnstile/v0/api.js': readFileSync(new URL('turnstile.js', import.meta.url), 'utf8'),
  '/tencent/TCaptcha.js': readFileSync(new URL('tencent.js', import.meta.url), 'utf8'),
};

/** Starts the service on a free port; `verified` counts the answers it accepted. */
export async function startFakeCaptcha() {
  const turnstileTokens = new Map();
  const tencentTickets = new Map();
  const calls = { siteverify: 0, describe: 0, accepted: 0 };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await read(req);
    const send = (status, type, text) => {
      res.writeHead(status, { 'content-type': type, 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
      res.end(text);
    };
    const json = (value, status = 200) => send(status, 'application/json', JSON.stringify(value));

    if (req.method === 'GET' && url.pathname in SCRIPTS) return send(200, 'text/javascript; charset=utf-8', SCRIPTS[url.pathname]);
    if (req.method === 'POST' && url.pathname === '/turnstile/token') {
      const { sitekey } = JSON.parse(body || '{}');
      const token = `turnstile.${randomBytes(24).toString('base64url')}`;
      turnstileTokens.set(token, { sitekey, used: false });
      return json({ token });
    }
    if (req.method === 'POST' && url.pathname === '/turnstile/v0/siteverify') {
      calls.siteverify++;
      const form = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body));
      const issued = turnstileTokens.get(form.response);
      if (form.secret !== TURNSTILE.secret) return json({ success: false, 'error-codes': ['invalid-input-secret'] });
      if (!issued || issued.used || issued.sitekey !== TURNSTILE.siteKey) return json({ success: false, 'error-codes': ['invalid-input-response'] });
      issued.used = true;
      calls.accepted++;
      return json({ success: true, 'error-codes': [], hostname: 'localhost' });
    }
    if (req.method === 'POST' && url.pathname === '/tencent/ticket') {
      const { appId } = JSON.parse(body || '{}');
      const ticket = `tr0${randomBytes(24).toString('base64url')}`;
      const randstr = `@${randomBytes(3).toString('hex')}`;
      tencentTickets.set(ticket, { appId, randstr, used: false });
      return json({ ticket, randstr });
    }
    if (req.method === 'POST' && url.pathname === '/tencent/') {
      calls.describe++;
      const requestId = randomBytes(8).toString('hex');
      if (req.headers['x-tc-action'] !== 'DescribeCaptchaResult' || !String(req.headers.authorization ?? '').startsWith('TC3-HMAC-SHA256 ')) {
        return json({ Response: { Error: { Code: 'AuthFailure', Message: 'not a signed DescribeCaptchaResult' }, RequestId: requestId } });
      }
      const ask = JSON.parse(body);
      const issued = tencentTickets.get(ask.Ticket);
      const ok =
        issued &&
        !issued.used &&
        issued.randstr === ask.Randstr &&
        String(ask.CaptchaAppId) === TENCENT.appId &&
        issued.appId === TENCENT.appId &&
        ask.AppSecretKey === TENCENT.appSecretKey;
      if (!ok) return json({ Response: { CaptchaCode: 9, CaptchaMsg: 'verify failed', EvilLevel: 0, RequestId: requestId } });
      issued.used = true;
      calls.accepted++;
      return json({ Response: { CaptchaCode: 1, CaptchaMsg: 'OK', EvilLevel: 0, RequestId: requestId } });
    }
    return json({ error: 'not found' }, 404);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;

  /** A token as the widget would get it, for requests made without a browser. */
  async function turnstileToken() {
    const response = await fetch(`${origin}/turnstile/token`, { method: 'POST', body: JSON.stringify({ sitekey: TURNSTILE.siteKey }) });
    return { captcha_token: (await response.json()).token };
  }

  return {
    origin,
    calls,
    turnstileToken,
    /** Settings that point a worker at this service. */
    settings: {
      turnstile: {
        CAPTCHA_PROVIDER: 'turnstile',
        TURNSTILE_SITE_KEY: TURNSTILE.siteKey,
        TURNSTILE_SECRET_KEY: TURNSTILE.secret,
        TURNSTILE_VERIFY_URL: `${origin}/turnstile/v0/siteverify`,
        TURNSTILE_SCRIPT_URL: `${origin}/turnstile/v0/api.js`,
      },
      tencent: {
        CAPTCHA_PROVIDER: 'tencent',
        TENCENT_SECRET_ID: 'AKIDfake0000000000000000000000000000',
        TENCENT_SECRET_KEY: 'fake-tencent-secret-key-000000000',
        TENCENT_CAPTCHA_APP_ID: TENCENT.appId,
        TENCENT_CAPTCHA_APP_SECRET_KEY: TENCENT.appSecretKey,
        TENCENT_CAPTCHA_ENDPOINT: `${origin}/tencent/`,
        TENCENT_CAPTCHA_SCRIPT_URL: `${origin}/tencent/TCaptcha.js`,
      },
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

function read(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
