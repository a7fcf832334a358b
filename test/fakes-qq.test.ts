import { describe, it, expect } from 'vitest';
import { createFakeQQ, type FakeQQ } from '../fakes/qq/app';
import { DEFAULT_APP_ID, DEFAULT_APP_KEY, PRESET_USERS } from '../fakes/qq/state';

const QQ = 'https://graph.qq.com';
const REDIRECT = 'http://localhost:8787/login/qq/callback';
const HEX32 = /^[0-9A-F]{32}$/;
const firstUser = PRESET_USERS[0];
if (firstUser === undefined) throw new Error('the fake has no preset users');
const OPENID = firstUser.openid;

function get(fake: FakeQQ, path: string, params: Record<string, string>, init?: RequestInit): Promise<Response> {
  return fake.fetch(`${QQ}${path}?${new URLSearchParams(params).toString()}`, init);
}

function tokenParams(code: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: 'authorization_code', client_id: DEFAULT_APP_ID, client_secret: DEFAULT_APP_KEY,
    code, redirect_uri: REDIRECT, ...extra,
  };
}

async function text(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  return response.text();
}

describe('fake QQ /oauth2.0/authorize', () => {
  it('shows a page listing the preset users, without scripts', async () => {
    const fake = createFakeQQ();
    const page = await text(await get(fake, '/oauth2.0/authorize', {
      response_type: 'code', client_id: DEFAULT_APP_ID, redirect_uri: REDIRECT, state: 'xyz',
    }));
    for (const user of PRESET_USERS) expect(page).toContain(user.nickname);
    expect(page).toContain('<label for="nickname"');
    expect(page).not.toMatch(/<script|https?:\/\/(?!localhost)/);
  });

  it('refuses a redirect_uri outside the allowed domains', async () => {
    const fake = createFakeQQ();
    const page = await text(await get(fake, '/oauth2.0/authorize', {
      response_type: 'code', client_id: DEFAULT_APP_ID, redirect_uri: 'https://evil.example/cb', state: 's',
    }));
    expect(page).toContain('redirect uri is illegal(100010)');
  });

  it('refuses an unknown client_id', async () => {
    const fake = createFakeQQ();
    const page = await text(await get(fake, '/oauth2.0/authorize', {
      response_type: 'code', client_id: '42', redirect_uri: REDIRECT, state: 's',
    }));
    expect(page).toContain('client id is illegal(100008)');
  });

  it('redirects with an upper-hex code and the state untouched when a user is picked', async () => {
    const fake = createFakeQQ();
    const state = 'a-b_c.~d';
    const response = await fake.fetch(`${QQ}/oauth2.0/authorize`, {
      method: 'POST',
      body: new URLSearchParams({
        response_type: 'code', client_id: DEFAULT_APP_ID, redirect_uri: REDIRECT, state, openid: OPENID,
      }),
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('Location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe(state);
    const code = location.searchParams.get('code') ?? '';
    expect(code).toMatch(HEX32);
    const token = await text(await get(fake, '/oauth2.0/token', tokenParams(code)));
    expect(token).toMatch(/^access_token=[0-9A-F]{32}&expires_in=7776000&refresh_token=[0-9A-F]{32}$/);
  });

  it('creates a new user from the nickname form', async () => {
    const fake = createFakeQQ();
    const response = await fake.fetch(`${QQ}/oauth2.0/authorize`, {
      method: 'POST',
      body: new URLSearchParams({
        response_type: 'code', client_id: DEFAULT_APP_ID, redirect_uri: REDIRECT, action: 'create', nickname: ' 新人 ',
      }),
    });
    expect(response.status).toBe(302);
    const { users } = await (await fake.fetch(`${QQ}/__fake/users`)).json<{ users: { nickname: string }[] }>();
    expect(users.map((user) => user.nickname)).toContain('新人');
  });

  it('shows a cancelled page whose link returns to the app with the state and no code, so the app keeps next', async () => {
    const fake = createFakeQQ();
    const cancel = (extra: Record<string, string>) => fake.fetch(`${QQ}/oauth2.0/authorize`, {
      method: 'POST',
      body: new URLSearchParams({ response_type: 'code', client_id: DEFAULT_APP_ID, redirect_uri: REDIRECT, action: 'cancel', ...extra }),
    });
    const page = await text(await cancel({ state: 'st&te=1' }));
    expect(page).toContain('已取消');
    expect(page).toContain(`href="${REDIRECT}?state=st%26te%3D1"`);
    expect(page).not.toContain('code=');
    expect(await text(await cancel({}))).toContain(`href="${REDIRECT}"`);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('fake QQ /oauth2.0/token', () => {
  it('answers URL-encoded with text/html by default', async () => {
    const fake = createFakeQQ();
    const code = fake.issueCode({ openid: OPENID, redirectUri: REDIRECT });
    const response = await get(fake, '/oauth2.0/token', tokenParams(code));
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    const body = new URLSearchParams(await text(response));
    expect(body.get('access_token')).toMatch(HEX32);
    expect(body.get('refresh_token')).toMatch(HEX32);
    expect(body.get('expires_in')).toBe('7776000');
  });

  it('answers JSON with expires_in as a string with fmt=json, and accepts a POST form', async () => {
    const fake = createFakeQQ();
    const code = fake.issueCode({ openid: OPENID, redirectUri: REDIRECT });
    const response = await fake.fetch(`${QQ}/oauth2.0/token`, {
      method: 'POST',
      body: new URLSearchParams(tokenParams(code, { fmt: 'json' })),
    });
    const body: unknown = JSON.parse(await text(response));
    expect(body).toEqual({ access_token: expect.stringMatching(HEX32), expires_in: '5184000', refresh_token: expect.stringMatching(HEX32) });
  });

  it('answers 100020 when a code is used twice', async () => {
    const fake = createFakeQQ();
    const code = fake.issueCode({ openid: OPENID, redirectUri: REDIRECT });
    await get(fake, '/oauth2.0/token', tokenParams(code));
    expect(await text(await get(fake, '/oauth2.0/token', tokenParams(code)))).toBe(
      'callback( {"error":100020,"error_description":"code is reused error"} );\n',
    );
  });

  it('answers 100019 for an unknown or expired code, 100005 for none', async () => {
    let clock = 0;
    const fake = createFakeQQ({ now: () => clock });
    const code = fake.issueCode({ openid: OPENID, redirectUri: REDIRECT });
    expect(await text(await get(fake, '/oauth2.0/token', tokenParams('0123456789ABCDEF0123456789ABCDEF')))).toBe(
      'callback( {"error":100019,"error_description":"code to access token error"} );\n',
    );
    clock += 10 * 60 * 1000;
    expect(await text(await get(fake, '/oauth2.0/token', tokenParams(code, { fmt: 'json' })))).toBe(
      '{"error":100019,"error_description":"code to access token error"}',
    );
    expect(await text(await get(fake, '/oauth2.0/token', tokenParams('', { fmt: 'json' })))).toContain('"error":100005');
  });

  it('answers 100010 when redirect_uri differs from the authorize one', async () => {
    const fake = createFakeQQ();
    const code = fake.issueCode({ openid: OPENID, redirectUri: REDIRECT });
    const body = await text(await get(fake, '/oauth2.0/token', tokenParams(code, { redirect_uri: `${REDIRECT}x`, fmt: 'json' })));
    expect(body).toBe('{"error":100010,"error_description":"redirect uri is illegal"}');
  });

  it('answers 100009 for a wrong client_secret and 100008 for an unknown client_id', async () => {
    const fake = createFakeQQ();
    const code = fake.issueCode({ openid: OPENID, redirectUri: REDIRECT });
    expect(await text(await get(fake, '/oauth2.0/token', tokenParams(code, { client_secret: 'nope' })))).toContain('"error":100009');
    expect(await text(await get(fake, '/oauth2.0/token', tokenParams(code, { client_id: '1' })))).toContain('"error":100008');
  });

  it('refreshes a token', async () => {
    const fake = createFakeQQ();
    const code = fake.issueCode({ openid: OPENID, redirectUri: REDIRECT });
    const first = new URLSearchParams(await text(await get(fake, '/oauth2.0/token', tokenParams(code))));
    const refreshed = new URLSearchParams(await text(await get(fake, '/oauth2.0/token', {
      grant_type: 'refresh_token', client_id: DEFAULT_APP_ID, client_secret: DEFAULT_APP_KEY,
      refresh_token: first.get('refresh_token') ?? '',
    })));
    expect(refreshed.get('access_token')).toMatch(HEX32);
    expect(refreshed.get('access_token')).not.toBe(first.get('access_token'));
  });
});

describe('fake QQ /oauth2.0/me', () => {
  it('answers JSONP by default and JSON with fmt=json', async () => {
    const fake = createFakeQQ();
    const token = fake.issueAccessToken({ openid: OPENID });
    expect(await text(await get(fake, '/oauth2.0/me', { access_token: token }))).toBe(
      `callback( {"client_id":"${DEFAULT_APP_ID}","openid":"${OPENID}"} );\n`,
    );
    expect(await text(await get(fake, '/oauth2.0/me', { access_token: token, fmt: 'json' }))).toBe(
      `{"client_id":"${DEFAULT_APP_ID}","openid":"${OPENID}"}`,
    );
  });

  it('names the app a token was issued to', async () => {
    const fake = createFakeQQ();
    const token = fake.issueAccessToken({ openid: OPENID, clientId: '102999999' });
    const body: unknown = JSON.parse(await text(await get(fake, '/oauth2.0/me', { access_token: token, fmt: 'json' })));
    expect(body).toEqual({ client_id: '102999999', openid: OPENID });
  });

  it('adds the unionid when granted, refuses with 100048 otherwise', async () => {
    const granted = createFakeQQ();
    const token = granted.issueAccessToken({ openid: OPENID });
    const body: unknown = JSON.parse(await text(await get(granted, '/oauth2.0/me', { access_token: token, unionid: '1', fmt: 'json' })));
    expect(body).toEqual({ client_id: DEFAULT_APP_ID, openid: OPENID, unionid: firstUser.unionid });

    const refused = createFakeQQ({ unionidGranted: false });
    const other = refused.issueAccessToken({ openid: OPENID });
    expect(await text(await get(refused, '/oauth2.0/me', { access_token: other, unionid: '1' }))).toBe(
      'callback( {"error":100048,"error_description":"CompanyID not set"} );\n',
    );
  });

  it('answers 100013 for an unknown token and 100014 for an expired one', async () => {
    let clock = 0;
    const fake = createFakeQQ({ now: () => clock });
    const token = fake.issueAccessToken({ openid: OPENID, expiresIn: 60 });
    expect(await text(await get(fake, '/oauth2.0/me', { access_token: 'F'.repeat(32) }))).toBe(
      'callback( {"error":100013,"error_description":"access token is illegal"} );\n',
    );
    clock += 60_000;
    expect(await text(await get(fake, '/oauth2.0/me', { access_token: token, fmt: 'json' }))).toContain('"error":100014');
  });

  it('reproduces the 100016 body with its trailing comma', async () => {
    const fake = createFakeQQ();
    fake.setMode('me', 'jsonp-trailing-comma');
    expect(await text(await get(fake, '/oauth2.0/me', { access_token: 'x' }))).toBe(
      'callback( { "error":100016, "error_description":"access token check failed", } );\n',
    );
  });
});

describe('fake QQ /user/get_user_info', () => {
  function query(token: string, extra: Record<string, string> = {}): Record<string, string> {
    return { access_token: token, oauth_consumer_key: DEFAULT_APP_ID, openid: OPENID, ...extra };
  }

  it('answers the profile as JSON served as text/html', async () => {
    const fake = createFakeQQ();
    const response = await get(fake, '/user/get_user_info', query(fake.issueAccessToken({ openid: OPENID })));
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const body: unknown = JSON.parse(await text(response));
    expect(body).toMatchObject({
      ret: 0, msg: '', nickname: firstUser.nickname, gender: firstUser.gender,
      figureurl_qq_1: `http://thirdqq.qlogo.cn/g?b=oidb&k=${OPENID}&s=40`,
      figureurl_qq_2: `http://thirdqq.qlogo.cn/g?b=oidb&k=${OPENID}&s=100`,
    });
  });

  it('answers ret 1002 for a bad token or another openid, ret -1 for another app key', async () => {
    const fake = createFakeQQ();
    const token = fake.issueAccessToken({ openid: OPENID });
    const answer = async (params: Record<string, string>): Promise<unknown> =>
      JSON.parse(await text(await get(fake, '/user/get_user_info', params)));
    expect(await answer(query('bad'))).toEqual({ ret: 1002, msg: '请先登录' });
    expect(await answer(query(token, { openid: 'F'.repeat(32) }))).toEqual({ ret: 1002, msg: '请先登录' });
    expect(await answer(query(token, { oauth_consumer_key: '1' }))).toMatchObject({ ret: -1 });
  });

  it('answers a no-permission error in no-permission mode', async () => {
    const fake = createFakeQQ();
    fake.setMode('userinfo', 'no-permission');
    const body: unknown = JSON.parse(await text(await get(fake, '/user/get_user_info', query(fake.issueAccessToken({ openid: OPENID })))));
    expect(body).toMatchObject({ ret: 100030 });
  });
});

describe('fake QQ failure modes and controls', () => {
  it('hangs until the caller aborts', async () => {
    const fake = createFakeQQ();
    fake.setMode('token', 'hang');
    const started = Date.now();
    const pending = get(fake, '/oauth2.0/token', tokenParams('x'), { signal: AbortSignal.timeout(50) });
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const fake = createFakeQQ();
    const controller = new AbortController();
    controller.abort();
    await expect(get(fake, '/oauth2.0/me', {}, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('answers garbage HTML, 503 when down, and rejects like fetch when unreachable', async () => {
    const fake = createFakeQQ();
    fake.setMode('me', 'garbage');
    const garbage = await text(await get(fake, '/oauth2.0/me', { access_token: 'x' }));
    expect(garbage).toMatch(/^<!DOCTYPE html>/);
    expect(garbage).not.toContain('callback(');
    fake.setMode('me', 'down');
    expect((await get(fake, '/oauth2.0/me', { access_token: 'x' })).status).toBe(503);
    fake.setMode('me', 'unreachable');
    await expect(get(fake, '/oauth2.0/me', { access_token: 'x' })).rejects.toBeInstanceOf(TypeError);
  });

  it('delays answers by latencyMs', async () => {
    const fake = createFakeQQ({ latencyMs: 30 });
    const started = Date.now();
    await get(fake, '/oauth2.0/me', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('logs API calls, and reset() forgets everything', async () => {
    const fake = createFakeQQ();
    const token = fake.issueAccessToken({ openid: OPENID });
    fake.setMode('me', 'down');
    await get(fake, '/oauth2.0/me', { access_token: token });
    expect(fake.calls).toEqual([{ endpoint: 'me', params: { access_token: token } }]);
    fake.reset();
    expect(fake.calls).toHaveLength(0);
    expect(await text(await get(fake, '/oauth2.0/me', { access_token: token }))).toContain('"error":100013');
  });

  it('refuses a mode that does not apply to the endpoint', () => {
    const fake = createFakeQQ();
    // @ts-expect-error no-permission is a get_user_info mode only
    expect(() => fake.setMode('token', 'no-permission')).toThrow(/does not apply/);
  });

  it('serves the controls over HTTP under /__fake/', async () => {
    const fake = createFakeQQ();
    const post = (path: string, body: object): Promise<Response> =>
      fake.fetch(`${QQ}/__fake/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    const codeAnswer: unknown = await (await post('codes', { openid: OPENID, redirect_uri: REDIRECT })).json();
    expect(codeAnswer).toEqual({ code: expect.stringMatching(HEX32) });
    const tokenAnswer: unknown = await (await post('tokens', { openid: OPENID, client_id: '102999999' })).json();
    expect(tokenAnswer).toEqual({ access_token: expect.stringMatching(HEX32) });
    expect((await post('mode', { endpoint: 'token', mode: 'down' })).status).toBe(200);
    expect((await post('mode', { endpoint: 'token', mode: 'no-permission' })).status).toBe(400);
    expect((await post('codes', { openid: 'nobody', redirect_uri: REDIRECT })).status).toBe(400);
    expect((await post('reset', {})).status).toBe(200);
  });
});
