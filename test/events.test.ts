/**
 * Event lines (api.md "Logs"): every auth request writes exactly one JSON object to
 * console.log, `{ event, outcome, user_id?, mobile? }`, the mobile masked; and no line the
 * worker prints, on any level, holds a secret, SMS code, token, ticket, hash or full mobile.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addAccount, Browser, captureConsole, freshMobile, harness, REDIRECT_URI, type Logs } from './harness';
import { TEST_SETTINGS } from './settings';

type H = ReturnType<typeof harness>;

afterEach(() => {
  vi.restoreAllMocks();
});

const masked = (mobile: string) => `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
const PASSWORD = 'correct horse 1';

/** `request` writes exactly the one event line `expected`. */
async function expectEvent(logs: Logs, request: () => Promise<unknown>, expected: Record<string, unknown>): Promise<void> {
  logs.take();
  await request();
  expect(logs.take()).toEqual([expected]);
}

function post(h: H, path: string, json: unknown, token?: string) {
  return h.call('POST', path, { json, token });
}

describe('one event line per auth request', () => {
  it('authorization: ok, invalid_next', async () => {
    const logs = captureConsole();
    const h = harness();
    await expectEvent(logs, () => h.call('GET', '/oauth/qq/authorization?next=/orders'), { event: 'authorization', outcome: 'ok' });
    await expectEvent(logs, () => h.call('GET', '/oauth/qq/authorization?next=//evil.example'), { event: 'authorization', outcome: 'invalid_next' });
  });

  it('callback: bind_required, logged_in with the user, and every refusal', async () => {
    const logs = captureConsole();
    const h = harness();
    const stranger = h.qq.addUser({ nickname: '新用户' });
    logs.take();
    await h.qqLogin(stranger.openid);
    expect(logs.take()).toEqual([
      { event: 'authorization', outcome: 'ok' },
      { event: 'callback', outcome: 'bind_required' },
    ]);
    const { openid, userId } = await h.signUp(freshMobile());
    logs.take();
    const login = await h.qqLogin(openid);
    expect(login.body.status).toBe('logged_in');
    expect(logs.take()).toEqual([
      { event: 'authorization', outcome: 'ok' },
      { event: 'callback', outcome: 'logged_in', user_id: userId },
    ]);
    await expectEvent(logs, () => h.call('GET', '/oauth/qq/callback?code=ABC&state=unknown'), { event: 'callback', outcome: 'invalid_state' });
    await expectEvent(logs, () => h.call('GET', '/oauth/qq/callback?state=abc'), { event: 'callback', outcome: 'invalid_request' });
    const browser = new Browser();
    const started = async () => (await h.call<{ state: string }>('GET', '/oauth/qq/authorization', { browser })).body.state;
    let state = await started();
    await expectEvent(logs, () => h.call('GET', `/oauth/qq/callback?code=NOT-ISSUED&state=${state}`, { browser }), {
      event: 'callback',
      outcome: 'qq_code_invalid',
    });
    state = await started();
    h.qq.setMode('token', 'down');
    const code = h.qq.issueCode({ openid, redirectUri: REDIRECT_URI });
    await expectEvent(logs, () => h.call('GET', `/oauth/qq/callback?code=${code}&state=${state}`, { browser }), {
      event: 'callback',
      outcome: 'qq_unavailable',
    });
  });

  it('app_login: logged_in, bind_required, qq_token_invalid, invalid_request', async () => {
    const logs = captureConsole();
    const h = harness();
    const { openid, userId } = await h.signUp(freshMobile());
    const appLogin = (token: string) => post(h, '/oauth/qq/app-login', { access_token: token });
    await expectEvent(logs, () => appLogin(h.qq.issueAccessToken({ openid })), { event: 'app_login', outcome: 'logged_in', user_id: userId });
    const stranger = h.qq.addUser({ nickname: '应用' });
    await expectEvent(logs, () => appLogin(h.qq.issueAccessToken({ openid: stranger.openid })), { event: 'app_login', outcome: 'bind_required' });
    await expectEvent(logs, () => appLogin(h.qq.issueAccessToken({ openid, clientId: '999999' })), { event: 'app_login', outcome: 'qq_token_invalid' });
    await expectEvent(logs, () => appLogin('short'), { event: 'app_login', outcome: 'invalid_request' });
  });

  it('sms_send: sent and every refusal, with the mobile masked where given', async () => {
    const logs = captureConsole();
    const h = harness();
    const mobile = freshMobile();
    await expectEvent(logs, () => post(h, '/sms/codes', { mobile }), { event: 'sms_send', outcome: 'sent', mobile: masked(mobile) });
    await expectEvent(logs, () => post(h, '/sms/codes', { mobile: `+86 ${mobile}` }), {
      event: 'sms_send',
      outcome: 'sms_too_frequent',
      mobile: masked(mobile),
    });
    h.sms.mode = 'fail';
    const other = freshMobile();
    await expectEvent(logs, () => post(h, '/sms/codes', { mobile: other }), { event: 'sms_send', outcome: 'sms_send_failed', mobile: masked(other) });
    await expectEvent(logs, () => post(h, '/sms/codes', { mobile: '12345' }), { event: 'sms_send', outcome: 'invalid_request' });
    await expectEvent(logs, () => h.call('POST', '/sms/codes', { body: 'mobile=1', headers: { 'content-type': 'text/plain' } }), {
      event: 'sms_send',
      outcome: 'unsupported_media_type',
    });
    await expectEvent(logs, () => h.call('POST', '/sms/codes', { body: '[1]', headers: { 'content-type': 'application/json' } }), {
      event: 'sms_send',
      outcome: 'invalid_json',
    });
  });

  it('bind: logged_in with the new user and the masked mobile; invalid_sms_code; invalid_bind_ticket; invalid_request', async () => {
    const logs = captureConsole();
    const h = harness();
    const mobile = freshMobile();
    const ticket = await h.bindTicketFor(h.qq.addUser({ nickname: '绑定' }).openid);
    const code = await h.smsCode(mobile);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const bind = (json: Record<string, unknown>) => post(h, '/oauth/qq/bind', { bind_ticket: ticket, mobile, password: PASSWORD, ...json });
    await expectEvent(logs, () => bind({ sms_code: wrong }), { event: 'bind', outcome: 'invalid_sms_code', mobile: masked(mobile) });
    await expectEvent(logs, () => bind({ sms_code: code, bind_ticket: 'x'.repeat(43) }), { event: 'bind', outcome: 'invalid_bind_ticket', mobile: masked(mobile) });
    await expectEvent(logs, () => bind({ sms_code: code, mobile: 'nope' }), { event: 'bind', outcome: 'invalid_request' });
    logs.take();
    const bound = await bind({ sms_code: code });
    expect(bound.status).toBe(201);
    expect(logs.take()).toEqual([{ event: 'bind', outcome: 'logged_in', user_id: (bound.body.user as { id: number }).id, mobile: masked(mobile) }]);
  });

  it('bind_account: logged_in with the user; invalid_credentials; account_already_bound', async () => {
    const logs = captureConsole();
    const h = harness();
    const username = `events${Date.now() % 1_000_000}`;
    const id = await addAccount({ username, password: PASSWORD });
    const ticket = await h.bindTicketFor(h.qq.addUser({ nickname: '已有账号' }).openid);
    const bindAccount = (password: string, bindTicket = ticket) => post(h, '/oauth/qq/bind/account', { bind_ticket: bindTicket, username, password });
    await expectEvent(logs, () => bindAccount('wrong password'), { event: 'bind_account', outcome: 'invalid_credentials' });
    await expectEvent(logs, () => bindAccount(PASSWORD), { event: 'bind_account', outcome: 'logged_in', user_id: id });
    const another = await h.bindTicketFor(h.qq.addUser({ nickname: '第二个' }).openid);
    await expectEvent(logs, () => bindAccount(PASSWORD, another), { event: 'bind_account', outcome: 'account_already_bound' });
  });

  it('bind_register: logged_in with the new user and the masked mobile; mobile_taken', async () => {
    const logs = captureConsole();
    const h = harness();
    const takenMobile = freshMobile();
    await addAccount({ username: takenMobile, mobile: takenMobile, password: PASSWORD });
    const register = async (mobile: string, nickname: string) => {
      const ticket = await h.bindTicketFor(h.qq.addUser({ nickname }).openid);
      const code = await h.smsCode(mobile);
      logs.take();
      return post(h, '/oauth/qq/bind/register', { bind_ticket: ticket, nickname, mobile, sms_code: code, password: PASSWORD });
    };
    const mobile = freshMobile();
    const created = await register(mobile, `注册${mobile.slice(-4)}`);
    expect(created.status).toBe(201);
    expect(logs.take()).toEqual([{ event: 'bind_register', outcome: 'logged_in', user_id: (created.body.user as { id: number }).id, mobile: masked(mobile) }]);
    await register(takenMobile, '重复手机');
    expect(logs.take()).toEqual([{ event: 'bind_register', outcome: 'mobile_taken', mobile: masked(takenMobile) }]);
  });

  it('password_login: logged_in with the user; invalid_credentials; too_many_attempts', async () => {
    const logs = captureConsole();
    const h = harness();
    const mobile = freshMobile();
    const { userId } = await h.signUp(mobile, PASSWORD);
    const login = (password: string) => post(h, '/users/login', { username: mobile, password });
    await expectEvent(logs, () => login(PASSWORD), { event: 'password_login', outcome: 'logged_in', user_id: userId });
    for (let i = 0; i < 10; i++) await login(`wrong password ${i}`);
    expect(logs.take()).toEqual(Array.from({ length: 10 }, () => ({ event: 'password_login', outcome: 'invalid_credentials' })));
    await expectEvent(logs, () => login(PASSWORD), { event: 'password_login', outcome: 'too_many_attempts' });
  });

  it('unbind: ok with the user; not_found with the user; unauthorized', async () => {
    const logs = captureConsole();
    const h = harness();
    const { token, userId } = await h.signUp(freshMobile());
    const unbind = (bearer?: string) => h.call('DELETE', '/users/me/bindings/qq', { token: bearer });
    await expectEvent(logs, () => unbind(token), { event: 'unbind', outcome: 'ok', user_id: userId });
    await expectEvent(logs, () => unbind(token), { event: 'unbind', outcome: 'not_found', user_id: userId });
    await expectEvent(logs, () => unbind(), { event: 'unbind', outcome: 'unauthorized' });
  });

  it('logout, password_change, password_reset: the outcomes beside the happy path', async () => {
    const logs = captureConsole();
    const h = harness({ settings: { SMS_RESEND_SECONDS: '0' } });
    const mobile = freshMobile();
    const { token, userId } = await h.signUp(mobile, PASSWORD);
    await expectEvent(logs, () => h.call('POST', '/users/logout'), { event: 'logout', outcome: 'unauthorized' });
    await expectEvent(logs, () => h.call('PUT', '/users/me/password', { json: { current_password: PASSWORD, new_password: 'another horse 2' } }), {
      event: 'password_change',
      outcome: 'unauthorized',
    });
    const change = (current: string) => h.call('PUT', '/users/me/password', { token, json: { current_password: current, new_password: 'another horse 2' } });
    await expectEvent(logs, () => change('wrong password'), { event: 'password_change', outcome: 'invalid_credentials', user_id: userId });
    const reset = async (m: string, wrong = false) => {
      const code = await h.smsCode(m);
      logs.take();
      const sms = wrong ? String((Number(code) + 1) % 1_000_000).padStart(6, '0') : code;
      return h.call('POST', '/users/password/reset', { json: { mobile: m, sms_code: sms, new_password: 'third horse 3' } });
    };
    await reset(mobile, true);
    expect(logs.take()).toEqual([{ event: 'password_reset', outcome: 'invalid_sms_code', mobile: masked(mobile) }]);
    const nobody = freshMobile();
    await reset(nobody);
    expect(logs.take()).toEqual([{ event: 'password_reset', outcome: 'invalid_credentials', mobile: masked(nobody) }]);
    await reset(mobile);
    expect(logs.take()).toEqual([{ event: 'password_reset', outcome: 'logged_in', user_id: userId, mobile: masked(mobile) }]);
  });

  it('no event line for requests that are not auth requests', async () => {
    const logs = captureConsole();
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    logs.take();
    await h.call('GET', '/users/me', { token });
    await h.call('GET', '/healthz');
    await h.call('GET', '/no/such/route');
    await h.call('PUT', '/sms/codes', { json: {} });
    expect(logs.take()).toEqual([]);
  });
});

