// The returning user's login path from outside, against `wrangler dev` and its local state:
// it writes nothing (every row of the local D1 and KV stores is the same after twenty
// logins and their /users/me calls), several tabs of one browser all complete in any order,
// and a completed callback cannot be replayed. Plain HTTP, as a site's own client would.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { QQ, WORKER, createAccount, post } from './browser.mjs';

const STATE = process.env.E2E_WORKER_STATE;
if (!STATE) throw new Error('E2E_WORKER_STATE is not set: run the browser tests with `npm run test:e2e`');
const REDIRECT_URI = `${WORKER}/login/qq/callback`;

// node:sqlite is still marked experimental in Node 22: one warning, nothing else changes.
process.removeAllListeners('warning');
const { DatabaseSync } = await import('node:sqlite');

/**
 * One browser's cookies, as it keeps them: Set-Cookie adds or replaces, Max-Age=0 or an
 * expiry in the past removes.
 */
class Browser {
  /** @type {Map<string, string>} */
  jar = new Map();

  /** @param {string} url @param {RequestInit} [init] */
  async fetch(url, init = {}) {
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...init.headers } });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const gone = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()));
      if (gone) this.jar.delete(name);
      else this.jar.set(name, pair.slice(eq + 1));
    }
    return res;
  }

  /** `GET /oauth/qq/authorization`: the state this browser's login carries. */
  async startLogin() {
    const res = await this.fetch(`${WORKER}/oauth/qq/authorization?next=/orders`);
    assert.equal(res.status, 200);
    const { state, login_url: loginUrl } = await res.json();
    assert.equal(new URL(loginUrl).searchParams.get('state'), state);
    return /** @type {string} */ (state);
  }

  /** QQ's redirect back: `GET /oauth/qq/callback?code&state`. @param {string} code @param {string} state */
  async callback(code, state) {
    const res = await this.fetch(`${WORKER}/oauth/qq/callback?${new URLSearchParams({ code, state })}`);
    return { status: res.status, body: await res.json() };
  }
}

/** A code QQ would hand back for `openid` (the fake's control route). @param {string} openid */
async function qqCode(openid) {
  const res = await post(`${QQ}/__fake/codes`, { openid, redirect_uri: REDIRECT_URI });
  assert.equal(res.status, 200);
  return /** @type {string} */ ((await res.json()).code);
}

/**
 * Every row of every table of the worker's local D1 and KV stores, and KV's value blobs
 * (not the trace store or the cache, which record requests).
 */
function localState() {
  /** @type {Record<string, unknown>} */
  const dump = {};
  for (const kind of ['d1', 'kv']) {
    const root = join(/** @type {string} */ (STATE), 'v3', kind);
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      const file = join(entry.parentPath, entry.name);
      if (entry.isFile() && entry.name.endsWith('.sqlite')) {
        const db = new DatabaseSync(file, { readOnly: true });
        try {
          // Not `_cf_METADATA`: the runtime's own bookkeeping of the store, which moves with
          // every D1 query, reads included (Miniflare's data explorer hides it too).
          const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name != '_cf_METADATA' ORDER BY name").all();
          for (const { name } of tables) dump[`${file} ${name}`] = db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all();
        } finally {
          db.close();
        }
      } else if (entry.isFile() && entry.parentPath.includes('blobs')) {
        dump[file] = 'blob';
      }
    }
  }
  return dump;
}

/** Rows of a table in the dump whose key ends with ` name`. @param {Record<string, unknown>} dump @param {string} name */
const rowsOf = (dump, name) => Object.entries(dump).find(([key]) => key.endsWith(` ${name}`))?.[1];

test('twenty returning logins (twenty authorizations, then their callbacks) and /users/me leave the local D1 and KV exactly as they were', async () => {
  const account = await createAccount({ qqNickname: '零写入', mobile: '13900000101', password: 'login-path-pass-1', keepQQ: true });
  const before = localState();
  assert.ok(Array.isArray(rowsOf(before, 'users')) && /** @type {unknown[]} */ (rowsOf(before, 'users')).length > 0, 'the dump sees the users table');
  assert.ok(Array.isArray(rowsOf(before, 'qq_bindings')), 'the dump sees the bindings');

  const browser = new Browser();
  const states = [];
  for (let i = 0; i < 20; i++) states.push(await browser.startLogin());
  const tokens = [];
  for (const state of states) {
    const { status, body } = await browser.callback(await qqCode(account.openid), state);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.status, 'logged_in');
    tokens.push(body.token);
  }
  for (const token of tokens) {
    const me = await fetch(`${WORKER}/users/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).user.mobile.slice(-4), account.mobile.slice(-4));
  }

  assert.deepEqual(localState(), before);
  // The dump would have seen a write: one more QQ user's first login leaves a ticket in KV.
  const newcomer = await (await post(`${QQ}/__fake/users`, { nickname: '新来的' })).json();
  const first = new Browser();
  const { body } = await first.callback(await qqCode(newcomer.openid), await first.startLogin());
  assert.equal(body.status, 'bind_required');
  assert.notDeepEqual(localState(), before);
});

test('three logins started in three tabs of one browser complete in any order; a replayed callback answers invalid_state', async () => {
  const account = await createAccount({ qqNickname: '三个标签', mobile: '13900000102', password: 'login-path-pass-2', keepQQ: true });
  const browser = new Browser();
  const tabs = [await browser.startLogin(), await browser.startLogin(), await browser.startLogin()];
  /** @type {Record<number, { code: string, state: string }>} */
  const done = {};
  for (const tab of [2, 0, 1]) {
    const state = /** @type {string} */ (tabs[tab]);
    const code = await qqCode(account.openid);
    const { status, body } = await browser.callback(code, state);
    assert.equal(status, 200, `tab ${tab}: ${JSON.stringify(body)}`);
    assert.equal(body.status, 'logged_in');
    done[tab] = { code, state };
  }
  // The same callback again, in the same browser, with its used code or a fresh one.
  const replay = /** @type {{ code: string, state: string }} */ (done[0]);
  for (const code of [replay.code, await qqCode(account.openid)]) {
    const again = await browser.callback(code, replay.state);
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'invalid_state');
  }
  // From another browser, which never had the login's cookie.
  const stranger = await new Browser().callback(await qqCode(account.openid), /** @type {string} */ (tabs[1]));
  assert.equal(stranger.status, 400);
  assert.equal(stranger.body.error.code, 'invalid_state');
});
