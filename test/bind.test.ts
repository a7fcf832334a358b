import { describe, expect, it } from 'vitest';
import { Sealer } from '../src/crypto';
import { addAccount, Browser, freshMobile, harness, expectedError } from './harness';
import { TEST_SETTINGS } from './settings';

type H = ReturnType<typeof harness>;

const PASSWORD = 'correct horse 1';

interface BindingRow {
  id: number;
  user_id: number;
  app_id: string;
  openid: string;
  unionid: string | null;
  nickname: string | null;
  avatar: string | null;
  access_token: string | null;
  refresh_token: string | null;
}

async function bindingsOf(h: H, openid: string): Promise<BindingRow[]> {
  return (await h.db.prepare('SELECT * FROM qq_bindings WHERE openid = ?').bind(openid).all<BindingRow>()).results;
}

async function usersWithMobile(h: H, ...mobiles: string[]): Promise<{ id: number; username: string; mobile: string; password_hash: string }[]> {
  const marks = mobiles.map(() => '?').join(', ');
  const rows = await h.db.prepare(`SELECT id, username, mobile, password_hash FROM users WHERE mobile IN (${marks}) ORDER BY id`).bind(...mobiles).all();
  return rows.results as { id: number; username: string; mobile: string; password_hash: string }[];
}

