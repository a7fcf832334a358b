/**
 * The QQ redirect flow: GET /oauth/qq/authorization and GET /oauth/qq/callback, with the
 * attacks on it (open redirects, missing/forged/replayed/foreign/expired state, altered
 * cookies, code reuse, QQ down).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Browser, QQ_BASE, REDIRECT_URI, captureConsole, freshMobile, harness, expectedError } from './harness';
import { TEST_SETTINGS } from './settings';

type H = ReturnType<typeof harness>;

const h = harness();

afterEach(() => {
  h.qq.setMode('token', 'normal');
  h.qq.setMode('me', 'normal');
  h.qq.setMode('userinfo', 'normal');
  vi.restoreAllMocks();
});

const error = (code: string, message: string) => ({ error: { code, message } });
const INVALID_STATE = error('invalid_state', '登录状态已失效，请重新发起 QQ 登录');
const INVALID_NEXT = error('invalid_next', '不允许跳转到该地址');
const QQ_CODE_INVALID = error('qq_code_invalid', 'QQ 授权码无效或已使用，请重新登录');
const QQ_UNAVAILABLE = error('qq_unavailable', 'QQ 服务暂时不可用，请稍后重试');

async function start(browser: Browser, next?: string, on: H = h) {
  const query = next === undefined ? '' : `?next=${encodeURIComponent(next)}`;
  return on.call<{ login_url: string; state: string }>('GET', `/oauth/qq/authorization${query}`, { browser });
}

/** Starts a login in `browser` and returns its state. */
async function stateFor(browser: Browser, next?: string, on: H = h): Promise<string> {
  const answer = await start(browser, next, on);
  if (answer.status !== 200) throw new Error(`authorization answered ${answer.status}`);
  return answer.body.state;
}

function callback(browser: Browser | undefined, params: Record<string, string>, on: H = h) {
  return on.call('GET', `/oauth/qq/callback?${new URLSearchParams(params)}`, browser ? { browser } : {});
}

function codeFor(openid: string, on: H = h): string {
  return on.qq.issueCode({ openid, redirectUri: REDIRECT_URI });
}

