/**
 * Unit tests of the QQ client (src/qq/client.ts) against a stub fetch that answers the
 * bodies of shared/qq-connect.md exactly as QQ sends them (text/html, errors in HTTP 200).
 */
import { describe, expect, it } from 'vitest';
import {
  QQError,
  authorizationUrl,
  exchangeCode,
  getIdentity,
  getProfile,
  parseQQBody,
  type QQConfig,
  type QQErrorKind,
} from '../src/qq/client';

const APP_ID = '101000001';
const APP_KEY = 'app-key-SECRET-9f8e7d6c5b4a3210';
const REDIRECT_URI = 'https://shop.example.com/login/qq/callback';
const API_BASE = 'https://graph.qq.com';
const CODE = '9A5F06AF1B2C3D4E5F60718293A4B5C6';
const ACCESS_TOKEN = 'FE04AAAABBBBCCCCDDDDEEEEFFFFCCE2';
const OPENID = '5E8F1C2A9B7D4E6F8A0B1C2D3E4F5A61';

interface StubCall {
  url: URL;
  init: RequestInit | undefined;
}

type Answer = (call: StubCall) => Response | Promise<Response>;

/** QQ's way: every answer, errors included, is `text/html` with HTTP 200 unless told. */
function html(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/html' } });
}

function stub(answer: Answer | string) {
  const calls: StubCall[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const call = { url: new URL(input instanceof Request ? input.url : String(input)), init };
    calls.push(call);
    return typeof answer === 'string' ? html(answer) : answer(call);
  };
  const config: QQConfig = { appId: APP_ID, appKey: APP_KEY, redirectUri: REDIRECT_URI, apiBase: API_BASE, fetch, timeoutMs: 200 };
  return { config, calls };
}

/** The rejection of `work`, which must be a QQError. */
async function qqErrorOf(work: Promise<unknown>): Promise<QQError> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof QQError)) throw new Error(`expected a QQError, got ${String(err)}`);
  return err;
}

function expectNoSecrets(err: QQError): void {
  for (const secret of [APP_KEY, CODE, ACCESS_TOKEN]) expect(err.message).not.toContain(secret);
}

function paramsOf(call: StubCall | undefined): Record<string, string> {
  if (call === undefined) throw new Error('no fetch call');
  return Object.fromEntries(call.url.searchParams);
}

// The bodies of shared/qq-connect.md, verbatim.
const BODIES = {
  tokenUrlEncoded:
    'access_token=FE04************************CCE2&expires_in=7776000&refresh_token=88E4************************BE14',
  tokenJson: '{"access_token":"A852…","expires_in":"5184000","refresh_token":"3EBC…"}',
  code100019: 'callback( {"error":100019,"error_description":"code to access token error"} );',
  code100020: 'callback( {"error":100020,"error_description":"code is reused error"} );',
  code100005: 'callback( {"error":100005,"error_description":"param code is wrong or lost"} );',
  redirect100010Json: '{"error":100010,"error_description":"redirect uri is illegal"}',
  meJsonp: 'callback( {"client_id":"YOUR_APPID","openid":"YOUR_OPENID"} );',
  meJson: '{"client_id":"YOUR_APPID","openid":"YOUR_OPENID"}',
  meUnionid: '{"client_id":"YOUR_APPID","openid":"YOUR_OPENID","unionid":"YOUR_UNIONID"}',
  unionid100048: 'callback( {"error":100048,"error_description":"CompanyID not set"} );',
  token100013: 'callback( {"error":100013,"error_description":"access token is illegal"} );',
  checkFailed100016: 'callback( { "error":100016, "error_description":"access token check failed", } );',
  userInfo:
    '{"ret":0,"msg":"","is_lost":0,"nickname":"小明","gender":"男","province":"广东","city":"深圳",' +
    '"year":"1990","figureurl":"http://qzapp.qlogo.cn/qzapp/101000001/X/30","figureurl_1":"http://qzapp.qlogo.cn/qzapp/101000001/X/50",' +
    '"figureurl_2":"http://qzapp.qlogo.cn/qzapp/101000001/X/100",' +
    '"figureurl_qq_1":"http://thirdqq.qlogo.cn/g?b=oidb&k=X&s=40","figureurl_qq_2":"http://thirdqq.qlogo.cn/g?b=oidb&k=X&s=100",' +
    '"figureurl_qq":"http://thirdqq.qlogo.cn/g?b=oidb&k=X&s=640","figureurl_type":"1","is_yellow_vip":"0","vip":"0",' +
    '"yellow_vip_level":"0","level":"0","is_yellow_year_vip":"0"}',
  notLoggedIn: '{"ret":1002,"msg":"请先登录"}',
  negativeRet: `{"ret":-1,"msg":"client request's parameters are invalid, invalid oauth_consumer_key"}`,
  noPermission: '{"ret":100030,"msg":"用户没有对该api进行授权，或用户在腾讯侧删除了该api的权限"}',
  garbage: '<!DOCTYPE html><html><head><title>QQ互联</title></head><body><p>系统繁忙，请稍后再试。</p></body></html>',
};

