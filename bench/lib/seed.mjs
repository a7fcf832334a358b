// The data every route needs: D1 migrated and filled with other accounts, then one
// returning user created through the worker's own routes (callback → bind_required → SMS
// → bind), and the helpers that make single-use request data (states, QQ codes, tickets).
import path from 'node:path';
import { call, cookieFrom } from './client.mjs';
import { applyMigrations, copyAccounts, insertFiller } from './d1.mjs';

/** @import { Capture, Headers } from './types.ts' */
/** @import { Runtimes } from './runtimes.mjs' */

// Production always has the client's address (Cloudflare sets it), which turns on the
// worker's per-client password throttle; Miniflare's direct sockets do not add it.
export const CLIENT_HEADERS = { 'cf-connecting-ip': '198.51.100.7', 'accept-language': 'zh-CN,zh;q=0.9' };
export const PASSWORD = 'bench-password-0001';
export const SEED_MOBILE = '13700000001';
/** The start of the name of each login's cookie (src/oauth/state.ts; no `__Host-` over http). */
export const LOGIN_COOKIE = 'qq_login_';

/**
 * @param {Runtimes} runtimes
 * @param {string} root
 * @param {number} filler  other accounts in both D1s
 */
export async function seed({ worker, floor, fake, settings }, root, filler) {
  const W = worker.urls.worker;
  const QQ = fake.urls['fake-qq'];
  const HOOK = fake.urls['sms-hook'];

  const workerDb = await worker.mf.getD1Database('DB');
  const floorDb = await floor.mf.getD1Database('DB');
  for (const db of [workerDb, floorDb]) {
    await applyMigrations(db, path.join(root, 'drizzle'));
    await insertFiller(db, filler);
  }

  /** @type {{ openid: string }[]} */
  const presets = (await call(`${QQ}/__fake/users`)).body.users;
  const [returning, firstLogin] = presets;
  if (!returning || !firstLogin) throw new Error('the fake QQ has fewer than two preset users');
  const redirect = settings.QQ_REDIRECT_URI;

  /** @param {string} openid @returns {Promise<string>} */
  const qqCode = async (openid) => (await call(`${QQ}/__fake/codes`, { method: 'POST', json: { openid, redirect_uri: redirect } })).body.code;
  // States issued during the authorization run (unused, each with its login's cookie,
  // `qq_login_<start of the state>`) are kept for the callback and bind pools, which saves
  // generating them again.
  /** @type {{ state: string, cookie: string }[]} */
  const issuedStates = [];
  /** @type {Capture} */
  const keepState = (status, body, headers) => {
    if (status !== 200) return;
    const setCookie = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'set-cookie')?.[1];
    const cookie = [setCookie ?? []].flat().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith(LOGIN_COOKIE));
    const state = JSON.parse(body).state;
    if (cookie && state) issuedStates.push({ state, cookie });
  };
  /** A fresh state with the login cookie it is bound to, from the worker itself. */
  const freshState = async () => {
    const kept = issuedStates.pop();
    if (kept) return kept;
    const res = await call(`${W}/oauth/qq/authorization?next=/orders`, { headers: CLIENT_HEADERS });
    return { state: res.body.state, cookie: cookieFrom(res.headers, LOGIN_COOKIE) };
  };
  /** @param {string} openid @returns {Promise<{ path: string, headers: Headers }>} */
  const callbackItem = async (openid) => {
    const [code, { state, cookie }] = await Promise.all([qqCode(openid), freshState()]);
    return { path: `/oauth/qq/callback?code=${code}&state=${state}`, headers: { cookie: cookie ?? '' } };
  };
  /** @param {string} openid @returns {Promise<string>} */
  const bindTicket = async (openid) => {
    const item = await callbackItem(openid);
    const res = await call(W + item.path, { headers: { ...CLIENT_HEADERS, ...item.headers } });
    if (res.body?.status !== 'bind_required') throw new Error(`expected bind_required, got ${JSON.stringify(res.body).slice(0, 200)}`);
    return res.body.bind_ticket;
  };
  /** @param {string} mobile */
  const sendSms = (mobile) => call(`${W}/sms/codes`, { method: 'POST', headers: CLIENT_HEADERS, json: { mobile }, expect: [202] });
  /** The codes the hook received since the last drain, by mobile. @returns {Promise<Record<string, string>>} */
  const drainHook = async () => (await call(`${HOOK}/drain`, { method: 'POST' })).body;
  /** `n` Turnstile tokens from the fake's control, each accepted once by its siteverify. @param {number} n @returns {Promise<string[]>} */
  const turnstileTokens = async (n) => (await call(`${QQ}/captcha/turnstile/__fake/tokens`, { method: 'POST', json: { count: n } })).body.tokens;
  /** A new fake QQ user. @param {string} nickname @returns {Promise<{ openid: string }>} */
  const newQQUser = async (nickname) => (await call(`${QQ}/__fake/users`, { method: 'POST', json: { nickname }, expect: [201] })).body;

  // The returning user: a QQ identity bound to a new account through the worker's own
  // routes (callback → bind_required → SMS → bind), whose password and token serve the
  // login and /users/me runs.
  await sendSms(SEED_MOBILE);
  const seedTicket = await bindTicket(returning.openid);
  const seedCode = (await drainHook())[SEED_MOBILE];
  const seeded = await call(`${W}/oauth/qq/bind`, {
    method: 'POST',
    headers: CLIENT_HEADERS,
    json: { bind_ticket: seedTicket, mobile: SEED_MOBILE, sms_code: seedCode, password: PASSWORD },
    expect: [201],
  });
  // The floor reads the same D1 contents: the filler plus the accounts seeded above.
  await copyAccounts(workerDb, floorDb, filler);
  console.log(`seeded: user ${seeded.body.user.id} (${SEED_MOBILE}) bound to QQ ${returning.openid.slice(0, 8)}…, ${filler} filler accounts in both D1s`);

  return {
    /** Bound by the seed. */
    returningOpenid: returning.openid,
    /** Never bound: every callback asks to bind. */
    firstLoginOpenid: firstLogin.openid,
    seededUserId: /** @type {number} */ (seeded.body.user.id),
    token: /** @type {string} */ (seeded.body.token),
    keepState,
    qqCode,
    callbackItem,
    bindTicket,
    sendSms,
    drainHook,
    newQQUser,
    turnstileTokens,
    /** Empties the fake's code, token and call logs (preset users stay). */
    resetQQ: () => call(`${QQ}/__fake/reset`, { method: 'POST' }),
  };
}

/** @typedef {Awaited<ReturnType<typeof seed>>} Fixture */