describe('GET /oauth/qq/authorization', () => {
  it('answers the QQ authorize URL with exactly the contract’s params', async () => {
    const answer = await start(new Browser(), '/orders');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['login_url', 'state']);
    const url = new URL(answer.body.login_url);
    expect(`${url.origin}${url.pathname}`).toBe(`${QQ_BASE}/oauth2.0/authorize`);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'redirect_uri', 'response_type', 'scope', 'state']);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: TEST_SETTINGS.QQ_APP_ID,
      redirect_uri: TEST_SETTINGS.QQ_REDIRECT_URI,
      state: answer.body.state,
      scope: 'get_user_info',
    });
  });

  it('issues a random state of at least 128 bits, new every time', async () => {
    const browser = new Browser();
    const a = await stateFor(browser);
    const b = await stateFor(browser);
    expect(a).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(b).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(a).not.toBe(b);
  });

  it('sets an HttpOnly, SameSite=Lax browser cookie', async () => {
    const answer = await start(new Browser());
    const cookies = answer.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const attributes = (cookies[0] ?? '').split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
  });

  it('lets three logins started in three tabs of one browser complete in any order', async () => {
    const browser = new Browser();
    const states = [await stateFor(browser, '/a'), await stateFor(browser, '/b'), await stateFor(browser, '/c')];
    expect(browser.cookies.size).toBe(3);
    const users = [h.qq.addUser({ nickname: '标签一' }), h.qq.addUser({ nickname: '标签二' }), h.qq.addUser({ nickname: '标签三' })];
    for (const i of [1, 2, 0]) {
      const answer = await callback(browser, { code: codeFor(users[i]?.openid ?? ''), state: states[i] ?? '' });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'bind_required', next: ['/a', '/b', '/c'][i] });
    }
    expect(browser.cookies.size).toBe(0);
  });

  it('is not cacheable', async () => {
    expect((await start(new Browser())).headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    ['a protocol-relative URL', '//evil.com'],
    ['a protocol-relative URL with a path', '//evil.com/orders'],
    ['a backslash path', '/\\evil.com'],
    ['a backslash-only path', '\\\\evil.com'],
    ['another origin', 'https://evil.com'],
    ['the allowed host over http', 'http://shop.example.com'],
    ['the allowed host on another port', 'https://shop.example.com:8443/done'],
    ['a look-alike subdomain', 'https://shop.example.com.evil.com'],
    ['userinfo in front of another host', 'https://shop.example.com@evil.com'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['a tab browsers drop', '/\t/evil.com'],
    ['a newline browsers drop', '/\n/evil.com'],
    ['a percent-encoded protocol-relative URL', '%2F%2Fevil.com'],
    ['a relative path without a leading slash', 'orders'],
    ['a leading space', ' /orders'],
  ])('refuses %s as next with 400 invalid_next', async (_, next) => {
    const answer = await start(new Browser(), next);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(INVALID_NEXT);
  });

  it.each([
    ['a site path with a query', '/orders?x=1'],
    ['an absolute URL on an allowed origin', 'https://shop.example.com/done'],
  ])('accepts %s and hands it back after the login', async (_, next) => {
    const browser = new Browser();
    const state = await stateFor(browser, next);
    const user = h.qq.addUser({ nickname: '去哪儿' });
    const answer = await callback(browser, { code: codeFor(user.openid), state });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'bind_required', next });
  });

  it('defaults next to /', async () => {
    const browser = new Browser();
    const state = await stateFor(browser);
    const user = h.qq.addUser({ nickname: '默认' });
    expect((await callback(browser, { code: codeFor(user.openid), state })).body).toMatchObject({ next: '/' });
  });

  it('stores nothing: no KV and no D1; the state is a MAC, the cookie holds no secret of the worker', async () => {
    const browser = new Browser();
    const { result, counts } = await h.measure(() => start(browser, '/orders'));
    expect(result.status).toBe(200);
    expect(counts.kv).toEqual({ get: 0, put: 0, delete: 0 });
    expect(counts.d1).toBe(0);
    const [[name, value] = ['', '']] = [...browser.cookies];
    expect(name).toBe(`qq_login_${result.body.state.slice(0, 16)}`);
    expect(value).not.toContain(result.body.state);
    for (const secret of [TEST_SETTINGS.TOKEN_ENCRYPTION_KEY, TEST_SETTINGS.JWT_SECRET, TEST_SETTINGS.QQ_APP_KEY]) {
      expect(value).not.toContain(secret);
    }
    expect(result.headers.getSetCookie()[0]).toContain('Max-Age=600');
  });

  it('over https sets a __Host- cookie: Secure, Path=/, HttpOnly, SameSite=Lax, and the callback reads only that one', async () => {
    const browser = new Browser();
    const started = await h.call<{ state: string }>('GET', '/oauth/qq/authorization', { browser, https: true });
    const cookies = started.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const [pair = '', ...attributes] = (cookies[0] ?? '').split(';').map((a) => a.trim());
    expect(pair.startsWith(`__Host-qq_login_${started.body.state.slice(0, 16)}=`)).toBe(true);
    expect(attributes.map((a) => a.toLowerCase()).sort()).toEqual(['httponly', 'max-age=600', 'path=/', 'samesite=lax', 'secure']);
    // The same value without the prefix (as a sibling subdomain could plant it) is not accepted over https.
    const planted = new Browser();
    for (const [k, v] of browser.cookies) planted.cookies.set(k.replace(/^__Host-/, ''), v);
    const user = h.qq.addUser({ nickname: '加密连接' });
    const refused = await h.call('GET', `/oauth/qq/callback?${new URLSearchParams({ code: codeFor(user.openid), state: started.body.state })}`, { browser: planted, https: true });
    expect(refused.body).toEqual(INVALID_STATE);
    const answer = await h.call('GET', `/oauth/qq/callback?${new URLSearchParams({ code: codeFor(user.openid), state: started.body.state })}`, { browser, https: true });
    expect(answer.status).toBe(200);
    expect(answer.headers.getSetCookie()).toEqual([expect.stringMatching(/^__Host-qq_login_[\w-]{16}=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=Lax$/)]);
    expect(browser.cookies.size).toBe(0);
  });

  it('passes display=mobile to QQ', async () => {
    const answer = await h.call<{ login_url: string }>('GET', '/oauth/qq/authorization?display=mobile');
    expect(answer.status).toBe(200);
    expect(new URL(answer.body.login_url).searchParams.get('display')).toBe('mobile');
  });

  it.each(['pc', 'MOBILE', 'mobile,pc'])('refuses display=%s with invalid_request', async (display) => {
    const answer = await h.call('GET', `/oauth/qq/authorization?display=${encodeURIComponent(display)}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: 'invalid_request', message: '请求参数有误', fields: { display: '格式不正确' } } });
  });

  it('refuses an empty display with invalid_request naming it', async () => {
    const answer = await h.call('GET', '/oauth/qq/authorization?display=');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_request', fields: { display: expect.any(String) } } });
  });

  it('refuses a next too long for a cookie with invalid_next', async () => {
    const answer = await start(new Browser(), `/${'订'.repeat(700)}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(INVALID_NEXT);
  });
});

