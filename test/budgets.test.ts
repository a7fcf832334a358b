/**
 * Work budgets per request: counts of D1 round trips (reads and writes), KV operations,
 * PBKDF2 derivations and QQ calls, never timings.
 */
import { describe, expect, it } from 'vitest';
import { addAccount, Browser, freshMobile, freshName, harness, noCounts, REDIRECT_URI, type Counts } from './harness';

type H = ReturnType<typeof harness>;

const PASSWORD = 'correct horse 1';

/** Runs the authorization step (not measured) and returns the callback request to measure. */
async function callbackFor(h: H, openid: string): Promise<() => ReturnType<H['call']>> {
  const browser = new Browser();
  const start = await h.call<{ state: string }>('GET', '/oauth/qq/authorization', { browser });
  const code = h.qq.issueCode({ openid, redirectUri: REDIRECT_URI });
  return () => h.call('GET', `/oauth/qq/callback?code=${code}&state=${start.body.state}`, { browser });
}

async function newTicket(h: H): Promise<{ openid: string; ticket: string }> {
  const user = h.qq.addUser({ nickname: '预算' });
  return { openid: user.openid, ticket: await h.bindTicketFor(user.openid) };
}

async function account(): Promise<{ username: string; mobile: string }> {
  const username = freshName('dave_');
  const mobile = freshMobile();
  await addAccount({ username, mobile, password: PASSWORD });
  return { username, mobile };
}

const reads = (counts: Counts) => counts.d1Log.filter((q) => q.kind === 'read').length;
const writes = (counts: Counts) => counts.d1Log.filter((q) => q.kind === 'write').length;

/** Every row of every table, and every KV key with its value. */
async function everything(h: H): Promise<{ tables: Record<string, unknown[]>; kv: [string, string | null][] }> {
  const names = await h.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name")
    .all<{ name: string }>();
  const tables: Record<string, unknown[]> = {};
  for (const { name } of names.results) tables[name] = (await h.db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()).results;
  const kv: [string, string | null][] = [];
  for (const { name } of (await h.kv.list()).keys) kv.push([name, await h.kv.get(name)]);
  return { tables, kv };
}

describe('budget: returning QQ login, end to end', () => {
  it('authorization + callback: 0 KV operations, 0 D1 writes, 1 D1 read, 2 QQ calls', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    const { result, counts, qqCalls } = await h.measure(() => h.qqLogin(openid));
    expect(result.body).toMatchObject({ status: 'logged_in' });
    expect(counts.kv).toEqual({ get: 0, put: 0, delete: 0 });
    expect(writes(counts)).toBe(0);
    expect(reads(counts)).toBe(1);
    expect(qqCalls).toEqual(['token', 'me']);
  });

  it('twenty returning logins (twenty authorizations, then their callbacks) and /users/me leave D1 and KV exactly as they were', async () => {
    const h = harness();
    const accounts = [await h.signUp(freshMobile()), await h.signUp(freshMobile())];
    await h.settle();
    const before = await everything(h);
    expect(before.tables.users?.length).toBeGreaterThanOrEqual(2);
    expect(before.tables.qq_bindings?.length).toBeGreaterThanOrEqual(2);

    const logins = [];
    for (let i = 0; i < 20; i++) {
      const browser = new Browser();
      const start = await h.call<{ state: string }>('GET', '/oauth/qq/authorization?next=/orders', { browser });
      expect(start.status).toBe(200);
      logins.push({ browser, state: start.body.state, account: accounts[i % 2] });
    }
    for (const { browser, state, account } of logins.reverse()) {
      const code = h.qq.issueCode({ openid: account?.openid ?? '', redirectUri: REDIRECT_URI });
      const answer = await h.call<{ token: string }>('GET', `/oauth/qq/callback?code=${code}&state=${state}`, { browser });
      expect(answer.body).toMatchObject({ status: 'logged_in', next: '/orders', user: { id: account?.userId } });
      const me = await h.call('GET', '/users/me', { token: answer.body.token, browser });
      expect(me.status).toBe(200);
    }
    await h.settle();
    expect(await everything(h)).toEqual(before);
  });
});

