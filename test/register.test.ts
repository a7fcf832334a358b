import { describe, expect, it } from 'vitest';
import { addAccount, freshMobile, harness, expectedError } from './harness';

type H = ReturnType<typeof harness>;

const PASSWORD = 'correct horse 1';

let seq = 0;
/** A nickname no other test in this file uses (2 to 20 characters). */
function freshNickname(prefix = '昵称'): string {
  seq++;
  return `${prefix}${Date.now() % 100000}_${seq}`;
}

async function newTicket(h: H): Promise<{ openid: string; ticket: string }> {
  const user = h.qq.addUser({ nickname: 'QQ注册' });
  return { openid: user.openid, ticket: await h.bindTicketFor(user.openid) };
}

function register(h: H, body: { bind_ticket: string; nickname: string; mobile: string; sms_code: string; password: string }) {
  return h.call('POST', '/oauth/qq/bind/register', { json: body });
}

async function usersWithMobile(h: H, ...mobiles: string[]): Promise<{ id: number; username: string; nickname: string | null }[]> {
  const marks = mobiles.map(() => '?').join(', ');
  const rows = await h.db.prepare(`SELECT id, username, nickname FROM users WHERE mobile IN (${marks}) ORDER BY id`).bind(...mobiles).all();
  return rows.results as { id: number; username: string; nickname: string | null }[];
}

async function bindingsOf(h: H, openid: string): Promise<{ user_id: number }[]> {
  return (await h.db.prepare('SELECT user_id FROM qq_bindings WHERE openid = ?').bind(openid).all<{ user_id: number }>()).results;
}

function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

