// What is loaded on each route, in the order they run, and what each request needs
// generated beforehand (see the table in bench/README.md).
import { parallel } from './client.mjs';
import { PASSWORD, SEED_MOBILE } from './seed.mjs';

/** @import { PoolItem, Route } from './types.ts' */
/** @import { Fixture } from './seed.mjs' */

const PREP_CONCURRENCY = 16;

/** @param {unknown} body @returns {PoolItem} */
const json = (body) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * @param {Fixture} f
 * @returns {Route[]}
 */
export function routes(f) {
  let smsCounter = 0;
  let captchaCounter = 0;
  let bindCounter = 0;
  return [
    {
      name: 'authorization',
      label: 'GET /oauth/qq/authorization',
      request: { method: 'GET', path: '/oauth/qq/authorization?next=/orders' },
      capture: f.keepState,
      warmup: 300,
    },
    {
      name: 'callback_returning',
      label: 'GET /oauth/qq/callback (returning)',
      request: { method: 'GET', path: '/oauth/qq/callback' },
      pool: (n) => parallel(n, PREP_CONCURRENCY, () => f.callbackItem(f.returningOpenid)),
      warmup: 200,
    },
    {
      name: 'floor_callback',
      label: 'floor: returning-user callback',
      kind: 'floor',
      target: 'floor',
      request: { method: 'GET', path: '/callback' },
      pool: (n) => parallel(n, PREP_CONCURRENCY, async () => ({ path: `/callback?code=${await f.qqCode(f.returningOpenid)}` })),
      // Fast, and faster once warm than during its warm-up: a larger margin (codes are cheap).
      warmup: 500,
      margin: 2,
    },
    {
      name: 'callback_first_login',
      label: 'GET /oauth/qq/callback (first login)',
      request: { method: 'GET', path: '/oauth/qq/callback' },
      pool: (n) => parallel(n, PREP_CONCURRENCY, () => f.callbackItem(f.firstLoginOpenid)),
      warmup: 200,
    },
    {
      name: 'sms_send',
      label: 'POST /sms/codes',
      request: { method: 'POST', path: '/sms/codes' },
      // A new mobile per request (139xxxxxxxx), else the resend window answers 429.
      generator: () => json({ mobile: `139${String(++smsCounter).padStart(8, '0')}` }),
      warmup: 300,
      after: f.drainHook,
    },
    {
      name: 'sms_send_captcha',
      label: 'POST /sms/codes + Turnstile',
      script: 'worker-captcha',
      request: { method: 'POST', path: '/sms/codes' },
      // A new mobile (136xxxxxxxx) and a fresh single-use token per request; siteverify is
      // the fake Turnstile, so this row adds the worker's own captcha work to sms_send's.
      pool: async (n) =>
        (await f.turnstileTokens(n)).map((token) => json({ mobile: `136${String(++captchaCounter).padStart(8, '0')}`, captcha_token: token })),
      warmup: 300,
      after: f.drainHook,
    },
    {
      name: 'bind',
      label: 'POST /oauth/qq/bind (new account)',
      request: { method: 'POST', path: '/oauth/qq/bind' },
      // Each bind needs its own QQ identity (a new fake QQ user), bind ticket, new mobile
      // (138xxxxxxxx, so the bind creates an account) and the SMS code sent to it.
      pool: async (n) => {
        const items = await parallel(n, PREP_CONCURRENCY, async () => {
          const mobile = `138${String(++bindCounter).padStart(8, '0')}`;
          const user = await f.newQQUser(`压测${bindCounter}`);
          const [ticket] = await Promise.all([f.bindTicket(user.openid), f.sendSms(mobile)]);
          return { ticket, mobile };
        });
        const codes = await f.drainHook();
        return items.map(({ ticket, mobile }) => json({ bind_ticket: ticket, mobile, sms_code: codes[mobile], password: PASSWORD }));
      },
      warmup: 30,
    },
    {
      name: 'login',
      label: 'POST /users/login',
      request: { method: 'POST', path: '/users/login', ...json({ username: SEED_MOBILE, password: PASSWORD }) },
      warmup: 20,
    },
    {
      name: 'pbkdf2',
      label: 'one PBKDF2 per request',
      kind: 'reference',
      target: 'floor',
      request: { method: 'GET', path: '/pbkdf2' },
      warmup: 20,
    },
    {
      name: 'me',
      label: 'GET /users/me',
      request: { method: 'GET', path: '/users/me', headers: { authorization: `Bearer ${f.token}` } },
      warmup: 300,
    },
  ];
}

/**
 * The routes --routes names (all without it); throws on a name that is neither a route
 * nor "calibration" or "logins".
 * @param {Route[]} all
 * @param {string[] | null} only
 */
export function selectRoutes(all, only) {
  if (only === null) return all;
  const extra = ['calibration', 'logins'];
  const unknown = only.filter((name) => !extra.includes(name) && !all.some((r) => r.name === name));
  if (unknown.length) throw new Error(`unknown route ${unknown.join(', ')} in --routes; known: ${[...all.map((r) => r.name), ...extra].join(', ')}`);
  return all.filter((r) => only.includes(r.name));
}
