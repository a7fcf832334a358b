import { describe, expect, it, vi } from 'vitest';
import { addAccount, freshMobile, freshName, harness, expectedError } from './harness';

type H = ReturnType<typeof harness>;

const PASSWORD = 'correct horse 1';
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function masked(mobile: string): string {
  return `${mobile.slice(0, 3)}****${mobile.slice(-4)}`;
}

function login(h: H, username: string, password: string) {
  return h.call('POST', '/users/login', { json: { username, password } });
}

describe('GET /users/me', () => {
  it('answers the user with a masked mobile and the QQ binding with its profile and bound_at', async () => {
    const h = harness();
    const mobile = freshMobile();
    const before = Math.floor(Date.now() / 1000);
    const { openid, token, userId } = await h.signUp(mobile, PASSWORD, '资料页');
    const answer = await h.call('GET', '/users/me', { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      user: { id: userId, username: mobile, nickname: null, avatar: null, mobile: masked(mobile) },
      bindings: [
        {
          provider: 'qq',
          nickname: '资料页',
          avatar: `https://thirdqq.qlogo.cn/g?b=oidb&k=${openid}&s=100`,
          bound_at: expect.stringMatching(ISO_SECONDS),
        },
      ],
    });
    const boundAt = Date.parse((answer.body.bindings as { bound_at: string }[])[0]?.bound_at ?? '') / 1000;
    expect(boundAt).toBeGreaterThanOrEqual(before);
    expect(boundAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('masks the mobile as its first 3 and last 4 digits', async () => {
    const h = harness();
    const { token } = await h.signUp('13800138000');
    const answer = await h.call('GET', '/users/me', { token });
    expect(answer.body).toMatchObject({ user: { mobile: '138****8000' } });
  });

  it('answers an empty bindings list for an account without QQ', async () => {
    const h = harness();
    const mobile = freshMobile();
    const username = freshName('bob_');
    const id = await addAccount({ username, mobile, password: PASSWORD });
    const token = (await login(h, username, PASSWORD)).body.token as string;
    const answer = await h.call('GET', '/users/me', { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ user: { id, username, nickname: null, avatar: null, mobile: masked(mobile) }, bindings: [] });
  });

  it('answers 401 unauthorized without a token', async () => {
    const h = harness();
    const answer = await h.call('GET', '/users/me');
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(expectedError('unauthorized'));
  });

  it('answers 401 unauthorized for a tampered token', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    const [head, payload, signature = ''] = token.split('.');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const answer = await h.call('GET', '/users/me', { token: `${head}.${payload}.${flipped}` });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } });
  });
});

describe('DELETE /users/me/bindings/qq', () => {
  it('unbinds with 204 and removes the binding row', async () => {
    const h = harness();
    const { openid, token } = await h.signUp(freshMobile());
    const answer = await h.call('DELETE', '/users/me/bindings/qq', { token });
    expect(answer.status).toBe(204);
    expect(answer.body).toBeNull();
    expect((await h.db.prepare('SELECT id FROM qq_bindings WHERE openid = ?').bind(openid).all()).results).toEqual([]);
    expect((await h.call('GET', '/users/me', { token })).body).toMatchObject({ bindings: [] });
  });

  it('answers 404 not_found when no QQ identity is bound', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    expect((await h.call('DELETE', '/users/me/bindings/qq', { token })).status).toBe(204);
    const second = await h.call('DELETE', '/users/me/bindings/qq', { token });
    expect(second.status).toBe(404);
    expect(second.body).toEqual(expectedError('not_found'));
  });

  it('answers 401 without a token and unbinds nothing', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    const answer = await h.call('DELETE', '/users/me/bindings/qq');
    expect(answer.status).toBe(401);
    expect((await h.db.prepare('SELECT id FROM qq_bindings WHERE openid = ?').bind(openid).all()).results).toHaveLength(1);
  });

  it('sends the next QQ login with that identity to bind_required', async () => {
    const h = harness();
    const { openid, token } = await h.signUp(freshMobile());
    await h.call('DELETE', '/users/me/bindings/qq', { token });
    const again = await h.qqLogin(openid);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'bind_required', bind_ticket: expect.any(String) });
  });

  it('lets the unbound QQ identity be bound to another account', async () => {
    const h = harness();
    const first = await h.signUp(freshMobile());
    await h.call('DELETE', '/users/me/bindings/qq', { token: first.token });
    const ticket = await h.bindTicketFor(first.openid);
    const other = freshMobile();
    const bound = await h.call('POST', '/oauth/qq/bind', {
      json: { bind_ticket: ticket, mobile: other, sms_code: await h.smsCode(other), password: PASSWORD },
    });
    expect(bound.status).toBe(201);
    const otherId = (bound.body.user as { id: number }).id;
    expect(otherId).not.toBe(first.userId);
    const rows = await h.db.prepare('SELECT user_id FROM qq_bindings WHERE openid = ?').bind(first.openid).all();
    expect(rows.results).toEqual([{ user_id: otherId }]);
    expect((await h.qqLogin(first.openid)).body).toMatchObject({ status: 'logged_in', user: { id: otherId } });
  });

  it('lets the account bind a QQ identity again afterwards', async () => {
    const h = harness();
    const mobile = freshMobile();
    const first = await h.signUp(mobile);
    await h.call('DELETE', '/users/me/bindings/qq', { token: first.token });
    const user = h.qq.addUser({ nickname: '新的QQ' });
    const ticket = await h.bindTicketFor(user.openid);
    const bound = await h.call('POST', '/oauth/qq/bind/account', { json: { bind_ticket: ticket, username: mobile, password: first.password } });
    expect(bound.status).toBe(200);
    expect(bound.body).toMatchObject({ created: false, user: { id: first.userId } });
  });
});