describe('nothing secret in any log line', () => {
  it('a full flow, failures included, prints no secret, code, token, ticket, hash or full mobile', async () => {
    const logs = captureConsole();
    const h = harness();
    const found: string[] = [TEST_SETTINGS.JWT_SECRET, TEST_SETTINGS.TOKEN_ENCRYPTION_KEY, TEST_SETTINGS.QQ_APP_KEY, TEST_SETTINGS.SMS_WEBHOOK_SECRET, PASSWORD];
    const mobile = freshMobile();
    const user = h.qq.addUser({ nickname: '全流程' });
    const browser = new Browser();
    const start = await h.call<{ state: string }>('GET', '/oauth/qq/authorization?next=/orders', { browser });
    const code = h.qq.issueCode({ openid: user.openid, redirectUri: REDIRECT_URI });
    const callback = await h.call<{ bind_ticket: string }>('GET', `/oauth/qq/callback?code=${code}&state=${start.body.state}`, { browser });
    const smsCode = await h.smsCode(mobile);
    const wrongCode = String((Number(smsCode) + 7) % 1_000_000).padStart(6, '0');
    found.push(start.body.state, code, callback.body.bind_ticket, smsCode, wrongCode, mobile);
    await post(h, '/oauth/qq/bind', { bind_ticket: callback.body.bind_ticket, mobile, sms_code: wrongCode, password: PASSWORD });
    const bound = await post(h, '/oauth/qq/bind', { bind_ticket: callback.body.bind_ticket, mobile, sms_code: smsCode, password: PASSWORD });
    const login = await post(h, '/users/login', { username: mobile, password: PASSWORD });
    await post(h, '/users/login', { username: mobile, password: 'a wrong password' });
    const accessToken = h.qq.issueAccessToken({ openid: user.openid });
    const appLogin = await post(h, '/oauth/qq/app-login', { access_token: accessToken });
    found.push(String(bound.body.token), String(login.body.token), String(appLogin.body.token), accessToken);
    // Failures that write warnings: QQ down, the SMS provider refusing.
    h.qq.setMode('me', 'garbage');
    await post(h, '/oauth/qq/app-login', { access_token: h.qq.issueAccessToken({ openid: user.openid }) });
    h.sms.mode = 'fail';
    await post(h, '/sms/codes', { mobile: freshMobile() });
    await h.call('DELETE', '/users/me/bindings/qq', { token: String(login.body.token) });
    const newPassword = 'a brand new horse';
    const changed = await h.call('PUT', '/users/me/password', { token: String(login.body.token), json: { current_password: PASSWORD, new_password: newPassword } });
    expect(changed.status).toBe(200);
    await h.call('POST', '/users/logout', { token: String(changed.body.token) });
    found.push(newPassword, String(changed.body.token));
    await h.settle();
    const stored = await h.db.prepare('SELECT password_hash FROM users WHERE mobile = ?').bind(mobile).first<{ password_hash: string }>();
    found.push(String(stored?.password_hash));

    expect(logs.lines.length).toBeGreaterThan(10);
    expect(logs.lines.some((l) => l.includes(masked(mobile)))).toBe(true);
    for (const line of logs.lines) {
      for (const value of found) expect(line).not.toContain(value);
      expect(line).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
    }
  });
});

