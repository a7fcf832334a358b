import { describe, expect, it } from 'vitest';
import { addAccount, freshMobile, harness, expectedError } from './harness';

type H = ReturnType<typeof harness>;

const PASSWORD = 'correct horse 1';
const INVALID_CREDENTIALS = expectedError('invalid_credentials');

let seq = 0;
/** An account with its own username (not its mobile) and no QQ binding. */
async function account(): Promise<{ id: number; username: string; mobile: string }> {
  seq++;
  const username = `alice_${Date.now() % 100000}_${seq}`;
  const mobile = freshMobile();
  return { id: await addAccount({ username, mobile, password: PASSWORD }), username, mobile };
}

async function ticketFor(h: H, next?: string): Promise<{ openid: string; ticket: string }> {
  const user = h.qq.addUser({ nickname: '绑定已有账号' });
  const answer = await h.qqLogin(user.openid, undefined, next);
  const ticket = answer.body.bind_ticket;
  if (typeof ticket !== 'string') throw new Error(`expected bind_required, got ${JSON.stringify(answer.body)}`);
  return { openid: user.openid, ticket };
}

function bindAccount(h: H, body: { bind_ticket: string; username: string; password: string }) {
  return h.call('POST', '/oauth/qq/bind/account', { json: body });
}

async function bindingsOf(h: H, openid: string): Promise<{ user_id: number }[]> {
  return (await h.db.prepare('SELECT user_id FROM qq_bindings WHERE openid = ?').bind(openid).all<{ user_id: number }>()).results;
}

async function bindingsOfUser(h: H, userId: number): Promise<{ openid: string }[]> {
  return (await h.db.prepare('SELECT openid FROM qq_bindings WHERE user_id = ?').bind(userId).all<{ openid: string }>()).results;
}