describe('budget: QQ callback', () => {
  it('returning user: 2 QQ calls (token, me), 1 D1 round trip, 0 PBKDF2, no KV', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    const callback = await callbackFor(h, openid);
    const { result, counts, qqCalls } = await h.measure(callback);
    expect(result.body).toMatchObject({ status: 'logged_in' });
    expect(qqCalls).toEqual(['token', 'me']);
    expect(counts.d1).toBe(1);
    expect(counts.pbkdf2).toBe(0);
    expect(counts.kv).toEqual({ get: 0, put: 0, delete: 0 });
  });

  it('returning user with a stale profile: still 1 D1 round trip before the answer; the refresh writes afterwards', async () => {
    // Like the real QQ, the fake takes a while to answer, so the refresh (get_user_info,
    // then the write) cannot finish between the answer and the end of the measurement.
    const h = harness({ qq: { latencyMs: 40 } });
    const { openid } = await h.signUp(freshMobile());
    await h.db.prepare("UPDATE qq_bindings SET nickname = '旧', profile_updated_at = profile_updated_at - 90000 WHERE openid = ?").bind(openid).run();
    const callback = await callbackFor(h, openid);
    const { result, counts, qqCalls } = await h.measure(callback);
    expect(result.body).toMatchObject({ status: 'logged_in' });
    expect(qqCalls.slice(0, 2)).toEqual(['token', 'me']);
    expect(counts.d1).toBe(1);
    expect(counts.pbkdf2).toBe(0);
    expect(counts.kv).toEqual({ get: 0, put: 0, delete: 0 });
    const after = await h.measure(() => h.settle());
    expect(after.counts.d1).toBe(1);
    const row = await h.db.prepare('SELECT nickname FROM qq_bindings WHERE openid = ?').bind(openid).first<{ nickname: string }>();
    expect(row?.nickname).not.toBe('旧');
  });

  it('first login: 3 QQ calls (token, me, get_user_info), at most 1 D1 round trip, KV 1 put (the ticket)', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '首次' });
    const callback = await callbackFor(h, user.openid);
    const { result, counts, qqCalls } = await h.measure(callback);
    expect(result.body).toMatchObject({ status: 'bind_required' });
    expect(qqCalls).toEqual(['token', 'me', 'userinfo']);
    expect(counts.d1).toBeLessThanOrEqual(1);
    expect(counts.pbkdf2).toBe(0);
    expect(counts.kv).toEqual({ get: 0, put: 1, delete: 0 });
  });
});

describe('budget: password routes', () => {
  it('POST /oauth/qq/bind for an existing account: 1 PBKDF2, at most 3 D1 round trips', async () => {
    const h = harness();
    const a = await account();
    const { ticket } = await newTicket(h);
    const code = await h.smsCode(a.mobile);
    const { result, counts, qqCalls } = await h.measure(() =>
      h.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile: a.mobile, sms_code: code, password: PASSWORD } }),
    );
    expect(result.status).toBe(200);
    expect(counts.pbkdf2).toBe(1);
    expect(counts.d1).toBeLessThanOrEqual(3);
    expect(qqCalls).toEqual([]);
  });

  it('POST /oauth/qq/bind for an existing account with a wrong password: 1 PBKDF2', async () => {
    const h = harness();
    const a = await account();
    const { ticket } = await newTicket(h);
    const code = await h.smsCode(a.mobile);
    const { result, counts } = await h.measure(() =>
      h.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile: a.mobile, sms_code: code, password: 'wrong password' } }),
    );
    expect(result.status).toBe(401);
    expect(counts.pbkdf2).toBe(1);
    expect(counts.d1).toBeLessThanOrEqual(3);
  });

  it('POST /oauth/qq/bind for a new account: 1 PBKDF2, at most 3 D1 round trips', async () => {
    const h = harness();
    const mobile = freshMobile();
    const { ticket } = await newTicket(h);
    const code = await h.smsCode(mobile);
    const { result, counts } = await h.measure(() =>
      h.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile, sms_code: code, password: PASSWORD } }),
    );
    expect(result.status).toBe(201);
    expect(counts.pbkdf2).toBe(1);
    expect(counts.d1).toBeLessThanOrEqual(3);
  });

  it('POST /oauth/qq/bind with a short password or a bad mobile: 0 PBKDF2', async () => {
    const h = harness();
    const mobile = freshMobile();
    const { ticket } = await newTicket(h);
    const short = await h.measure(() =>
      h.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile, sms_code: '123456', password: 'short' } }),
    );
    expect(short.result.status).toBe(400);
    expect(short.counts.pbkdf2).toBe(0);
    const badMobile = await h.measure(() =>
      h.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile: '12345', sms_code: '123456', password: PASSWORD } }),
    );
    expect(badMobile.result.status).toBe(400);
    expect(badMobile.counts.pbkdf2).toBe(0);
  });

  it('POST /users/login for an existing account: 1 PBKDF2, 2 D1 reads and no write, no KV', async () => {
    const h = harness();
    const a = await account();
    const ip = { 'cf-connecting-ip': '203.0.113.50' };
    const { result, counts } = await h.measure(() => h.call('POST', '/users/login', { json: { username: a.username, password: PASSWORD }, headers: ip }));
    expect(result.status).toBe(200);
    expect(counts.pbkdf2).toBe(1);
    expect(counts.d1).toBe(2);
    expect(counts.d1Writes).toBe(0);
    expect(counts.kv).toEqual({ get: 0, put: 0, delete: 0 });
  });

  it('POST /users/login with a wrong password: 1 PBKDF2, 2 D1 round trips, 1 write (the failure count)', async () => {
    const h = harness();
    const a = await account();
    const { result, counts } = await h.measure(() => h.call('POST', '/users/login', { json: { username: a.username, password: 'wrong password' } }));
    expect(result.status).toBe(401);
    expect(counts.pbkdf2).toBe(1);
    expect(counts.d1).toBe(2);
    expect(counts.d1Writes).toBe(1);
  });

  it('POST /users/login for an account that does not exist: 1 PBKDF2 (the dummy hash), at most 3 D1 round trips', async () => {
    const h = harness();
    const { result, counts } = await h.measure(() =>
      h.call('POST', '/users/login', { json: { username: freshName('nobody_'), password: PASSWORD } }),
    );
    expect(result.status).toBe(401);
    expect(counts.pbkdf2).toBe(1);
    expect(counts.d1).toBeLessThanOrEqual(3);
  });

  it('POST /users/login with a short password: 0 PBKDF2', async () => {
    const h = harness();
    const { result, counts } = await h.measure(() => h.call('POST', '/users/login', { json: { username: 'someone', password: 'short' } }));
    expect(result.status).toBe(400);
    expect(counts.pbkdf2).toBe(0);
    expect(counts.d1).toBe(0);
  });

  it('POST /oauth/qq/bind/account: 1 PBKDF2, at most 3 D1 round trips', async () => {
    const h = harness();
    const a = await account();
    const { ticket } = await newTicket(h);
    const { result, counts } = await h.measure(() =>
      h.call('POST', '/oauth/qq/bind/account', { json: { bind_ticket: ticket, username: a.username, password: PASSWORD } }),
    );
    expect(result.status).toBe(200);
    expect(counts.pbkdf2).toBe(1);
    expect(counts.d1).toBeLessThanOrEqual(3);
  });

  it('POST /oauth/qq/bind/register: 1 PBKDF2, at most 3 D1 round trips', async () => {
    const h = harness();
    const mobile = freshMobile();
    const { ticket } = await newTicket(h);
    const code = await h.smsCode(mobile);
    const { result, counts } = await h.measure(() =>
      h.call('POST', '/oauth/qq/bind/register', {
        json: { bind_ticket: ticket, nickname: freshName('预算'), mobile, sms_code: code, password: PASSWORD },
      }),
    );
    expect(result.status).toBe(201);
    expect(counts.pbkdf2).toBe(1);
    expect(counts.d1).toBeLessThanOrEqual(3);
  });
});