/**
 * Makes the statements of `db` whose SQL matches `pattern` fail with an error that echoes
 * every value bound to them (the worst a driver could do); `bound` collects those values.
 */
function failingD1(db: D1Database, pattern: RegExp, bound: unknown[]): D1Database {
  const failing = new WeakSet<object>();
  const fail = (values: unknown[]) => Promise.reject(new Error(`D1_ERROR: write failed for (${values.map(String).join(', ')})`));
  const statement = (stmt: D1PreparedStatement, values: unknown[]): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === 'bind') {
          return (...next: unknown[]) => {
            bound.push(...next);
            return statement(target.bind(...next), next);
          };
        }
        if (prop === 'run' || prop === 'all' || prop === 'first' || prop === 'raw') return () => fail(values);
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    failing.add(proxy);
    return proxy;
  };
  // The worker reads and writes through D1 sessions (withSession): those fail the same way.
  const wrap = <T extends D1Database | D1DatabaseSession>(d1: T): T =>
    new Proxy(d1, {
      get(target, prop) {
        if (prop === 'prepare') return (query: string) => (pattern.test(query) ? statement(target.prepare(query), []) : target.prepare(query));
        if (prop === 'batch') {
          return (statements: D1PreparedStatement[]) => (statements.some((s) => failing.has(s)) ? fail(bound) : target.batch(statements));
        }
        if (prop === 'withSession' && 'withSession' in target) {
          return (constraint?: string) => wrap(target.withSession(constraint));
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return wrap(db);
}

describe('a D1 failure after the answer logs no hash or sealed token', () => {
  it('the password hash upgrade', async () => {
    const logs = captureConsole();
    const h = harness();
    const username = `upgrade${Date.now() % 1_000_000}`;
    const id = await addAccount({ username, password: 'placeholder' });
    // Django 1.x's make_password('lètmein-again', 'seasalt') at 10,000 iterations.
    const legacy = 'pbkdf2_sha256$10000$seasalt$Pht1I1bKbmG4HYJlcNBXLy9Dlne7T+uk0OELGivi4dc=';
    await h.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(legacy, id).run();
    const bound: unknown[] = [];
    h.env.DB = failingD1(h.db, /^update "users" set "password_hash"/i, bound);
    const answer = await post(h, '/users/login', { username, password: 'lètmein-again' });
    expect(answer.status).toBe(200);
    await h.settle();
    const newHash = bound.find((v) => typeof v === 'string' && v.startsWith('pbkdf2_sha256$100000$'));
    expect(newHash).toBeDefined();
    const warnings = logs.lines.filter((l) => l.includes('password hash upgrade failed'));
    expect(warnings).toHaveLength(1);
    const row = await h.db.prepare('SELECT password_hash FROM users WHERE id = ?').bind(id).first<{ password_hash: string }>();
    expect(row?.password_hash).toBe(legacy);
    for (const line of logs.lines) {
      for (const value of [String(newHash), legacy, 'lètmein-again', String(answer.body.token)]) expect(line).not.toContain(value);
      expect(line).not.toMatch(/pbkdf2_sha256\$/);
    }
  });

  it('the QQ binding refresh after a returning login', async () => {
    const logs = captureConsole();
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    await h.db.prepare('UPDATE qq_bindings SET profile_updated_at = 0 WHERE openid = ?').bind(openid).run();
    const bound: unknown[] = [];
    h.env.DB = failingD1(h.db, /^update "qq_bindings"/i, bound);
    const login = await h.qqLogin(openid);
    expect(login.body.status).toBe('logged_in');
    await h.settle();
    const sealed = bound.filter((v): v is string => typeof v === 'string' && v.startsWith('v1.'));
    expect(sealed.length).toBeGreaterThan(0);
    expect(logs.lines.filter((l) => l.includes('QQ binding refresh failed'))).toHaveLength(1);
    const row = await h.db.prepare('SELECT profile_updated_at FROM qq_bindings WHERE openid = ?').bind(openid).first<{ profile_updated_at: number }>();
    expect(row?.profile_updated_at).toBe(0);
    for (const line of logs.lines) {
      for (const value of sealed) expect(line).not.toContain(value);
      expect(line).not.toMatch(/\bv1\.[\w-]{8,}/);
    }
  });
});
