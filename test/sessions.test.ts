/**
 * Sessions that end: logout, password change and password reset revoke every earlier token
 * on every Bearer route; reset by SMS; accounts that cannot log in by password.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashPassword } from '../src/auth/password';
import { addAccount, clockedHarness, freshMobile, harness } from './harness';

type H = ReturnType<typeof harness>;

const PASSWORD = 'correct horse 1';
const NEW_PASSWORD = 'battery staple 2';
const UNAUTHORIZED = { error: { code: 'unauthorized', message: '请先登录' } };
const INVALID_CREDENTIALS = { error: { code: 'invalid_credentials', message: '用户名或密码错误' } };
const INVALID_SMS_CODE = { error: { code: 'invalid_sms_code', message: '短信验证码错误' } };

/**
 * A harness on a clock the test moves (SMS resends need 60 s between them). It starts an
 * hour back, so tokens it issues are never dated after the real time that verifies them.
 */
const clocked = () => clockedHarness();

interface Person {
  mobile: string;
  userId: number;
  token: string;
}

/** A QQ-bound account (so unbinding has something to remove) and its first token. */
async function person(h: H): Promise<Person> {
  const mobile = freshMobile();
  const { token, userId } = await h.signUp(mobile, PASSWORD);
  return { mobile, userId, token };
}

function login(h: H, username: string, password: string) {
  return h.call<{ token: string; user: { id: number } }>('POST', '/users/login', { json: { username, password } });
}

function changePassword(h: H, token: string, current = PASSWORD, next = NEW_PASSWORD) {
  return h.call<{ token: string; status: string }>('PUT', '/users/me/password', { token, json: { current_password: current, new_password: next } });
}

function reset(h: H, mobile: string, code: string, password = NEW_PASSWORD) {
  return h.call<{ token: string; status: string; user: { id: number } }>('POST', '/users/password/reset', {
    json: { mobile, sms_code: code, new_password: password },
  });
}

/** A new code for `mobile`, past the resend window of the last one. */
async function freshCode(h: H, clock: { now: number }, mobile: string): Promise<string> {
  clock.now += 61_000;
  return h.smsCode(mobile);
}

const REVOCATIONS: [string, (h: H, clock: { now: number }, p: Person) => Promise<string | null>][] = [
  [
    'logout',
    async (h, _, p) => {
      const out = await h.call('POST', '/users/logout', { token: p.token });
      expect(out.status).toBe(204);
      return null;
    },
  ],
  [
    'password change',
    async (h, _, p) => {
      const changed = await changePassword(h, p.token);
      expect(changed.status).toBe(200);
      return changed.body.token;
    },
  ],
  [
    'password reset',
    async (h, clock, p) => {
      const done = await reset(h, p.mobile, await freshCode(h, clock, p.mobile));
      expect(done.status).toBe(200);
      return done.body.token;
    },
  ],
];

const BEARER_ROUTES: [string, (h: H, token: string) => ReturnType<H['call']>][] = [
  ['GET /users/me', (h, token) => h.call('GET', '/users/me', { token })],
  ['DELETE /users/me/bindings/qq', (h, token) => h.call('DELETE', '/users/me/bindings/qq', { token })],
  ['POST /users/logout', (h, token) => h.call('POST', '/users/logout', { token })],
  ['PUT /users/me/password', (h, token) => changePassword(h, token, PASSWORD, 'attacker chose this')],
];