describe('budget: other routes', () => {
  it('GET /users/me: no KV, 1 D1 read (which also checks revocation) and no write, no PBKDF2', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    const { result, counts, qqCalls } = await h.measure(() => h.call('GET', '/users/me', { token }));
    expect(result.status).toBe(200);
    expect(counts.kv).toEqual({ get: 0, put: 0, delete: 0 });
    expect(counts.d1).toBe(1);
    expect(counts.d1Writes).toBe(0);
    expect(counts.pbkdf2).toBe(0);
    expect(qqCalls).toEqual([]);
  });

  it('GET /users/me with a revoked token: the same 1 D1 read, no write', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    expect((await h.call('POST', '/users/logout', { token })).status).toBe(204);
    const { result, counts } = await h.measure(() => h.call('GET', '/users/me', { token }));
    expect(result.status).toBe(401);
    expect(counts.d1).toBe(1);
    expect(counts.d1Writes).toBe(0);
  });

  it('POST /users/logout: 1 D1 round trip (one conditional update), no KV', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    const { result, counts } = await h.measure(() => h.call('POST', '/users/logout', { token }));
    expect(result.status).toBe(204);
    expect(counts.d1).toBe(1);
    expect(counts.d1Writes).toBe(1);
    expect(counts.kv).toEqual({ get: 0, put: 0, delete: 0 });
  });

  it('DELETE /users/me/bindings/qq: 1 D1 round trip (the token check shares the batch)', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    const { result, counts } = await h.measure(() => h.call('DELETE', '/users/me/bindings/qq', { token }));
    expect(result.status).toBe(204);
    expect(counts.d1).toBe(1);
  });

  it('GET /oauth/qq/authorization: no D1, no KV, no QQ call', async () => {
    const h = harness();
    const { result, counts, qqCalls } = await h.measure(() => h.call('GET', '/oauth/qq/authorization?next=/orders'));
    expect(result.status).toBe(200);
    expect(counts.d1).toBe(0);
    expect(counts.kv).toEqual({ get: 0, put: 0, delete: 0 });
    expect(qqCalls).toEqual([]);
  });

  it('GET /healthz: no D1, no KV, no QQ', async () => {
    const h = harness();
    const { result, counts, qqCalls } = await h.measure(() => h.call('GET', '/healthz'));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ok: true });
    expect(counts).toEqual(noCounts());
    expect(qqCalls).toEqual([]);
  });
});