describe('POST /users/login', () => {
  it('accepts an older Django hash (10,000 iterations) and upgrades it to 100,000 after the answer', async () => {
    const h = harness();
    const username = freshName('bob_');
    const id = await addAccount({ username, password: 'placeholder' });
    // Django 1.x's make_password('lètmein-again', 'seasalt') at its 10,000 iterations (computed with Python's hashlib).
    const legacy = 'pbkdf2_sha256$10000$seasalt$Pht1I1bKbmG4HYJlcNBXLy9Dlne7T+uk0OELGivi4dc=';
    await h.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(legacy, id).run();
    const answer = await login(h, username, 'lètmein-again');
    expect(answer.status).toBe(200);
    await h.settle();
    const row = await h.db.prepare('SELECT password_hash FROM users WHERE id = ?').bind(id).first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2_sha256\$100000\$[A-Za-z0-9]{22}\$/);
    expect((await login(h, username, 'lètmein-again')).status).toBe(200);
    expect((await login(h, username, 'wrong password')).status).toBe(401);
  });

  it('the hash upgrade never overwrites a password changed while it was being derived', async () => {
    const h = harness();
    const username = freshName('bob_');
    const id = await addAccount({ username, password: 'placeholder' });
    const legacy = 'pbkdf2_sha256$10000$seasalt$Pht1I1bKbmG4HYJlcNBXLy9Dlne7T+uk0OELGivi4dc=';
    await h.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(legacy, id).run();
    // The upgrade's derivation (the second one) is held until the password has changed.
    let started = (): void => {};
    let release = (): void => {};
    const upgradeStarted = new Promise<void>((resolve) => (started = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const original = crypto.subtle.deriveBits.bind(crypto.subtle);
    let calls = 0;
    const spy = vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation(async (algorithm, key, length) => {
      if (++calls === 2) {
        started();
        await held;
      }
      return original(algorithm, key, length);
    });
    try {
      expect((await login(h, username, 'lètmein-again')).status).toBe(200);
      await upgradeStarted;
      const changed = 'pbkdf2_sha256$100000$othersalt0000000000000$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
      await h.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(changed, id).run();
      release();
      await h.settle();
      const row = await h.db.prepare('SELECT password_hash FROM users WHERE id = ?').bind(id).first<{ password_hash: string }>();
      expect(row?.password_hash).toBe(changed);
    } finally {
      spy.mockRestore();
    }
  });

  it('logs in by username with the login answer, without next', async () => {
    const h = harness();
    const username = freshName('bob_');
    const id = await addAccount({ username, mobile: freshMobile(), nickname: `昵${username}`, password: PASSWORD });
    const answer = await login(h, username, PASSWORD);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'logged_in',
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 86400,
      user: { id, username, nickname: `昵${username}`, avatar: null },
    });
  });

  it('logs in by mobile, +86 and spaces allowed', async () => {
    const h = harness();
    const username = freshName('bob_');
    const mobile = freshMobile();
    const id = await addAccount({ username, mobile, password: PASSWORD });
    const plain = await login(h, mobile, PASSWORD);
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ user: { id, username } });
    expect(plain.body).not.toHaveProperty('next');
    const formatted = await login(h, `+86 ${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`, PASSWORD);
    expect(formatted.status).toBe(200);
    expect(formatted.body).toMatchObject({ user: { id } });
  });

  it('answers a QQ-bound account with its own id and a token for it', async () => {
    const h = harness();
    // Accounts without bindings first, so user ids and binding ids differ.
    for (let i = 0; i < 3; i++) await addAccount({ username: freshName('bob_'), password: PASSWORD });
    const mobile = freshMobile();
    const { userId } = await h.signUp(mobile, PASSWORD);
    const bindingId = (await h.db.prepare('SELECT id FROM qq_bindings WHERE user_id = ?').bind(userId).first<{ id: number }>())?.id;
    expect(bindingId).not.toBe(userId);
    const answer = await login(h, mobile, PASSWORD);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ user: { id: userId, username: mobile } });
    const me = await h.call('GET', '/users/me', { token: answer.body.token as string });
    expect(me.body).toMatchObject({ user: { id: userId, username: mobile } });
  });

  it('answers 401 invalid_credentials for a wrong password', async () => {
    const h = harness();
    const username = freshName('bob_');
    await addAccount({ username, password: PASSWORD });
    const answer = await login(h, username, 'wrong password');
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(expectedError('invalid_credentials'));
  });

  it('answers an unknown username exactly like a wrong password', async () => {
    const h = harness();
    const username = freshName('bob_');
    await addAccount({ username, password: PASSWORD });
    const wrong = await login(h, username, 'wrong password');
    const unknown = await login(h, `ghost_${username}`, PASSWORD);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('answers 400 invalid_request for a password shorter than 8 characters', async () => {
    const h = harness();
    const answer = await login(h, freshName('bob_'), 'short');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_request', fields: { password: expect.any(String) } } });
  });
});