describe('POST /oauth/qq/bind/account (existing account + password)', () => {
  it('binds the account named by its username and answers 200 with created false and next', async () => {
    const h = harness();
    const a = await account();
    const { openid, ticket } = await ticketFor(h, '/orders');
    const bound = await bindAccount(h, { bind_ticket: ticket, username: a.username, password: PASSWORD });
    expect(bound.status).toBe(200);
    expect(bound.body).toMatchObject({
      status: 'logged_in',
      token_type: 'Bearer',
      expires_in: 86400,
      created: false,
      next: '/orders',
      user: { id: a.id, username: a.username, nickname: null, avatar: null },
    });
    expect(typeof bound.body.token).toBe('string');
    expect(await bindingsOf(h, openid)).toEqual([{ user_id: a.id }]);
  });

  it('binds the account named by its mobile', async () => {
    const h = harness();
    const a = await account();
    const { openid, ticket } = await ticketFor(h);
    const bound = await bindAccount(h, { bind_ticket: ticket, username: a.mobile, password: PASSWORD });
    expect(bound.status).toBe(200);
    // No next given at the start: the default, '/'.
    expect(bound.body).toMatchObject({ created: false, next: '/', user: { id: a.id } });
    expect(await bindingsOf(h, openid)).toEqual([{ user_id: a.id }]);
  });

  it('binds the account named by its mobile written as +86 1xx xxxx xxxx', async () => {
    const h = harness();
    const a = await account();
    const { openid, ticket } = await ticketFor(h);
    const formatted = `+86 ${a.mobile.slice(0, 3)} ${a.mobile.slice(3, 7)}-${a.mobile.slice(7)}`;
    const bound = await bindAccount(h, { bind_ticket: ticket, username: formatted, password: PASSWORD });
    expect(bound.status).toBe(200);
    expect(bound.body).toMatchObject({ created: false, user: { id: a.id } });
    expect(await bindingsOf(h, openid)).toEqual([{ user_id: a.id }]);
  });

  it('answers 401 invalid_credentials for a wrong password and binds nothing', async () => {
    const h = harness();
    const a = await account();
    const { openid, ticket } = await ticketFor(h);
    const refused = await bindAccount(h, { bind_ticket: ticket, username: a.username, password: 'wrong password' });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(INVALID_CREDENTIALS);
    expect(await bindingsOf(h, openid)).toEqual([]);
    expect(await bindingsOfUser(h, a.id)).toEqual([]);
  });

  it('answers an unknown username exactly like a wrong password', async () => {
    const h = harness();
    const a = await account();
    const { ticket } = await ticketFor(h);
    const wrong = await bindAccount(h, { bind_ticket: ticket, username: a.username, password: 'wrong password' });
    const unknown = await bindAccount(h, { bind_ticket: ticket, username: `nobody_${a.username}`, password: PASSWORD });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body).toEqual(INVALID_CREDENTIALS);
  });

  it('keeps the ticket usable after a wrong password', async () => {
    const h = harness();
    const a = await account();
    const { openid, ticket } = await ticketFor(h);
    expect((await bindAccount(h, { bind_ticket: ticket, username: a.username, password: 'wrong password' })).status).toBe(401);
    expect((await bindAccount(h, { bind_ticket: ticket, username: a.username, password: PASSWORD })).status).toBe(200);
    expect(await bindingsOf(h, openid)).toEqual([{ user_id: a.id }]);
  });

  it('answers 409 account_already_bound for an account with a QQ binding, given the right password', async () => {
    const h = harness();
    const a = await account();
    const first = await ticketFor(h);
    expect((await bindAccount(h, { bind_ticket: first.ticket, username: a.username, password: PASSWORD })).status).toBe(200);
    const second = await ticketFor(h);
    const refused = await bindAccount(h, { bind_ticket: second.ticket, username: a.username, password: PASSWORD });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(expectedError('account_already_bound'));
    expect(await bindingsOf(h, second.openid)).toEqual([]);
    expect(await bindingsOfUser(h, a.id)).toEqual([{ openid: first.openid }]);
  });

  it('answers 401, not 409, for an account with a QQ binding given a wrong password', async () => {
    const h = harness();
    const a = await account();
    const first = await ticketFor(h);
    expect((await bindAccount(h, { bind_ticket: first.ticket, username: a.username, password: PASSWORD })).status).toBe(200);
    const second = await ticketFor(h);
    const refused = await bindAccount(h, { bind_ticket: second.ticket, username: a.username, password: 'wrong password' });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(INVALID_CREDENTIALS);
  });

  it('answers 409 qq_already_bound when the QQ identity was bound through another ticket meanwhile', async () => {
    const h = harness();
    const [a, b] = [await account(), await account()];
    const user = h.qq.addUser({ nickname: '一个QQ两张票' });
    const [t1, t2] = [await h.bindTicketFor(user.openid), await h.bindTicketFor(user.openid)];
    expect((await bindAccount(h, { bind_ticket: t1, username: a.username, password: PASSWORD })).status).toBe(200);
    const refused = await bindAccount(h, { bind_ticket: t2, username: b.username, password: PASSWORD });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(expectedError('qq_already_bound'));
    expect(await bindingsOf(h, user.openid)).toEqual([{ user_id: a.id }]);
    expect(await bindingsOfUser(h, b.id)).toEqual([]);
  });

  it('does not count a right password refused with qq_already_bound as a failed attempt', async () => {
    const h = harness();
    const [a, b] = [await account(), await account()];
    const user = h.qq.addUser({ nickname: '十二张票' });
    const tickets: string[] = [];
    for (let i = 0; i < 12; i++) tickets.push(await h.bindTicketFor(user.openid));
    const [first, ...rest] = tickets;
    expect((await bindAccount(h, { bind_ticket: first ?? '', username: a.username, password: PASSWORD })).status).toBe(200);
    for (const ticket of rest) {
      const refused = await bindAccount(h, { bind_ticket: ticket, username: b.username, password: PASSWORD });
      expect(refused.body).toMatchObject({ error: { code: 'qq_already_bound' } });
    }
    expect((await h.call('POST', '/users/login', { json: { username: b.username, password: PASSWORD } })).status).toBe(200);
  });

  it('refuses a ticket already spent with 400 invalid_bind_ticket', async () => {
    const h = harness();
    const [a, b] = [await account(), await account()];
    const { ticket } = await ticketFor(h);
    expect((await bindAccount(h, { bind_ticket: ticket, username: a.username, password: PASSWORD })).status).toBe(200);
    const replay = await bindAccount(h, { bind_ticket: ticket, username: b.username, password: PASSWORD });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: { code: 'invalid_bind_ticket' } });
    expect(await bindingsOfUser(h, b.id)).toEqual([]);
  });

  it('logs the bound account in on its next QQ login', async () => {
    const h = harness();
    const a = await account();
    const { openid, ticket } = await ticketFor(h);
    expect((await bindAccount(h, { bind_ticket: ticket, username: a.username, password: PASSWORD })).status).toBe(200);
    const again = await h.qqLogin(openid);
    expect(again.body).toMatchObject({ status: 'logged_in', user: { id: a.id, username: a.username } });
  });
});