describe('GET /oauth/qq/callback: state', () => {
  it('refuses a missing state with invalid_state', async () => {
    const browser = new Browser();
    await stateFor(browser);
    const user = h.qq.addUser({ nickname: '无状态' });
    const answer = await callback(browser, { code: codeFor(user.openid) });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(INVALID_STATE);
  });

  it('refuses a forged state with invalid_state and never calls QQ', async () => {
    const browser = new Browser();
    await stateFor(browser);
    const user = h.qq.addUser({ nickname: '伪造' });
    const { result, qqCalls } = await h.measure(() =>
      callback(browser, { code: codeFor(user.openid), state: 'A'.repeat(43) }),
    );
    expect(result.status).toBe(400);
    expect(result.body).toEqual(INVALID_STATE);
    expect(qqCalls).toEqual([]);
  });

  it('refuses a state used a second time', async () => {
    const browser = new Browser();
    const state = await stateFor(browser);
    const user = h.qq.addUser({ nickname: '重放' });
    expect((await callback(browser, { code: codeFor(user.openid), state })).status).toBe(200);
    const replay = await callback(browser, { code: codeFor(user.openid), state });
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual(INVALID_STATE);
  });

  it('refuses a state issued to another browser', async () => {
    const victim = new Browser();
    const state = await stateFor(victim);
    const attacker = new Browser();
    await stateFor(attacker); // the attacker has a cookie of their own
    const user = h.qq.addUser({ nickname: '别人的' });
    const answer = await callback(attacker, { code: codeFor(user.openid), state });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(INVALID_STATE);
  });

  it('refuses a state presented without the browser cookie', async () => {
    const state = await stateFor(new Browser());
    const user = h.qq.addUser({ nickname: '无饼干' });
    const answer = await callback(undefined, { code: codeFor(user.openid), state });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(INVALID_STATE);
  });

  it('refuses a replayed callback (same code and state, same browser) with invalid_state and no QQ call', async () => {
    const browser = new Browser();
    const state = await stateFor(browser);
    const user = h.qq.addUser({ nickname: '原样重放' });
    const code = codeFor(user.openid);
    const cookie = browser.header();
    expect((await callback(browser, { code, state })).status).toBe(200);
    const replay = await h.measure(() => callback(browser, { code, state }));
    expect(replay.result.status).toBe(400);
    expect(replay.result.body).toEqual(INVALID_STATE);
    expect(replay.qqCalls).toEqual([]);
    // Even a browser that kept the cookie cannot log in twice: QQ spends the code.
    const kept = new Browser();
    kept.cookies.set(cookie.split('=')[0] ?? '', cookie.slice(cookie.indexOf('=') + 1));
    expect((await callback(kept, { code, state })).body).toEqual(QQ_CODE_INVALID);
  });

  it('refuses a state whose cookie was altered (next, expiry or secret)', async () => {
    const user = h.qq.addUser({ nickname: '改饼干' });
    const alter = [
      (v: string) => v.replace(/\.([\w-]+)$/, `.${btoa('https://evil.example').replace(/=+$/, '')}`),
      (v: string) => v.replace(/\.(\d+)\./, (_, n: string) => `.${Number(n) + 3600}.`),
      (v: string) => `${v[0] === 'A' ? 'B' : 'A'}${v.slice(1)}`,
    ];
    for (const change of alter) {
      const browser = new Browser();
      const state = await stateFor(browser, '/orders');
      const [[name, value] = ['', '']] = [...browser.cookies];
      browser.cookies.set(name, change(value));
      const answer = await callback(browser, { code: codeFor(user.openid), state });
      expect(answer.body).toEqual(INVALID_STATE);
    }
  });

  it('refuses another login’s cookie presented under this state’s name', async () => {
    const browser = new Browser();
    const mine = await stateFor(browser);
    const other = new Browser();
    await stateFor(other);
    const [[name = ''] = []] = [...browser.cookies];
    const [[, foreign = ''] = []] = [...other.cookies];
    browser.cookies.set(name, foreign);
    const user = h.qq.addUser({ nickname: '借饼干' });
    expect((await callback(browser, { code: codeFor(user.openid), state: mine })).body).toEqual(INVALID_STATE);
  });

  it('expires a state after 10 minutes', async () => {
    let now = Date.UTC(2031, 0, 1);
    const timed = harness({ deps: { now: () => now } });
    const user = timed.qq.addUser({ nickname: '过期' });
    const early = new Browser();
    const earlyState = await stateFor(early, undefined, timed);
    const late = new Browser();
    const lateState = await stateFor(late, undefined, timed);
    now += 599_000;
    expect((await callback(early, { code: codeFor(user.openid, timed), state: earlyState }, timed)).status).toBe(200);
    now += 1_000;
    const expired = await callback(late, { code: codeFor(user.openid, timed), state: lateState }, timed);
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual(INVALID_STATE);
  });

  it('consumes the state even when QQ fails, so a retry with it is refused', async () => {
    const browser = new Browser();
    const state = await stateFor(browser);
    const user = h.qq.addUser({ nickname: '失败重试' });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    h.qq.setMode('token', 'down');
    const failed = await callback(browser, { code: codeFor(user.openid), state });
    expect(failed.status).toBe(502);
    expect(failed.headers.getSetCookie()).toEqual([expect.stringContaining('Max-Age=0')]);
    h.qq.setMode('token', 'normal');
    const retry = await callback(browser, { code: codeFor(user.openid), state });
    expect(retry.status).toBe(400);
    expect(retry.body).toEqual(INVALID_STATE);
  });

  it('consumes the state when QQ refuses the code', async () => {
    const browser = new Browser();
    const state = await stateFor(browser);
    const user = h.qq.addUser({ nickname: '坏码' });
    expect((await callback(browser, { code: 'WRONGCODE0000000', state })).body).toEqual(QQ_CODE_INVALID);
    const retry = await callback(browser, { code: codeFor(user.openid), state });
    expect(retry.body).toEqual(INVALID_STATE);
  });
});