describe('revocation', () => {
  const cases = REVOCATIONS.flatMap(([kind, revoke]) => BEARER_ROUTES.map(([route, call]) => [kind, route, revoke, call] as const));

  it.each(cases)('after a %s, an earlier token gets 401 unauthorized on %s and changes nothing', async (_, __, revoke, call) => {
    const { h, clock } = clocked();
    const p = await person(h);
    clock.now += 1000;
    const other = await login(h, p.mobile, PASSWORD);
    expect(other.status).toBe(200);
    const fresh = await revoke(h, clock, p);
    for (const old of [p.token, other.body.token]) {
      const answer = await call(h, old);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(UNAUTHORIZED);
    }
    // Nothing was done with the revoked tokens: the binding is still there, the password unchanged.
    const binding = await h.db.prepare('SELECT id FROM qq_bindings WHERE user_id = ?').bind(p.userId).first();
    expect(binding).not.toBeNull();
    expect((await login(h, p.mobile, 'attacker chose this')).status).toBe(401);
    if (fresh !== null) expect((await h.call('GET', '/users/me', { token: fresh })).status).toBe(200);
  });

  it('revokes two tokens of one user with one logout, and a later login works again', async () => {
    const { h, clock } = clocked();
    const p = await person(h);
    clock.now += 1000;
    const second = await login(h, p.mobile, PASSWORD);
    expect(second.body.token).not.toBe(p.token);
    expect((await h.call('GET', '/users/me', { token: p.token })).status).toBe(200);
    expect((await h.call('GET', '/users/me', { token: second.body.token })).status).toBe(200);
    expect((await h.call('POST', '/users/logout', { token: second.body.token })).status).toBe(204);
    expect((await h.call('GET', '/users/me', { token: p.token })).status).toBe(401);
    expect((await h.call('GET', '/users/me', { token: second.body.token })).status).toBe(401);
    const again = await login(h, p.mobile, PASSWORD);
    expect((await h.call('GET', '/users/me', { token: again.body.token })).status).toBe(200);
  });

  it('keeps working for the token a password change returns, and only that one', async () => {
    const { h } = clocked();
    const p = await person(h);
    const changed = await changePassword(h, p.token);
    expect(changed.body).toMatchObject({ status: 'logged_in', token_type: 'Bearer', expires_in: 86400, user: { id: p.userId } });
    expect((await h.call('GET', '/users/me', { token: changed.body.token })).status).toBe(200);
    const again = await changePassword(h, changed.body.token, NEW_PASSWORD, PASSWORD);
    expect(again.status).toBe(200);
    expect((await h.call('GET', '/users/me', { token: changed.body.token })).status).toBe(401);
  });

  it('refuses the tokens of an account made inactive, and its right password, at the cost of one derivation', async () => {
    const { h } = clocked();
    const p = await person(h);
    await h.db.prepare('UPDATE users SET is_active = 0 WHERE id = ?').bind(p.userId).run();
    expect((await h.call('GET', '/users/me', { token: p.token })).status).toBe(401);
    expect((await h.call('POST', '/users/logout', { token: p.token })).status).toBe(401);
    const { result, counts } = await h.measure(() => login(h, p.mobile, PASSWORD));
    expect(result.status).toBe(401);
    expect(result.body).toEqual(INVALID_CREDENTIALS);
    expect(counts.pbkdf2).toBe(1);
  });
});

describe('PUT /users/me/password', () => {
  it('answers 401 invalid_credentials for a wrong current password and keeps the token and the password', async () => {
    const { h } = clocked();
    const p = await person(h);
    const wrong = await changePassword(h, p.token, 'not my password');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(INVALID_CREDENTIALS);
    expect((await h.call('GET', '/users/me', { token: p.token })).status).toBe(200);
    expect((await login(h, p.mobile, PASSWORD)).status).toBe(200);
  });

  it('throttles the current password like a login (429 after 10 failures, even for the right one)', async () => {
    const { h } = clocked();
    const p = await person(h);
    for (let i = 0; i < 10; i++) expect((await changePassword(h, p.token, 'not my password')).status).toBe(401);
    const blocked = await changePassword(h, p.token);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await login(h, p.mobile, PASSWORD)).status).toBe(429);
  });

  it('answers invalid_request naming a short new password, without deriving anything', async () => {
    const { h } = clocked();
    const p = await person(h);
    const { result, counts } = await h.measure(() => changePassword(h, p.token, PASSWORD, 'short'));
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'invalid_request', fields: { new_password: expect.any(String) } } });
    expect(counts.pbkdf2).toBe(0);
  });

  it('sets the new password: it logs in, the old one does not', async () => {
    const { h } = clocked();
    const p = await person(h);
    expect((await changePassword(h, p.token)).status).toBe(200);
    expect((await login(h, p.mobile, NEW_PASSWORD)).status).toBe(200);
    expect((await login(h, p.mobile, PASSWORD)).status).toBe(401);
  });
});

describe('POST /users/password/reset', () => {
  it('sets the new password and answers a login; the code is single-use', async () => {
    const { h, clock } = clocked();
    const p = await person(h);
    const code = await freshCode(h, clock, p.mobile);
    const done = await reset(h, p.mobile, code);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'logged_in', user: { id: p.userId } });
    expect((await login(h, p.mobile, NEW_PASSWORD)).status).toBe(200);
    expect((await login(h, p.mobile, PASSWORD)).status).toBe(401);
    const twice = await reset(h, p.mobile, code, 'a third password');
    expect(twice.status).toBe(400);
    expect(twice.body).toEqual(INVALID_SMS_CODE);
    expect((await login(h, p.mobile, 'a third password')).status).toBe(401);
  });

  it('lets exactly one of two concurrent uses of one code through', async () => {
    const { h, clock } = clocked();
    const p = await person(h);
    const code = await freshCode(h, clock, p.mobile);
    const answers = await Promise.all([reset(h, p.mobile, code, 'first password 1'), reset(h, p.mobile, code, 'second password 2')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    const winner = answers[0]?.status === 200 ? 'first password 1' : 'second password 2';
    expect((await login(h, p.mobile, winner)).status).toBe(200);
  });

  it('does not consume the code on a wrong guess', async () => {
    const { h, clock } = clocked();
    const p = await person(h);
    const code = await freshCode(h, clock, p.mobile);
    const wrong = code === '000000' ? '000001' : '000000';
    expect((await reset(h, p.mobile, wrong)).body).toEqual(INVALID_SMS_CODE);
    expect((await reset(h, p.mobile, code)).status).toBe(200);
  });

  it('answers invalid_sms_code for a mobile without a code, and invalid_credentials only once a code checked out', async () => {
    const { h } = clocked();
    const mobile = freshMobile();
    const noCode = await reset(h, mobile, '123456');
    expect(noCode.body).toEqual(INVALID_SMS_CODE);
    const code = await h.smsCode(mobile);
    const noAccount = await reset(h, mobile, code);
    expect(noAccount.status).toBe(401);
    expect(noAccount.body).toEqual(INVALID_CREDENTIALS);
    // The code was not consumed: that mobile can still register with it.
    const row = await h.db.prepare('SELECT code_hash FROM sms_codes WHERE mobile = ?').bind(mobile).first<{ code_hash: string | null }>();
    expect(row?.code_hash).not.toBeNull();
  });

  it('locks the code after too many wrong guesses', async () => {
    const { h, clock } = clocked();
    const p = await person(h);
    const code = await freshCode(h, clock, p.mobile);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) await reset(h, p.mobile, wrong);
    const locked = await reset(h, p.mobile, code);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: { code: 'sms_code_locked' } });
  });

  it('does not reset an inactive account', async () => {
    const { h, clock } = clocked();
    const p = await person(h);
    await h.db.prepare('UPDATE users SET is_active = 0 WHERE id = ?').bind(p.userId).run();
    const answer = await reset(h, p.mobile, await freshCode(h, clock, p.mobile));
    expect(answer.body).toEqual(INVALID_CREDENTIALS);
  });
});