/** Accounts with one of `mobiles` that have no QQ binding. */
async function orphans(h: H, ...mobiles: string[]): Promise<number> {
  const marks = mobiles.map(() => '?').join(', ');
  const row = await h.db
    .prepare(`SELECT COUNT(*) AS n FROM users u LEFT JOIN qq_bindings b ON b.user_id = u.id WHERE b.id IS NULL AND u.mobile IN (${marks})`)
    .bind(...mobiles)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

/** A new QQ user and a bind ticket for them. */
async function newTicket(h: H, nickname = 'QQ新人'): Promise<{ openid: string; ticket: string }> {
  const user = h.qq.addUser({ nickname });
  return { openid: user.openid, ticket: await h.bindTicketFor(user.openid) };
}

function bind(h: H, body: { bind_ticket: string; mobile: string; sms_code: string; password: string }) {
  return h.call('POST', '/oauth/qq/bind', { json: body });
}

/** An account with a mobile and a password, bound to a new QQ identity through /oauth/qq/bind/account. */
async function boundAccount(h: H): Promise<{ id: number; mobile: string; openid: string }> {
  const account = await unboundAccount();
  const { openid, ticket } = await newTicket(h, '老用户');
  const bound = await h.call('POST', '/oauth/qq/bind/account', { json: { bind_ticket: ticket, username: account.mobile, password: PASSWORD } });
  if (bound.status !== 200) throw new Error(`bind/account answered ${bound.status}: ${JSON.stringify(bound.body)}`);
  return { ...account, openid };
}

/** An account with a mobile and a password but no QQ binding. */
async function unboundAccount(): Promise<{ id: number; mobile: string }> {
  const mobile = freshMobile();
  return { id: await addAccount({ username: mobile, mobile, password: PASSWORD }), mobile };
}

describe('POST /oauth/qq/bind (mobile + SMS)', () => {
  it('creates an account for a new mobile, binds it and logs in', async () => {
    const h = harness();
    const mobile = freshMobile();
    const user = h.qq.addUser({ nickname: '新用户' });
    const browser = new Browser();
    const first = await h.qqLogin(user.openid, browser, '/orders');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'bind_required', expires_in: 600, next: '/orders', qq: { nickname: '新用户' } });
    const code = await h.smsCode(mobile);
    const bound = await h.call('POST', '/oauth/qq/bind', {
      json: { bind_ticket: first.body.bind_ticket, mobile, sms_code: code, password: 'password123' },
    });
    expect(bound.status).toBe(201);
    expect(bound.body).toMatchObject({
      status: 'logged_in',
      token_type: 'Bearer',
      expires_in: 86400,
      created: true,
      next: '/orders',
      user: { username: mobile, nickname: null, avatar: null },
    });
    const again = await h.qqLogin(user.openid, browser, '/cart');
    expect(again.body).toMatchObject({ status: 'logged_in', next: '/cart', user: { username: mobile } });
  });

  it('stores the new account and its binding (openid, app id, QQ nickname and https avatar)', async () => {
    const h = harness();
    const mobile = freshMobile();
    const { openid, ticket } = await newTicket(h, '存储测试');
    const bound = await bind(h, { bind_ticket: ticket, mobile, sms_code: await h.smsCode(mobile), password: PASSWORD });
    expect(bound.status).toBe(201);
    const [account, ...others] = await usersWithMobile(h, mobile);
    expect(others).toEqual([]);
    expect(account).toMatchObject({ username: mobile, mobile });
    expect(bound.body).toMatchObject({ user: { id: account?.id } });
    expect(await bindingsOf(h, openid)).toEqual([
      expect.objectContaining({
        user_id: account?.id,
        app_id: TEST_SETTINGS.QQ_APP_ID,
        openid,
        unionid: null,
        nickname: '存储测试',
        avatar: `https://thirdqq.qlogo.cn/g?b=oidb&k=${openid}&s=100`,
      }),
    ]);
  });

  it('stores the password as a Django pbkdf2_sha256 hash with 100000 iterations', async () => {
    const h = harness();
    const mobile = freshMobile();
    const { ticket } = await newTicket(h);
    expect((await bind(h, { bind_ticket: ticket, mobile, sms_code: await h.smsCode(mobile), password: PASSWORD })).status).toBe(201);
    const [account] = await usersWithMobile(h, mobile);
    expect(account?.password_hash).toMatch(/^pbkdf2_sha256\$100000\$[A-Za-z0-9]{12,}\$[A-Za-z0-9+/]{43}=$/);
    expect(account?.password_hash).not.toContain(PASSWORD);
  });

  it('stores the QQ access and refresh tokens sealed (v1.), never in plaintext', async () => {
    const h = harness();
    const mobile = freshMobile();
    const { openid, ticket } = await newTicket(h);
    const accessToken = h.qq.calls.findLast((c) => c.endpoint === 'me')?.params.access_token;
    expect(accessToken).toMatch(/^[0-9A-F]{32}$/);
    expect((await bind(h, { bind_ticket: ticket, mobile, sms_code: await h.smsCode(mobile), password: PASSWORD })).status).toBe(201);
    const [row] = await bindingsOf(h, openid);
    expect(row?.access_token).toMatch(/^v1\./);
    expect(row?.refresh_token).toMatch(/^v1\./);
    expect(row?.access_token).not.toContain(accessToken);
    expect(row?.refresh_token).not.toContain(accessToken);
    // Sealed, not garbage: they open with the key and the openid, and only so.
    const sealer = new Sealer(TEST_SETTINGS.TOKEN_ENCRYPTION_KEY);
    expect(await sealer.open(row?.access_token ?? '', openid)).toBe(accessToken);
    expect(await sealer.open(row?.refresh_token ?? '', openid)).toMatch(/^[0-9A-F]{32}$/);
    expect(await sealer.open(row?.access_token ?? '', 'another-openid')).toBeNull();
  });

  it('keeps the QQ tokens sealed inside the bind ticket in KV too', async () => {
    const h = harness();
    const { openid } = await newTicket(h);
    const accessToken = h.qq.calls.findLast((c) => c.endpoint === 'me')?.params.access_token ?? '';
    expect(accessToken).not.toBe('');
    const values = await Promise.all((await h.kv.list()).keys.map((k) => h.kv.get(k.name)));
    const ticketValue = values.find((v) => v?.includes(openid));
    expect(ticketValue).toBeDefined();
    for (const value of values) expect(value ?? '').not.toContain(accessToken);
  });

  it('stores the bind ticket in KV with an expiry of BIND_TICKET_TTL_SECONDS, its only lifetime', async () => {
    const h = harness();
    const before = Math.floor(Date.now() / 1000);
    const { openid } = await newTicket(h);
    const keys = (await h.kv.list({ prefix: 'ticket:' })).keys;
    const entries = await Promise.all(keys.map(async (k) => ({ key: k, value: await h.kv.get(k.name) })));
    const ticket = entries.find((e) => e.value?.includes(openid));
    expect(ticket?.key.expiration).toBeGreaterThanOrEqual(before + Number(TEST_SETTINGS.BIND_TICKET_TTL_SECONDS));
    expect(ticket?.key.expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + Number(TEST_SETTINGS.BIND_TICKET_TTL_SECONDS));
  });

  it('binds an existing account with that mobile when the password matches: 200, created false, same user id', async () => {
    const h = harness();
    const account = await unboundAccount();
    const { openid, ticket } = await newTicket(h);
    const bound = await bind(h, { bind_ticket: ticket, mobile: account.mobile, sms_code: await h.smsCode(account.mobile), password: PASSWORD });
    expect(bound.status).toBe(200);
    expect(bound.body).toMatchObject({ status: 'logged_in', created: false, user: { id: account.id, username: account.mobile } });
    expect(await usersWithMobile(h, account.mobile)).toHaveLength(1);
    expect(await bindingsOf(h, openid)).toEqual([expect.objectContaining({ user_id: account.id })]);
  });

  it('refuses a wrong password for an existing mobile with 401 and binds nothing', async () => {
    const h = harness();
    const account = await unboundAccount();
    const { openid, ticket } = await newTicket(h);
    const refused = await bind(h, { bind_ticket: ticket, mobile: account.mobile, sms_code: await h.smsCode(account.mobile), password: 'wrong password' });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(expectedError('invalid_credentials'));
    expect(await bindingsOf(h, openid)).toEqual([]);
    expect(await usersWithMobile(h, account.mobile)).toHaveLength(1);
  });

  it('leaves the ticket and SMS code usable after a wrong password: the right one then binds the existing user', async () => {
    const h = harness();
    const account = await unboundAccount();
    const { openid, ticket } = await newTicket(h);
    const code = await h.smsCode(account.mobile);
    expect((await bind(h, { bind_ticket: ticket, mobile: account.mobile, sms_code: code, password: 'wrong password' })).status).toBe(401);
    const bound = await bind(h, { bind_ticket: ticket, mobile: account.mobile, sms_code: code, password: PASSWORD });
    expect(bound.status).toBe(200);
    expect(bound.body).toMatchObject({ created: false, user: { id: account.id } });
    expect(await bindingsOf(h, openid)).toEqual([expect.objectContaining({ user_id: account.id })]);
  });

  it('answers 409 account_already_bound for an account that already has a QQ binding, given the right password', async () => {
    const h = harness();
    const first = await boundAccount(h);
    const { openid, ticket } = await newTicket(h);
    const refused = await bind(h, { bind_ticket: ticket, mobile: first.mobile, sms_code: await h.smsCode(first.mobile), password: PASSWORD });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'account_already_bound' } });
    expect(await bindingsOf(h, openid)).toEqual([]);
    expect(await bindingsOf(h, first.openid)).toEqual([expect.objectContaining({ user_id: first.id })]);
  });

  it('answers 401, not 409, for an already bound account given a wrong password (the password is checked first)', async () => {
    const h = harness();
    const { mobile } = await boundAccount(h);
    const { ticket } = await newTicket(h);
    const refused = await bind(h, { bind_ticket: ticket, mobile, sms_code: await h.smsCode(mobile), password: 'wrong password' });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: 'invalid_credentials' } });
  });

  it('refuses a ticket replayed after a successful bind (before its KV entry is gone) with 400 invalid_bind_ticket', async () => {
    const h = harness();
    const { openid, ticket } = await newTicket(h);
    const mobile = freshMobile();
    expect((await bind(h, { bind_ticket: ticket, mobile, sms_code: await h.smsCode(mobile), password: PASSWORD })).status).toBe(201);
    const other = freshMobile();
    const replay = await bind(h, { bind_ticket: ticket, mobile: other, sms_code: await h.smsCode(other), password: PASSWORD });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: { code: 'invalid_bind_ticket' } });
    expect(await usersWithMobile(h, other)).toEqual([]);
    expect(await bindingsOf(h, openid)).toHaveLength(1);
  });

  it('refuses a ticket replayed after a successful bind and the cleanup with 400 invalid_bind_ticket', async () => {
    const h = harness();
    const { ticket } = await newTicket(h);
    const mobile = freshMobile();
    expect((await bind(h, { bind_ticket: ticket, mobile, sms_code: await h.smsCode(mobile), password: PASSWORD })).status).toBe(201);
    await h.settle();
    const other = freshMobile();
    const replay = await bind(h, { bind_ticket: ticket, mobile: other, sms_code: await h.smsCode(other), password: PASSWORD });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: { code: 'invalid_bind_ticket' } });
    expect(await usersWithMobile(h, other)).toEqual([]);
  });

  it('refuses a forged ticket with 400 invalid_bind_ticket and creates nothing', async () => {
    const h = harness();
    const mobile = freshMobile();
    const forged = 'Zm9yZ2VkLXRpY2tldC0wMTIzNDU2Nzg5YWJjZGVmZ2hpams';
    const refused = await bind(h, { bind_ticket: forged, mobile, sms_code: await h.smsCode(mobile), password: PASSWORD });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(expectedError('invalid_bind_ticket'));
    expect(await usersWithMobile(h, mobile)).toEqual([]);
  });

  it('does not spend the ticket on a wrong SMS code', async () => {
    const h = harness();
    const { openid, ticket } = await newTicket(h);
    const mobile = freshMobile();
    const code = await h.smsCode(mobile);
    const wrong = code === '000000' ? '111111' : '000000';
    const refused = await bind(h, { bind_ticket: ticket, mobile, sms_code: wrong, password: PASSWORD });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'invalid_sms_code' } });
    expect(await usersWithMobile(h, mobile)).toEqual([]);
    const bound = await bind(h, { bind_ticket: ticket, mobile, sms_code: code, password: PASSWORD });
    expect(bound.status).toBe(201);
    expect(await bindingsOf(h, openid)).toHaveLength(1);
  });

  it('lets exactly one of two concurrent binds of one ticket succeed, leaving one binding and no orphan account', async () => {
    const h = harness();
    const { openid, ticket } = await newTicket(h);
    const [a, b] = [freshMobile(), freshMobile()];
    const [codeA, codeB] = [await h.smsCode(a), await h.smsCode(b)];
    const answers = await Promise.all([
      bind(h, { bind_ticket: ticket, mobile: a, sms_code: codeA, password: PASSWORD }),
      bind(h, { bind_ticket: ticket, mobile: b, sms_code: codeB, password: PASSWORD }),
    ]);
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    const loser = answers.find((r) => r.status !== 201);
    expect([
      [400, 'invalid_bind_ticket'],
      [409, 'qq_already_bound'],
    ]).toContainEqual([loser?.status, (loser?.body.error as { code?: string } | undefined)?.code]);
    const bindings = await bindingsOf(h, openid);
    expect(bindings).toHaveLength(1);
    const created = await usersWithMobile(h, a, b);
    expect(created.map((u) => u.id)).toEqual([bindings[0]?.user_id]);
    expect(await orphans(h, a, b)).toBe(0);
  });

  it('lets exactly one of two concurrent binds of one QQ identity through two tickets succeed', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '两张票' });
    const [t1, t2] = [await h.bindTicketFor(user.openid), await h.bindTicketFor(user.openid)];
    const [a, b] = [freshMobile(), freshMobile()];
    const [codeA, codeB] = [await h.smsCode(a), await h.smsCode(b)];
    const answers = await Promise.all([
      bind(h, { bind_ticket: t1, mobile: a, sms_code: codeA, password: PASSWORD }),
      bind(h, { bind_ticket: t2, mobile: b, sms_code: codeB, password: PASSWORD }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(answers.find((r) => r.status === 409)?.body).toMatchObject({ error: { code: 'qq_already_bound' } });
    expect(await bindingsOf(h, user.openid)).toHaveLength(1);
    expect(await usersWithMobile(h, a, b)).toHaveLength(1);
    expect(await orphans(h, a, b)).toBe(0);
  });

  it('creates no account when the binding insert fails (QQ identity already bound through another ticket)', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '原子性' });
    const [t1, t2] = [await h.bindTicketFor(user.openid), await h.bindTicketFor(user.openid)];
    const first = freshMobile();
    expect((await bind(h, { bind_ticket: t1, mobile: first, sms_code: await h.smsCode(first), password: PASSWORD })).status).toBe(201);
    const second = freshMobile();
    const code = await h.smsCode(second);
    const refused = await bind(h, { bind_ticket: t2, mobile: second, sms_code: code, password: PASSWORD });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'qq_already_bound' } });
    expect(await usersWithMobile(h, second)).toEqual([]);
    // Nothing of the failed batch remains: the SMS code was not consumed either.
    const retry = await h.call('POST', '/oauth/qq/bind/register', {
      json: { bind_ticket: (await newTicket(h)).ticket, nickname: `原子${second.slice(-4)}`, mobile: second, sms_code: code, password: PASSWORD },
    });
    expect(retry.status).toBe(201);
  });

  it('creates no account when the binding insert fails on an existing account (account path)', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '已绑定' });
    const [t1, t2] = [await h.bindTicketFor(user.openid), await h.bindTicketFor(user.openid)];
    const first = freshMobile();
    expect((await bind(h, { bind_ticket: t1, mobile: first, sms_code: await h.smsCode(first), password: PASSWORD })).status).toBe(201);
    const account = await unboundAccount();
    const refused = await bind(h, { bind_ticket: t2, mobile: account.mobile, sms_code: await h.smsCode(account.mobile), password: PASSWORD });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'qq_already_bound' } });
    expect(await bindingsOf(h, user.openid)).toEqual([expect.not.objectContaining({ user_id: account.id })]);
  });

  it('answers 400 invalid_request naming the field for a short password, without creating anything', async () => {
    const h = harness();
    const { ticket } = await newTicket(h);
    const mobile = freshMobile();
    const refused = await bind(h, { bind_ticket: ticket, mobile, sms_code: await h.smsCode(mobile), password: 'short' });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(expectedError('invalid_request', 'zh', { password: 'password' }));
    expect(await usersWithMobile(h, mobile)).toEqual([]);
  });

  it('binds the account that owns the mobile, never one whose username merely equals it', async () => {
    const h = harness();
    const mobile = freshMobile();
    const impostor = await addAccount({ username: mobile, mobile: null, password: 'impostor password' });
    const owner = await addAccount({ username: `owner_${mobile}`, mobile, password: PASSWORD });
    const user = h.qq.addUser({ nickname: '手机号主人' });
    const ticket = await h.bindTicketFor(user.openid);
    const code = await h.smsCode(mobile);
    const viaUsername = await h.call('POST', '/oauth/qq/bind', {
      json: { bind_ticket: ticket, mobile, sms_code: code, password: 'impostor password' },
    });
    expect(viaUsername.status).toBe(401);
    const bound = await h.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile, sms_code: code, password: PASSWORD } });
    expect(bound.status).toBe(200);
    expect(bound.body).toMatchObject({ created: false, user: { id: owner } });
    expect((await bindingsOf(h, user.openid)).map((b) => b.user_id)).toEqual([owner]);
    expect(owner).not.toBe(impostor);
  });
});
