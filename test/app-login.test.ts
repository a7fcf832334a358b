import { describe, expect, it } from 'vitest';
import { freshMobile, harness, expectedError } from './harness';

type H = ReturnType<typeof harness>;

function appLogin(h: H, accessToken: string) {
  return h.call('POST', '/oauth/qq/app-login', { json: { access_token: accessToken } });
}

describe('POST /oauth/qq/app-login (QQ SDK access token)', () => {
  it('logs a bound QQ user in, without next', async () => {
    const h = harness();
    const mobile = freshMobile();
    const { openid, userId } = await h.signUp(mobile);
    const answer = await appLogin(h, h.qq.issueAccessToken({ openid }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'logged_in',
      token_type: 'Bearer',
      expires_in: 86400,
      user: { id: userId, username: mobile },
    });
    expect(answer.body).not.toHaveProperty('next');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 401 invalid_credentials, without a token, to an account kept inactive', async () => {
    const h = harness();
    const { openid, userId } = await h.signUp(freshMobile());
    await h.db.prepare('UPDATE users SET is_active = 0 WHERE id = ?').bind(userId).run();
    const answer = await appLogin(h, h.qq.issueAccessToken({ openid }));
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: { code: 'invalid_credentials', message: '用户名或密码错误' } });
  });

  it('answers bind_required with the QQ profile and a ticket, without next, for an unbound QQ user', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '手机应用' });
    const answer = await appLogin(h, h.qq.issueAccessToken({ openid: user.openid }));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'bind_required',
      bind_ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expires_in: 600,
      qq: { nickname: '手机应用', avatar: `https://thirdqq.qlogo.cn/g?b=oidb&k=${user.openid}&s=100` },
    });
  });

  it('issues a ticket that /oauth/qq/bind accepts, binding that QQ identity', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '应用绑定' });
    const accessToken = h.qq.issueAccessToken({ openid: user.openid });
    const answer = await appLogin(h, accessToken);
    const mobile = freshMobile();
    const bound = await h.call('POST', '/oauth/qq/bind', {
      json: { bind_ticket: answer.body.bind_ticket, mobile, sms_code: await h.smsCode(mobile), password: 'correct horse 1' },
    });
    expect(bound.status).toBe(201);
    expect(bound.body).toMatchObject({ status: 'logged_in', created: true, user: { username: mobile } });
    expect(bound.body).not.toHaveProperty('next');
    const row = await h.db.prepare('SELECT access_token, refresh_token FROM qq_bindings WHERE openid = ?').bind(user.openid).first<{ access_token: string; refresh_token: string | null }>();
    expect(row?.access_token).toMatch(/^v1\./);
    expect(row?.access_token).not.toContain(accessToken);
    const again = await appLogin(h, h.qq.issueAccessToken({ openid: user.openid }));
    expect(again.body).toMatchObject({ status: 'logged_in', user: { username: mobile } });
  });

  it('refuses a token QQ issued to another app with 401 qq_token_invalid', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    const answer = await appLogin(h, h.qq.issueAccessToken({ openid, clientId: '999999' }));
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(expectedError('qq_token_invalid'));
  });

  it('refuses a token QQ does not know with 401 qq_token_invalid', async () => {
    const h = harness();
    const answer = await appLogin(h, 'ABCDEF0123456789ABCDEF0123456789');
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(expectedError('qq_token_invalid'));
  });

  it('refuses an expired token with 401 qq_token_invalid', async () => {
    let qqNow = Date.now();
    const h = harness({ qq: { now: () => qqNow } });
    const user = h.qq.addUser({ nickname: '过期' });
    const token = h.qq.issueAccessToken({ openid: user.openid, expiresIn: 60 });
    qqNow += 61_000;
    const answer = await appLogin(h, token);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'qq_token_invalid' } });
  });

  it("refuses a token QQ answers 100016 'access token check failed' for (JSONP with a trailing comma) with 401 qq_token_invalid", async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '校验失败' });
    const token = h.qq.issueAccessToken({ openid: user.openid });
    h.qq.setMode('me', 'jsonp-trailing-comma');
    const answer = await appLogin(h, token);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'qq_token_invalid' } });
  });

  it('answers bind_required with qq null when get_user_info is unavailable for a new QQ user', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '无资料' });
    h.qq.setMode('userinfo', 'garbage');
    const answer = await appLogin(h, h.qq.issueAccessToken({ openid: user.openid }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'bind_required', qq: null });
  });

  it('answers 502 qq_unavailable when QQ /oauth2.0/me answers garbage', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '乱码' });
    const token = h.qq.issueAccessToken({ openid: user.openid });
    h.qq.setMode('me', 'garbage');
    const answer = await appLogin(h, token);
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ error: { code: 'qq_unavailable' } });
  });

  it('answers 502 qq_unavailable when QQ /oauth2.0/me is down', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '宕机' });
    const token = h.qq.issueAccessToken({ openid: user.openid });
    h.qq.setMode('me', 'down');
    const answer = await appLogin(h, token);
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual(expectedError('qq_unavailable'));
  });

  it('answers 502 qq_unavailable when QQ /oauth2.0/me hangs past the timeout', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '超时' });
    const token = h.qq.issueAccessToken({ openid: user.openid });
    h.qq.setMode('me', 'hang');
    const started = Date.now();
    const answer = await appLogin(h, token);
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ error: { code: 'qq_unavailable' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    const h = harness();
    const answer = await h.call('POST', '/oauth/qq/app-login', { body: '{"access_token":', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('answers 400 invalid_request naming access_token when it is missing', async () => {
    const h = harness();
    const answer = await h.call('POST', '/oauth/qq/app-login', { json: {} });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_request', 'zh', { access_token: 'required' }));
    expect(h.qq.calls).toHaveLength(0);
  });

  it('answers 400 invalid_request for an access_token that is not a string', async () => {
    const h = harness();
    const answer = await h.call('POST', '/oauth/qq/app-login', { json: { access_token: 12345678 } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_request', fields: { access_token: expect.any(String) } } });
    expect(h.qq.calls).toHaveLength(0);
  });
});