describe('parseQQBody', () => {
  it('reads the default URL-encoded token body', () => {
    expect(parseQQBody(BODIES.tokenUrlEncoded)).toEqual({
      access_token: 'FE04************************CCE2',
      expires_in: '7776000',
      refresh_token: '88E4************************BE14',
    });
  });

  it('reads the fmt=json token body with a string expires_in', () => {
    expect(parseQQBody(BODIES.tokenJson)).toEqual({ access_token: 'A852…', expires_in: '5184000', refresh_token: '3EBC…' });
  });

  it.each([
    ['100019', BODIES.code100019, { error: 100019, error_description: 'code to access token error' }],
    ['100020', BODIES.code100020, { error: 100020, error_description: 'code is reused error' }],
    ['100005', BODIES.code100005, { error: 100005, error_description: 'param code is wrong or lost' }],
  ])('reads the JSONP error %s with QQ’s whitespace', (_, body, expected) => {
    expect(parseQQBody(body)).toEqual(expected);
    expect(parseQQBody(`${body}\n`)).toEqual(expected);
  });

  it.each([
    ['100019', '{"error":100019,"error_description":"code to access token error"}'],
    ['100020', '{"error":100020,"error_description":"code is reused error"}'],
    ['100005', '{"error":100005,"error_description":"param code is wrong or lost"}'],
  ])('reads the JSONP error %s without any whitespace', (code, json) => {
    expect(parseQQBody(`callback(${json});`)).toEqual(JSON.parse(json));
    expect(parseQQBody(`callback(${json})`)).toEqual(JSON.parse(json));
    expect(parseQQBody(`callback(${json})`)).toMatchObject({ error: Number(code) });
  });

  it('reads a plain JSON error (fmt=json)', () => {
    expect(parseQQBody(BODIES.redirect100010Json)).toEqual({ error: 100010, error_description: 'redirect uri is illegal' });
  });

  it('survives the trailing comma of QQ’s 100016 body', () => {
    expect(parseQQBody(BODIES.checkFailed100016)).toEqual({ error: 100016, error_description: 'access token check failed' });
    expect(parseQQBody('{ "error":100016, "error_description":"access token check failed", }')).toEqual({
      error: 100016,
      error_description: 'access token check failed',
    });
  });

  it('reads me as JSON and as JSONP', () => {
    const me = { client_id: 'YOUR_APPID', openid: 'YOUR_OPENID' };
    expect(parseQQBody(BODIES.meJson)).toEqual(me);
    expect(parseQQBody(BODIES.meJsonp)).toEqual(me);
    expect(parseQQBody(`${BODIES.meJsonp}\n`)).toEqual(me);
  });

  it('reads me with a unionid', () => {
    expect(parseQQBody(BODIES.meUnionid)).toEqual({ client_id: 'YOUR_APPID', openid: 'YOUR_OPENID', unionid: 'YOUR_UNIONID' });
  });

  it('reads the 100048 unionid refusal', () => {
    expect(parseQQBody(BODIES.unionid100048)).toEqual({ error: 100048, error_description: 'CompanyID not set' });
  });

  it('reads the get_user_info success body', () => {
    expect(parseQQBody(BODIES.userInfo)).toMatchObject({
      ret: 0,
      nickname: '小明',
      figureurl_qq_1: 'http://thirdqq.qlogo.cn/g?b=oidb&k=X&s=40',
      figureurl_qq_2: 'http://thirdqq.qlogo.cn/g?b=oidb&k=X&s=100',
    });
  });

  it('reads get_user_info errors, positive and negative ret', () => {
    expect(parseQQBody(BODIES.notLoggedIn)).toEqual({ ret: 1002, msg: '请先登录' });
    expect(parseQQBody(BODIES.negativeRet)).toEqual({ ret: -1, msg: "client request's parameters are invalid, invalid oauth_consumer_key" });
  });

  it.each([
    ['an HTML page', BODIES.garbage],
    ['an empty body', ''],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"access_token"'],
    ['broken JSON', '{"error":100019'],
    ['a JSONP call with no object', 'callback( );'],
    ['plain text', 'Service Unavailable'],
  ])('returns null for %s', (_, body) => {
    expect(parseQQBody(body)).toBeNull();
  });
});