describe('GET /oauth/qq/callback: code', () => {
  it('refuses a missing code with invalid_request naming code', async () => {
    const browser = new Browser();
    const state = await stateFor(browser);
    const answer = await callback(browser, { state });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_request', 'zh', { code: 'required' }));
  });

  it('answers qq_code_invalid when the code was already exchanged', async () => {
    const browser = new Browser();
    const user = h.qq.addUser({ nickname: '复用' });
    const code = codeFor(user.openid);
    const first = await callback(browser, { code, state: await stateFor(browser) });
    expect(first.status).toBe(200);
    const second = await callback(browser, { code, state: await stateFor(browser) });
    expect(second.status).toBe(400);
    expect(second.body).toEqual(QQ_CODE_INVALID);
  });

  it('answers qq_code_invalid for a code QQ never issued', async () => {
    const browser = new Browser();
    const answer = await callback(browser, { code: '0123456789ABCDEF0123456789ABCDEF', state: await stateFor(browser) });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(QQ_CODE_INVALID);
  });

  it('exchanges the code exactly once, even when QQ fails', async () => {
    const browser = new Browser();
    const state = await stateFor(browser);
    const user = h.qq.addUser({ nickname: '一次' });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    h.qq.setMode('token', 'down');
    const { qqCalls } = await h.measure(() => callback(browser, { code: codeFor(user.openid), state }));
    expect(qqCalls).toEqual(['token']);
  });
});

