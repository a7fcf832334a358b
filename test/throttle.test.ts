import { describe, expect, it } from 'vitest';
import { CLIENT_LIMIT, PAIR_LIMIT as ACCOUNT_LIMIT, WINDOW_SECONDS } from '../src/auth/throttle';
import { addAccount, clockedHarness, freshMobile, freshName, harness, type Answer, expectedError } from './harness';

type H = ReturnType<typeof harness>;

const PASSWORD = 'correct horse 1';
const WRONG = 'wrong password';
const INVALID_CREDENTIALS = expectedError('invalid_credentials');
const TOO_MANY = expectedError('too_many_attempts');

/** A clock the test moves; the worker reads it through `deps.now`. */
const pinnedHarness = () => clockedHarness({}, Date.now());

async function account(): Promise<{ id: number; username: string; mobile: string }> {
  const username = freshName('carol_');
  const mobile = freshMobile();
  return { id: await addAccount({ username, mobile, password: PASSWORD }), username, mobile };
}

function login(h: H, username: string, password: string, headers?: Record<string, string>) {
  return h.call('POST', '/users/login', { json: { username, password }, headers });
}

/** `n` wrong passwords one after the other; their statuses. */
async function failTimes(h: H, n: number, username: string, headers?: Record<string, string>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await login(h, username, WRONG, headers)).status);
  return statuses;
}

function repeat<T>(value: T, n: number): T[] {
  return Array.from({ length: n }, () => value);
}