describe('POST /oauth/qq/bind/register (new account with nickname)', () => {
  it('creates the account with its nickname, binds it and answers 201 with created true', async () => {
    const h = harness();
    const { openid, ticket } = await newTicket(h);
    const mobile = freshMobile();
    const nickname = freshNickname();
    const created = await register(h, { bind_ticket: ticket, nickname, mobile, sms_code: await h.smsCode(mobile), password: PASSWORD });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'logged_in',
      token_type: 'Bearer',
      expires_in: 86400,
      created: true,
      next: '/',
      user: { username: mobile, nickname, avatar: null },
    });
    const [row, ...others] = await usersWithMobile(h, mobile);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ username: mobile, nickname });
    expect(created.body).toMatchObject({ user: { id: row?.id } });
    expect(await bindingsOf(h, openid)).toEqual([{ user_id: row?.id }]);
  });

  it('stores the nickname trimmed', async () => {
    const h = harness();
    const { ticket } = await newTicket(h);
    const mobile = freshMobile();
    const nickname = freshNickname('小李');
    const created = await register(h, { bind_ticket: ticket, nickname: `  ${nickname}\t `, mobile, sms_code: await h.smsCode(mobile), password: PASSWORD });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ user: { nickname } });
    expect(await usersWithMobile(h, mobile)).toEqual([expect.objectContaining({ nickname })]);
  });

  it('refuses a nickname with a control character: 400 invalid_request naming nickname', async () => {
    const h = harness();
    const { ticket } = await newTicket(h);
    const mobile = freshMobile();
    const refused = await register(h, { bind_ticket: ticket, nickname: '坏\u0007昵称', mobile, sms_code: await h.smsCode(mobile), password: PASSWORD });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(expectedError('invalid_request', 'zh', { nickname: 'nickname' }));
    expect(await usersWithMobile(h, mobile)).toEqual([]);
  });

  it('refuses a nickname that is one character once trimmed', async () => {
    const h = harness();
    const { ticket } = await newTicket(h);
    const mobile = freshMobile();
    const refused = await register(h, { bind_ticket: ticket, nickname: '  李  ', mobile, sms_code: await h.smsCode(mobile), password: PASSWORD });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'invalid_request', fields: { nickname: expect.any(String) } } });
  });

  it('answers 409 mobile_taken when the mobile already belongs to an account, and binds nothing', async () => {
    const h = harness();
    const mobile = freshMobile();
    const existing = await addAccount({ username: mobile, mobile, password: PASSWORD });
    const { openid, ticket } = await newTicket(h);
    const refused = await register(h, { bind_ticket: ticket, nickname: freshNickname(), mobile, sms_code: await h.smsCode(mobile), password: PASSWORD });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(expectedError('mobile_taken'));
    expect(await usersWithMobile(h, mobile)).toEqual([expect.objectContaining({ id: existing })]);
    expect(await bindingsOf(h, openid)).toEqual([]);
  });

  it('answers a wrong SMS code with 400 invalid_sms_code even when the mobile is taken', async () => {
    const h = harness();
    const mobile = freshMobile();
    await addAccount({ username: mobile, mobile, password: PASSWORD });
    const { ticket } = await newTicket(h);
    const code = await h.smsCode(mobile);
    const refused = await register(h, { bind_ticket: ticket, nickname: freshNickname(), mobile, sms_code: wrongCode(code), password: PASSWORD });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(expectedError('invalid_sms_code'));
  });

  it('answers 409 nickname_taken when another account has the nickname', async () => {
    const h = harness();
    const nickname = freshNickname();
    const other = freshMobile();
    await addAccount({ username: other, mobile: other, nickname, password: PASSWORD });
    const { openid, ticket } = await newTicket(h);
    const mobile = freshMobile();
    const refused = await register(h, { bind_ticket: ticket, nickname, mobile, sms_code: await h.smsCode(mobile), password: PASSWORD });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(expectedError('nickname_taken'));
    expect(await bindingsOf(h, openid)).toEqual([]);
  });

  it('answers a known nickname or mobile conflict before hashing the password (no PBKDF2 spent)', async () => {
    const h = harness();
    const nickname = freshNickname();
    const other = freshMobile();
    await addAccount({ username: other, mobile: other, nickname, password: PASSWORD });
    const { ticket } = await newTicket(h);
    const mobile = freshMobile();
    const code = await h.smsCode(mobile);
    const byNickname = await h.measure(() => register(h, { bind_ticket: ticket, nickname, mobile, sms_code: code, password: PASSWORD }));
    expect(byNickname.result.status).toBe(409);
    expect(byNickname.counts.pbkdf2).toBe(0);
    const byMobile = await h.measure(() =>
      register(h, { bind_ticket: ticket, nickname: freshNickname(), mobile: other, sms_code: code, password: PASSWORD }),
    );
    // The code was sent to `mobile`, not `other`: the SMS check answers first.
    expect(byMobile.result.body).toMatchObject({ error: { code: 'invalid_sms_code' } });
    const otherCode = await h.smsCode(other);
    const taken = await h.measure(() =>
      register(h, { bind_ticket: ticket, nickname: freshNickname(), mobile: other, sms_code: otherCode, password: PASSWORD }),
    );
    expect(taken.result.body).toMatchObject({ error: { code: 'mobile_taken' } });
    expect(taken.counts.pbkdf2).toBe(0);
  });

  it('leaves no account behind and keeps ticket and SMS code usable after a failed register', async () => {
    const h = harness();
    const nickname = freshNickname();
    const other = freshMobile();
    await addAccount({ username: other, mobile: other, nickname, password: PASSWORD });
    const { openid, ticket } = await newTicket(h);
    const mobile = freshMobile();
    const code = await h.smsCode(mobile);
    expect((await register(h, { bind_ticket: ticket, nickname, mobile, sms_code: code, password: PASSWORD })).status).toBe(409);
    expect(await usersWithMobile(h, mobile)).toEqual([]);
    const retry = await register(h, { bind_ticket: ticket, nickname: freshNickname(), mobile, sms_code: code, password: PASSWORD });
    expect(retry.status).toBe(201);
    const [row] = await usersWithMobile(h, mobile);
    expect(await bindingsOf(h, openid)).toEqual([{ user_id: row?.id }]);
  });

  it('lets one of two concurrent registers with one nickname succeed; the other gets 409 nickname_taken and leaves no account', async () => {
    const h = harness();
    const nickname = freshNickname();
    const [first, second] = [await newTicket(h), await newTicket(h)];
    const [a, b] = [freshMobile(), freshMobile()];
    const [codeA, codeB] = [await h.smsCode(a), await h.smsCode(b)];
    const answers = await Promise.all([
      register(h, { bind_ticket: first.ticket, nickname, mobile: a, sms_code: codeA, password: PASSWORD }),
      register(h, { bind_ticket: second.ticket, nickname, mobile: b, sms_code: codeB, password: PASSWORD }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(answers.find((r) => r.status === 409)?.body).toMatchObject({ error: { code: 'nickname_taken' } });
    const created = await usersWithMobile(h, a, b);
    expect(created).toHaveLength(1);
    const bindings = [...(await bindingsOf(h, first.openid)), ...(await bindingsOf(h, second.openid))];
    expect(bindings).toEqual([{ user_id: created[0]?.id }]);
  });

  it('answers 409 qq_already_bound when the QQ identity was bound through another ticket, creating no account', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '先到先得' });
    const [t1, t2] = [await h.bindTicketFor(user.openid), await h.bindTicketFor(user.openid)];
    const a = freshMobile();
    expect((await register(h, { bind_ticket: t1, nickname: freshNickname(), mobile: a, sms_code: await h.smsCode(a), password: PASSWORD })).status).toBe(201);
    const b = freshMobile();
    const refused = await register(h, { bind_ticket: t2, nickname: freshNickname(), mobile: b, sms_code: await h.smsCode(b), password: PASSWORD });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'qq_already_bound' } });
    expect(await usersWithMobile(h, b)).toEqual([]);
  });

  it('refuses a spent ticket with 400 invalid_bind_ticket', async () => {
    const h = harness();
    const { ticket } = await newTicket(h);
    const a = freshMobile();
    expect((await register(h, { bind_ticket: ticket, nickname: freshNickname(), mobile: a, sms_code: await h.smsCode(a), password: PASSWORD })).status).toBe(201);
    const b = freshMobile();
    const replay = await register(h, { bind_ticket: ticket, nickname: freshNickname(), mobile: b, sms_code: await h.smsCode(b), password: PASSWORD });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: { code: 'invalid_bind_ticket' } });
    expect(await usersWithMobile(h, b)).toEqual([]);
  });
});