describe('GET /oauth/qq/callback: QQ unavailable', () => {
  it.each([
    ['token', 'down'],
    ['token', 'garbage'],
    ['token', 'unreachable'],
    ['me', 'down'],
    ['me', 'garbage'],
    ['me', 'unreachable'],
  ] as const)('answers 502 qq_unavailable when %s is %s', async (endpoint, mode) => {
    const browser = new Browser();
    const state = await stateFor(browser);
    const user = h.qq.addUser({ nickname: `${endpoint}-${mode}` });
    h.qq.setMode(endpoint, mode);
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const answer = await callback(browser, { code: codeFor(user.openid), state });
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual(QQ_UNAVAILABLE);
  });

  it.each(['token', 'me'] as const)('answers 502 qq_unavailable quickly when %s hangs', async (endpoint) => {
    const browser = new Browser();
    const state = await stateFor(browser);
    const user = h.qq.addUser({ nickname: `${endpoint}-hang` });
    h.qq.setMode(endpoint, 'hang');
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const started = Date.now();
    const answer = await callback(browser, { code: codeFor(user.openid), state });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual(QQ_UNAVAILABLE);
  });

  it('answers 502 when QQ refuses our app key, never 400 or 500', async () => {
    const other = harness({ qq: { appKey: 'the-key-qq-really-has-000000000' } });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const browser = new Browser();
    const state = await stateFor(browser, undefined, other);
    const user = other.qq.addUser({ nickname: '错钥匙' });
    const answer = await callback(browser, { code: codeFor(user.openid, other), state }, other);
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual(QQ_UNAVAILABLE);
  });
});

describe('GET /oauth/qq/callback: outcomes', () => {
  it('answers bind_required with a ticket and the QQ profile on a first login', async () => {
    const browser = new Browser();
    const state = await stateFor(browser, '/orders');
    const user = h.qq.addUser({ nickname: '初次' });
    const answer = await callback(browser, { code: codeFor(user.openid), state });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      status: 'bind_required',
      bind_ticket: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/),
      expires_in: 600,
      qq: { nickname: '初次', avatar: `https://thirdqq.qlogo.cn/g?b=oidb&k=${user.openid}&s=100` },
      next: '/orders',
    });
  });

  it('falls back to the small avatar when QQ has no large one', async () => {
    const browser = new Browser();
    const state = await stateFor(browser);
    const user = h.qq.addUser({ nickname: '小头像', hasLargeAvatar: false });
    const answer = await callback(browser, { code: codeFor(user.openid), state });
    expect(answer.body).toMatchObject({ qq: { avatar: `https://thirdqq.qlogo.cn/g?b=oidb&k=${user.openid}&s=40` } });
  });

  it.each(['down', 'garbage', 'hang', 'no-permission'] as const)(
    'answers bind_required with qq: null when get_user_info is %s',
    async (mode) => {
      const browser = new Browser();
      const state = await stateFor(browser, '/orders');
      const user = h.qq.addUser({ nickname: `资料-${mode}` });
      h.qq.setMode('userinfo', mode);
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      const answer = await callback(browser, { code: codeFor(user.openid), state });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'bind_required', qq: null, next: '/orders' });
      expect(answer.body.bind_ticket).toEqual(expect.any(String));
    },
  );

  it('logs a returning user in with the next of this login', async () => {
    const mobile = freshMobile();
    const { openid, userId } = await h.signUp(mobile);
    const browser = new Browser();
    const state = await stateFor(browser, '/cart');
    const answer = await callback(browser, { code: codeFor(openid), state });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'logged_in',
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 86400,
      user: { id: userId, username: mobile, nickname: null, avatar: null },
      next: '/cart',
    });
    const me = await h.call('GET', '/users/me', { token: String(answer.body.token) });
    expect(me.status).toBe(200);
  });
});