describe('password attempt limits', () => {
  it('answers the 11th attempt within the window with 429 too_many_attempts and Retry-After, even with the right password', async () => {
    const { h } = pinnedHarness();
    const a = await account();
    expect(await failTimes(h, ACCOUNT_LIMIT, a.username)).toEqual(repeat(401, ACCOUNT_LIMIT));
    const blocked = await login(h, a.username, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual(TOO_MANY);
    expect(blocked.headers.get('retry-after')).toBe(String(WINDOW_SECONDS));
  });

  it('gives Retry-After as the time left in the window', async () => {
    const { h, clock } = pinnedHarness();
    const a = await account();
    await failTimes(h, ACCOUNT_LIMIT, a.username);
    clock.now += 300_000;
    const blocked = await login(h, a.username, WRONG);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe(String(WINDOW_SECONDS - 300));
  });

  it('answers a name no account has exactly like an existing account (401s, then 429 with the same Retry-After)', async () => {
    const { h } = pinnedHarness();
    const a = await account();
    const ghost = `ghost_${a.username}`;
    const real: Answer[] = [];
    const fake: Answer[] = [];
    for (let i = 0; i <= ACCOUNT_LIMIT; i++) {
      real.push(await login(h, a.username, WRONG));
      fake.push(await login(h, ghost, WRONG));
    }
    expect(fake.map((r) => r.status)).toEqual([...repeat(401, ACCOUNT_LIMIT), 429]);
    expect(fake.map((r) => r.body)).toEqual(real.map((r) => r.body));
    expect(fake.map((r) => r.body)).toEqual([...repeat(INVALID_CREDENTIALS, ACCOUNT_LIMIT), TOO_MANY]);
    expect(fake.at(-1)?.headers.get('retry-after')).toBe(real.at(-1)?.headers.get('retry-after'));
  });

  it('counts attempts by username and by mobile of one account together', async () => {
    const h = harness();
    const a = await account();
    const half = ACCOUNT_LIMIT / 2;
    expect(await failTimes(h, half, a.username)).toEqual(repeat(401, half));
    expect(await failTimes(h, ACCOUNT_LIMIT - half, a.mobile)).toEqual(repeat(401, ACCOUNT_LIMIT - half));
    expect((await login(h, a.username, PASSWORD)).status).toBe(429);
    expect((await login(h, `+86 ${a.mobile}`, PASSWORD)).status).toBe(429);
  });

  it('starts the count over after a success (9 wrong, 1 right, 9 wrong: no 429)', async () => {
    const h = harness();
    const a = await account();
    expect(await failTimes(h, ACCOUNT_LIMIT - 1, a.username)).toEqual(repeat(401, ACCOUNT_LIMIT - 1));
    expect((await login(h, a.username, PASSWORD)).status).toBe(200);
    expect(await failTimes(h, ACCOUNT_LIMIT - 1, a.username)).toEqual(repeat(401, ACCOUNT_LIMIT - 1));
  });

  it('lets exactly 10 of 20 concurrent wrong passwords through to a 401; the other 10 get 429', async () => {
    const h = harness();
    const a = await account();
    const answers = await Promise.all(Array.from({ length: 2 * ACCOUNT_LIMIT }, () => login(h, a.username, WRONG)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(ACCOUNT_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(ACCOUNT_LIMIT);
  });

  it('does not derive a password hash for a refused (429) attempt', async () => {
    const h = harness();
    const a = await account();
    await failTimes(h, ACCOUNT_LIMIT, a.username);
    const { result, counts } = await h.measure(() => login(h, a.username, PASSWORD));
    expect(result.status).toBe(429);
    expect(counts.pbkdf2).toBe(0);
  });

  it('allows attempts again once the window has passed', async () => {
    const { h, clock } = pinnedHarness();
    const a = await account();
    await failTimes(h, ACCOUNT_LIMIT, a.username);
    expect((await login(h, a.username, PASSWORD)).status).toBe(429);
    clock.now += (WINDOW_SECONDS + 1) * 1000;
    expect((await login(h, a.username, PASSWORD)).status).toBe(200);
  });

  it('starts a fresh count after the window (10 more wrong passwords answer 401)', async () => {
    const { h, clock } = pinnedHarness();
    const a = await account();
    await failTimes(h, ACCOUNT_LIMIT, a.username);
    clock.now += (WINDOW_SECONDS + 1) * 1000;
    expect(await failTimes(h, ACCOUNT_LIMIT, a.username)).toEqual(repeat(401, ACCOUNT_LIMIT));
    expect((await login(h, a.username, WRONG)).status).toBe(429);
  });

  it('throttles POST /oauth/qq/bind for an existing mobile', async () => {
    const h = harness();
    const a = await account();
    const user = h.qq.addUser({ nickname: '暴力破解' });
    const ticket = await h.bindTicketFor(user.openid);
    const code = await h.smsCode(a.mobile);
    const bind = (password: string) => h.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile: a.mobile, sms_code: code, password } });
    const statuses: number[] = [];
    for (let i = 0; i < ACCOUNT_LIMIT; i++) statuses.push((await bind(WRONG)).status);
    expect(statuses).toEqual(repeat(401, ACCOUNT_LIMIT));
    const blocked = await bind(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual(TOO_MANY);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    const bindings = await h.db.prepare('SELECT id FROM qq_bindings WHERE openid = ?').bind(user.openid).all();
    expect(bindings.results).toEqual([]);
  });

  it('throttles POST /oauth/qq/bind/account', async () => {
    const h = harness();
    const a = await account();
    const user = h.qq.addUser({ nickname: '暴力破解2' });
    const ticket = await h.bindTicketFor(user.openid);
    const bind = (password: string) => h.call('POST', '/oauth/qq/bind/account', { json: { bind_ticket: ticket, username: a.username, password } });
    const statuses: number[] = [];
    for (let i = 0; i < ACCOUNT_LIMIT; i++) statuses.push((await bind(WRONG)).status);
    expect(statuses).toEqual(repeat(401, ACCOUNT_LIMIT));
    const blocked = await bind(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual(TOO_MANY);
  });

  it('shares the count between /users/login and the bind routes', async () => {
    const h = harness();
    const a = await account();
    expect(await failTimes(h, ACCOUNT_LIMIT, a.username)).toEqual(repeat(401, ACCOUNT_LIMIT));
    const user = h.qq.addUser({ nickname: '换个入口' });
    const ticket = await h.bindTicketFor(user.openid);
    const blocked = await h.call('POST', '/oauth/qq/bind/account', { json: { bind_ticket: ticket, username: a.mobile, password: PASSWORD } });
    expect(blocked.status).toBe(429);
  });

  it('does not count a right password refused only because the account is already bound', async () => {
    const h = harness();
    const a = await account();
    const first = h.qq.addUser({ nickname: '第一个QQ' });
    const bound = await h.call('POST', '/oauth/qq/bind/account', { json: { bind_ticket: await h.bindTicketFor(first.openid), username: a.username, password: PASSWORD } });
    expect(bound.status).toBe(200);
    expect(await failTimes(h, ACCOUNT_LIMIT - 1, a.username)).toEqual(repeat(401, ACCOUNT_LIMIT - 1));
    const second = h.qq.addUser({ nickname: '第二个QQ' });
    const refused = await h.call('POST', '/oauth/qq/bind/account', { json: { bind_ticket: await h.bindTicketFor(second.openid), username: a.username, password: PASSWORD } });
    expect(refused.status).toBe(409);
    expect(await failTimes(h, ACCOUNT_LIMIT - 1, a.username)).toEqual(repeat(401, ACCOUNT_LIMIT - 1));
  });

  it('limits one client address (cf-connecting-ip) across many account names', async () => {
    const h = harness();
    const ip = { 'cf-connecting-ip': '203.0.113.7' };
    const names = Array.from({ length: CLIENT_LIMIT }, () => freshName('carol_'));
    // Each name stays far below its own limit; only the client count reaches CLIENT_LIMIT.
    for (let i = 0; i < names.length; i += 10) {
      const answers = await Promise.all(names.slice(i, i + 10).map((name) => login(h, name, WRONG, ip)));
      expect(answers.map((r) => r.status)).toEqual(repeat(401, answers.length));
    }
    const a = await account();
    const blocked = await login(h, a.username, PASSWORD, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual(TOO_MANY);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(WINDOW_SECONDS - 60);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(WINDOW_SECONDS);
    // Another address is not affected.
    expect((await login(h, a.username, PASSWORD, { 'cf-connecting-ip': '198.51.100.9' })).status).toBe(200);
  }, 30_000); // CLIENT_LIMIT password derivations
});