describe('hashes the edge cannot check', () => {
  const HASHES: [string, () => Promise<string>][] = [
    ['argon2', async () => 'argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$Ynd9ZmFtcGxlaGFzaA'],
    ['bcrypt', async () => 'bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuJ8pS1Q7xQ2y7Q4lRkY0Xz0rYbWcZ8a'],
    ['PBKDF2 over 100,000 iterations', () => hashPassword(PASSWORD, 600_000)],
    ['an unusable ! password', async () => '!XvUuZ1vWcV5j1sB3WmP4o9gK2hR7tLq8nYcD0eFa'],
    ['unsalted md5', async () => 'unsalted_md5$5f4dcc3b5aa765d61d8327deb882cf99'],
  ];

  it.each(HASHES)('%s: the right password answers invalid_credentials at one derivation; reset lets the owner in', async (_, hash) => {
    const { h } = clocked();
    const mobile = freshMobile();
    const id = await addAccount({ username: `legacy_${mobile}`, mobile, password: PASSWORD });
    await h.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(await hash(), id).run();
    const { result, counts } = await h.measure(() => login(h, mobile, PASSWORD));
    expect(result.body).toEqual(INVALID_CREDENTIALS);
    expect(counts.pbkdf2).toBe(1);
    const done = await reset(h, mobile, await h.smsCode(mobile));
    expect(done.status).toBe(200);
    expect(done.body.user.id).toBe(id);
    expect((await login(h, mobile, NEW_PASSWORD)).status).toBe(200);
  });
});

describe('keys', () => {
  it('keeps a live SMS code valid when JWT_SECRET is rotated, while the old tokens stop working', async () => {
    const before = harness();
    const p = await person(before);
    const mobile = freshMobile();
    const code = await before.smsCode(mobile);
    const after = harness({ settings: { JWT_SECRET: 'a-rotated-jwt-secret-0123456789abcdef0123' } });
    expect((await after.call('GET', '/users/me', { token: p.token })).status).toBe(401);
    const ticket = await after.bindTicketFor(after.qq.addUser({ nickname: '轮换' }).openid);
    const bound = await after.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile, sms_code: code, password: PASSWORD } });
    expect(bound.status).toBe(201);
  });
});

describe('event lines', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes one line for logout, password change and reset, without tokens, codes or passwords', async () => {
    const { h, clock } = clocked();
    const p = await person(h);
    const lines: unknown[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(line));
    const code = await freshCode(h, clock, p.mobile);
    lines.length = 0;
    const done = await reset(h, p.mobile, code);
    await h.call('POST', '/users/logout', { token: done.body.token });
    await h.call('POST', '/users/logout', { token: done.body.token });
    expect(lines).toEqual([
      { event: 'password_reset', outcome: 'logged_in', user_id: p.userId, mobile: `${p.mobile.slice(0, 3)}****${p.mobile.slice(-4)}` },
      { event: 'logout', outcome: 'ok', user_id: p.userId },
      { event: 'logout', outcome: 'unauthorized', user_id: p.userId },
    ]);
    expect(JSON.stringify(lines)).not.toContain(code);
  });

  it('writes password_change with its outcome', async () => {
    const { h } = clocked();
    const p = await person(h);
    const lines: unknown[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(line));
    await changePassword(h, p.token, 'not my password');
    await changePassword(h, p.token);
    expect(lines).toEqual([
      { event: 'password_change', outcome: 'invalid_credentials', user_id: p.userId },
      { event: 'password_change', outcome: 'logged_in', user_id: p.userId },
    ]);
  });
});