describe('GET /oauth/qq/callback: inactive accounts', () => {
  it('answers 401 invalid_credentials, without a token, to an account kept inactive', async () => {
    const { openid, userId } = await h.signUp(freshMobile());
    await h.db.prepare('UPDATE users SET is_active = 0 WHERE id = ?').bind(userId).run();
    const browser = new Browser();
    const answer = await callback(browser, { code: codeFor(openid), state: await stateFor(browser, '/orders') });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(error('invalid_credentials', '用户名或密码错误'));
  });
});

describe('secrets never reach the logs', () => {
  it('logs no app key, code, access token, state, cookie or ticket across failing flows', async () => {
    const { lines } = captureConsole();
    const secrets: string[] = [TEST_SETTINGS.QQ_APP_KEY, TEST_SETTINGS.JWT_SECRET, TEST_SETTINGS.TOKEN_ENCRYPTION_KEY];
    const run = async (on: H, setup: () => void, nickname: string) => {
      const browser = new Browser();
      const state = await stateFor(browser, '/orders', on);
      const user = on.qq.addUser({ nickname });
      const code = codeFor(user.openid, on);
      setup();
      const answer = await callback(browser, { code, state }, on);
      secrets.push(code, state, ...browser.cookies.values());
      if (typeof answer.body?.bind_ticket === 'string') secrets.push(answer.body.bind_ticket);
      if (typeof answer.body?.token === 'string') secrets.push(answer.body.token);
      return answer;
    };

    expect((await run(h, () => h.qq.setMode('token', 'garbage'), '日志1')).status).toBe(502);
    h.qq.setMode('token', 'normal');
    expect((await run(h, () => h.qq.setMode('token', 'hang'), '日志2')).status).toBe(502);
    h.qq.setMode('token', 'normal');
    expect((await run(h, () => h.qq.setMode('me', 'down'), '日志3')).status).toBe(502);
    h.qq.setMode('me', 'normal');
    expect((await run(h, () => h.qq.setMode('me', 'jsonp-trailing-comma'), '日志4')).status).toBe(502);
    h.qq.setMode('me', 'normal');
    expect((await run(h, () => h.qq.setMode('userinfo', 'down'), '日志5')).status).toBe(200);
    expect((await run(h, () => h.qq.setMode('userinfo', 'no-permission'), '日志6')).status).toBe(200);
    h.qq.setMode('userinfo', 'normal');
    // The app key QQ rejects (100009) is logged as a configuration problem, by name only.
    const wrongKey = harness({ qq: { appKey: 'the-key-qq-really-has-000000000' } });
    expect((await run(wrongKey, () => {}, '日志7')).status).toBe(502);
    // A reused code.
    const browser = new Browser();
    const user = h.qq.addUser({ nickname: '日志8' });
    const code = codeFor(user.openid);
    await callback(browser, { code, state: await stateFor(browser) });
    expect((await callback(browser, { code, state: await stateFor(browser) })).status).toBe(400);
    secrets.push(code);
    await h.settle();

    // Every access token the fake QQ handed out during these flows.
    for (const fake of [h.qq, wrongKey.qq]) {
      for (const call of fake.calls) {
        for (const name of ['access_token', 'code', 'client_secret', 'refresh_token']) {
          const value = call.params[name];
          if (value) secrets.push(value);
        }
      }
    }
    expect(secrets.length).toBeGreaterThan(10);
    expect(lines.join('\n')).toContain('QQ_APP_KEY'); // the config failure was logged, by name
    for (const line of lines) {
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
  });
});