describe('authorizationUrl', () => {
  it('points at QQ_API_BASE/oauth2.0/authorize with exactly the contract’s params', () => {
    const { config } = stub('');
    const url = new URL(authorizationUrl(config, 'state-abc_123'));
    expect(`${url.origin}${url.pathname}`).toBe('https://graph.qq.com/oauth2.0/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: APP_ID,
      redirect_uri: REDIRECT_URI,
      state: 'state-abc_123',
      scope: 'get_user_info',
    });
    expect([...url.searchParams.keys()]).toHaveLength(5);
  });

  it('never carries the app key', () => {
    const { config } = stub('');
    expect(authorizationUrl(config, 's')).not.toContain(APP_KEY);
  });
});

describe('exchangeCode', () => {
  it('sends the code exchange to /oauth2.0/token with fmt=json', async () => {
    const { config, calls } = stub(BODIES.tokenJson);
    await exchangeCode(config, CODE);
    expect(calls).toHaveLength(1);
    expect(`${calls[0]?.url.origin}${calls[0]?.url.pathname}`).toBe('https://graph.qq.com/oauth2.0/token');
    expect(paramsOf(calls[0])).toEqual({
      grant_type: 'authorization_code',
      client_id: APP_ID,
      client_secret: APP_KEY,
      code: CODE,
      redirect_uri: REDIRECT_URI,
      fmt: 'json',
    });
  });

  it('reads a string expires_in (live fmt=json answer)', async () => {
    const { config } = stub(`{"access_token":"${ACCESS_TOKEN}","expires_in":"5184000","refresh_token":"3EBC0001"}`);
    expect(await exchangeCode(config, CODE)).toEqual({ accessToken: ACCESS_TOKEN, refreshToken: '3EBC0001', expiresIn: 5184000 });
  });

  it('reads a number expires_in', async () => {
    const { config } = stub(`{"access_token":"${ACCESS_TOKEN}","expires_in":7776000,"refresh_token":"3EBC0001"}`);
    expect(await exchangeCode(config, CODE)).toEqual({ accessToken: ACCESS_TOKEN, refreshToken: '3EBC0001', expiresIn: 7776000 });
  });

  it('reads the URL-encoded answer QQ sends without fmt=json', async () => {
    const { config } = stub(`access_token=${ACCESS_TOKEN}&expires_in=7776000&refresh_token=88E4BE14`);
    expect(await exchangeCode(config, CODE)).toEqual({ accessToken: ACCESS_TOKEN, refreshToken: '88E4BE14', expiresIn: 7776000 });
  });

  it.each([
    [100019, BODIES.code100019],
    [100020, BODIES.code100020],
    [100005, BODIES.code100005],
    [100019, '{"error":100019,"error_description":"code to access token error"}'],
  ])('maps error %i to code_invalid', async (code, body) => {
    const { config, calls } = stub(body);
    const err = await qqErrorOf(exchangeCode(config, CODE));
    expect(err.kind).toBe<QQErrorKind>('code_invalid');
    expect(err.qqCode).toBe(code);
    expect(calls).toHaveLength(1);
    expectNoSecrets(err);
  });

  it.each([
    [100009, 'callback( {"error":100009,"error_description":"client secret is illegal"} );'],
    [100010, BODIES.redirect100010Json],
  ])('maps error %i to config', async (code, body) => {
    const { config, calls } = stub(body);
    const err = await qqErrorOf(exchangeCode(config, CODE));
    expect(err.kind).toBe<QQErrorKind>('config');
    expect(err.qqCode).toBe(code);
    expect(calls).toHaveLength(1);
    expectNoSecrets(err);
  });

  it('treats HTTP 500 as unavailable, once', async () => {
    const { config, calls } = stub(() => html('<html><body>500</body></html>', 500));
    const err = await qqErrorOf(exchangeCode(config, CODE));
    expect(err.kind).toBe<QQErrorKind>('unavailable');
    expect(calls).toHaveLength(1);
    expectNoSecrets(err);
  });

  it('treats a non-2xx status as unavailable even with a token body', async () => {
    const { config } = stub(() => html(BODIES.tokenJson, 503));
    expect((await qqErrorOf(exchangeCode(config, CODE))).kind).toBe<QQErrorKind>('unavailable');
  });

  it('treats an HTML page as unavailable, once', async () => {
    const { config, calls } = stub(BODIES.garbage);
    const err = await qqErrorOf(exchangeCode(config, CODE));
    expect(err.kind).toBe<QQErrorKind>('unavailable');
    expect(calls).toHaveLength(1);
    expectNoSecrets(err);
  });

  it('treats a token answer without access_token as unavailable', async () => {
    const { config } = stub('{"expires_in":"5184000"}');
    expect((await qqErrorOf(exchangeCode(config, CODE))).kind).toBe<QQErrorKind>('unavailable');
  });

  it('treats a rejected fetch as unavailable, once, without repeating the fetch error (it holds the URL)', async () => {
    const url = `${API_BASE}/oauth2.0/token?client_secret=${APP_KEY}&code=${CODE}`;
    const { config, calls } = stub(() => Promise.reject(new TypeError(`fetch failed: ${url}`)));
    const err = await qqErrorOf(exchangeCode(config, CODE));
    expect(err.kind).toBe<QQErrorKind>('unavailable');
    expect(calls).toHaveLength(1);
    expectNoSecrets(err);
  });

  it('gives up on a hanging QQ within the timeout, once', async () => {
    const { config, calls } = stub(
      ({ init }) =>
        new Promise<Response>((_, reject) => {
          const signal = init?.signal;
          if (!signal) return reject(new Error('the client sent no abort signal'));
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const started = Date.now();
    const err = await qqErrorOf(exchangeCode(config, CODE));
    const elapsed = Date.now() - started;
    expect(err.kind).toBe<QQErrorKind>('unavailable');
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1000);
    expect(calls).toHaveLength(1);
    expectNoSecrets(err);
  });
});

describe('getIdentity', () => {
  it('asks /oauth2.0/me with fmt=json and no unionid unless asked', async () => {
    const { config, calls } = stub(`{"client_id":"${APP_ID}","openid":"${OPENID}"}`);
    expect(await getIdentity(config, ACCESS_TOKEN, false)).toEqual({ clientId: APP_ID, openid: OPENID, unionid: null });
    expect(calls).toHaveLength(1);
    expect(`${calls[0]?.url.origin}${calls[0]?.url.pathname}`).toBe('https://graph.qq.com/oauth2.0/me');
    expect(paramsOf(calls[0])).toEqual({ access_token: ACCESS_TOKEN, fmt: 'json' });
  });

  it('sends unionid=1 when asked and returns the unionid', async () => {
    const { config, calls } = stub(`{"client_id":"${APP_ID}","openid":"${OPENID}","unionid":"UID_1"}`);
    expect(await getIdentity(config, ACCESS_TOKEN, true)).toEqual({ clientId: APP_ID, openid: OPENID, unionid: 'UID_1' });
    expect(paramsOf(calls[0])).toEqual({ access_token: ACCESS_TOKEN, fmt: 'json', unionid: '1' });
  });

  it('reads the JSONP answer QQ gives without fmt=json', async () => {
    const { config } = stub(`callback( {"client_id":"${APP_ID}","openid":"${OPENID}"} );\n`);
    expect(await getIdentity(config, ACCESS_TOKEN, false)).toEqual({ clientId: APP_ID, openid: OPENID, unionid: null });
  });

  it('reports the client_id of another app as it is', async () => {
    const { config } = stub(`{"client_id":"102999999","openid":"${OPENID}"}`);
    expect((await getIdentity(config, ACCESS_TOKEN, false)).clientId).toBe('102999999');
  });

  it('maps 100013 to token_invalid', async () => {
    const { config } = stub(BODIES.token100013);
    const err = await qqErrorOf(getIdentity(config, ACCESS_TOKEN, false));
    expect(err.kind).toBe<QQErrorKind>('token_invalid');
    expect(err.qqCode).toBe(100013);
    expectNoSecrets(err);
  });

  it('maps the trailing-comma 100016 to token_invalid', async () => {
    const { config } = stub(BODIES.checkFailed100016);
    const err = await qqErrorOf(getIdentity(config, ACCESS_TOKEN, false));
    expect(err.kind).toBe<QQErrorKind>('token_invalid');
    expect(err.qqCode).toBe(100016);
  });

  it('maps 100048 to unionid_denied', async () => {
    const { config } = stub(BODIES.unionid100048);
    const err = await qqErrorOf(getIdentity(config, ACCESS_TOKEN, true));
    expect(err.kind).toBe<QQErrorKind>('unionid_denied');
    expect(err.qqCode).toBe(100048);
  });

  it('treats an answer without openid as unavailable', async () => {
    const { config } = stub(`{"client_id":"${APP_ID}"}`);
    expect((await qqErrorOf(getIdentity(config, ACCESS_TOKEN, false))).kind).toBe<QQErrorKind>('unavailable');
  });
});

describe('getProfile', () => {
  it('asks get_user_info with the token, the app id and the openid', async () => {
    const { config, calls } = stub(BODIES.userInfo);
    await getProfile(config, ACCESS_TOKEN, OPENID);
    expect(calls).toHaveLength(1);
    expect(`${calls[0]?.url.origin}${calls[0]?.url.pathname}`).toBe('https://graph.qq.com/user/get_user_info');
    expect(paramsOf(calls[0])).toEqual({ access_token: ACCESS_TOKEN, oauth_consumer_key: APP_ID, openid: OPENID });
  });

  it('returns the nickname and the 100 px QQ avatar as https', async () => {
    const { config } = stub(BODIES.userInfo);
    expect(await getProfile(config, ACCESS_TOKEN, OPENID)).toEqual({
      nickname: '小明',
      avatar: 'https://thirdqq.qlogo.cn/g?b=oidb&k=X&s=100',
    });
  });

  it('falls back to the 40 px avatar when figureurl_qq_2 is empty', async () => {
    const body = JSON.stringify({ ...JSON.parse(BODIES.userInfo), figureurl_qq_2: '' });
    const { config } = stub(body);
    expect(await getProfile(config, ACCESS_TOKEN, OPENID)).toEqual({
      nickname: '小明',
      avatar: 'https://thirdqq.qlogo.cn/g?b=oidb&k=X&s=40',
    });
  });

  it('maps ret 100030 to no_permission', async () => {
    const { config } = stub(BODIES.noPermission);
    const err = await qqErrorOf(getProfile(config, ACCESS_TOKEN, OPENID));
    expect(err.kind).toBe<QQErrorKind>('no_permission');
    expect(err.qqCode).toBe(100030);
  });

  it('treats ret 1002 (please log in) as an error', async () => {
    const { config } = stub(BODIES.notLoggedIn);
    const err = await qqErrorOf(getProfile(config, ACCESS_TOKEN, OPENID));
    expect(err.kind).toBe<QQErrorKind>('token_invalid');
    expect(err.qqCode).toBe(1002);
    expectNoSecrets(err);
  });

  it('treats a negative ret as an error', async () => {
    const { config } = stub(BODIES.negativeRet);
    const err = await qqErrorOf(getProfile(config, ACCESS_TOKEN, OPENID));
    expect(err.qqCode).toBe(-1);
    expect(err.kind).toBe<QQErrorKind>('unavailable');
  });
});
