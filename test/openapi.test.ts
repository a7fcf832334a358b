/**
 * GET /openapi.json: an OpenAPI 3.1 document generated from the routes' own validators and
 * typed answers, kept current by this test, and every live answer of every route valid
 * against it (checked with test/json-schema.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { createApp } from '../src/app';
import { mobile } from '../src/http/fields';
import { buildDocument } from '../src/openapi/document';
import committed from '../src/openapi/openapi.json';
import { pages } from '../src/pages';
import { addAccount, Browser, freshMobile, harness, REDIRECT_URI, type Answer } from './harness';
import { check, type Schema } from './json-schema';

type H = ReturnType<typeof harness>;
type Doc = Schema & { paths: Record<string, Record<string, { responses: Record<string, Schema> }>> };

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every JSON route of the contract (api.md "Routes"). */
const CONTRACT = [
  'GET /oauth/qq/authorization',
  'GET /oauth/qq/callback',
  'POST /sms/codes',
  'POST /oauth/qq/bind',
  'POST /oauth/qq/bind/account',
  'POST /oauth/qq/bind/register',
  'POST /oauth/qq/app-login',
  'POST /users/login',
  'POST /users/logout',
  'PUT /users/me/password',
  'POST /users/password/reset',
  'GET /users/me',
  'DELETE /users/me/bindings/qq',
  'GET /healthz',
  'GET /openapi.json',
];

const app = createApp();
const normalized = (path: string) => (path.length > 1 ? path.replace(/\/$/, '') : path);
const pagePaths = new Set(pages.routes.map((r) => normalized(r.path)));
const served = new Set(app.routes.filter((r) => r.method !== 'ALL' && !pagePaths.has(normalized(r.path))).map((r) => `${r.method} ${normalized(r.path)}`));

const doc = committed as unknown as Doc;
const operations = (d: Doc) => Object.entries(d.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));

describe('the document', () => {
  it('is what `npm run openapi` makes from the routes today', () => {
    // On failure: run `npm run openapi` and commit src/openapi/openapi.json.
    expect(JSON.parse(JSON.stringify(buildDocument(app.routes)))).toEqual(committed);
  });

  it('is served at GET /openapi.json as OpenAPI 3.1, the same on every request', async () => {
    const h = harness();
    const first = await h.call<Doc>('GET', '/openapi.json');
    const second = await h.call<Doc>('GET', '/openapi.json');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(first.body).toEqual(committed);
    expect(second.body).toEqual(first.body);
    expect(first.body.openapi).toBe('3.1.0');
  });

  it('describes every JSON route the worker serves, and only those', () => {
    expect(new Set(operations(doc))).toEqual(served);
  });

  it.each(CONTRACT)('describes the contract route %s', (key) => {
    expect(operations(doc)).toContain(key);
  });

  it('documents each error code under its own status, with Retry-After on 429', () => {
    const login = doc.paths['/users/login']?.post?.responses ?? {};
    expect(Object.keys(login).sort()).toEqual(['200', '400', '401', '413', '415', '429', '500', '502']);
    expect(login['401']).toMatchObject({ description: 'invalid_credentials' });
    expect(login['429']).toHaveProperty(['headers', 'Retry-After']);
    const me = doc.paths['/users/me']?.get as Schema;
    expect(me.security).toEqual([{ bearer: [] }]);
  });

  it("states the mobile rule as the validator applies it", () => {
    const pattern = new RegExp(
      String((doc.paths['/sms/codes']?.post as unknown as { requestBody: { content: { 'application/json': { schema: Schema & { properties: { mobile: { pattern: string } } } } } } })
        .requestBody.content['application/json'].schema.properties.mobile.pattern),
      'u',
    );
    const samples = ['13800138000', '+86 138-0013-8000', '86 13800138000', ' 138 0013 8000 ', '+8613800138000', '+13800138000', '12800138000', '1380013800', '138001380001', '8613800138000', '+86-138 0013 8000', '0086 13800138000', '138\t0013\t8000', '+ 86 13800138000'];
    for (const sample of samples) expect([sample, pattern.test(sample)]).toEqual([sample, z.safeParse(mobile, sample).success]);
  });
});

describe('the checker', () => {
  const loggedIn = { $ref: '#/components/schemas/LoggedIn' };
  const good = { status: 'logged_in', token: 'a.b.c', token_type: 'Bearer', expires_in: 86400, user: { id: 1, username: 'u', nickname: null, avatar: null } };

  it('accepts a good answer and refuses bad ones', () => {
    expect(check(loggedIn, good, doc)).toEqual([]);
    const { token: _token, ...noToken } = good;
    for (const bad of [
      noToken,
      { ...good, extra: 1 },
      { ...good, token_type: 'bearer' },
      { ...good, expires_in: 1.5 },
      { ...good, user: { ...good.user, nickname: 7 } },
      { ...good, next: null },
    ]) {
      expect(check(loggedIn, bad, doc)).not.toEqual([]);
    }
    const loginErrors = doc.paths['/users/login']?.post?.responses['401'] as { content: { 'application/json': { schema: Schema } } };
    const schema = loginErrors.content['application/json'].schema;
    expect(check(schema, { error: { code: 'invalid_credentials', message: '用户名或密码错误' } }, doc)).toEqual([]);
    expect(check(schema, { error: { code: 'unauthorized', message: '请先登录' } }, doc)).not.toEqual([]);
  });
});

const seen = new Set<string>();

/** `answer` is documented for `METHOD path` and its body fits the documented schema. */
function expectDocumented(method: string, path: string, answer: Answer<unknown>): void {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  expect(operation, `${method} ${path} is documented`).toBeDefined();
  const response = operation?.responses[String(answer.status)] as { content?: { 'application/json': { schema: Schema } }; headers?: Schema } | undefined;
  expect(response, `${method} ${path} documents ${answer.status}: ${JSON.stringify(answer.body)}`).toBeDefined();
  seen.add(`${method} ${path} ${answer.status}`);
  if (answer.status === 204) {
    expect(answer.body).toBeNull();
    expect(response?.content).toBeUndefined();
    return;
  }
  const schema = response?.content?.['application/json'].schema;
  expect(check(schema, answer.body, doc), `${method} ${path} ${answer.status}`).toEqual([]);
  if (answer.status === 429) {
    expect(response?.headers).toHaveProperty('Retry-After');
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
  }
}

async function call(h: H, method: string, path: string, init: Parameters<H['call']>[2] = {}) {
  const answer = await h.call<unknown>(method, path, init);
  expectDocumented(method, path.split('?')[0] ?? path, answer);
  return answer as Answer<Record<string, unknown>>;
}

const PASSWORD = 'correct horse 1';
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('live answers fit the document', () => {
  it('GET /healthz, GET /openapi.json', async () => {
    const h = harness();
    await call(h, 'GET', '/healthz');
    await call(h, 'GET', '/openapi.json');
  });

  it('GET /oauth/qq/authorization and GET /oauth/qq/callback', async () => {
    const h = harness();
    const browser = new Browser();
    const start = async () => (await call(h, 'GET', '/oauth/qq/authorization?next=/orders', { browser })).body.state as string;
    await call(h, 'GET', '/oauth/qq/authorization?next=//evil.example');
    const stranger = h.qq.addUser({ nickname: '文档' });
    let state = await start();
    await call(h, 'GET', `/oauth/qq/callback?code=${h.qq.issueCode({ openid: stranger.openid, redirectUri: REDIRECT_URI })}&state=${state}`, { browser });
    const { openid } = await h.signUp(freshMobile());
    state = await start();
    const loggedIn = await call(h, 'GET', `/oauth/qq/callback?code=${h.qq.issueCode({ openid, redirectUri: REDIRECT_URI })}&state=${state}`, { browser });
    expect(loggedIn.body.status).toBe('logged_in');
    await call(h, 'GET', '/oauth/qq/callback?code=abc&state=nope', { browser });
    await call(h, 'GET', '/oauth/qq/callback?state=abc', { browser });
    state = await start();
    await call(h, 'GET', `/oauth/qq/callback?code=NOT-ISSUED&state=${state}`, { browser });
    state = await start();
    h.qq.setMode('token', 'down');
    await call(h, 'GET', `/oauth/qq/callback?code=${h.qq.issueCode({ openid, redirectUri: REDIRECT_URI })}&state=${state}`, { browser });
  });

  it('POST /oauth/qq/app-login, and the body errors every JSON route shares', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    await call(h, 'POST', '/oauth/qq/app-login', { json: { access_token: h.qq.issueAccessToken({ openid }) } });
    await call(h, 'POST', '/oauth/qq/app-login', { json: { access_token: h.qq.issueAccessToken({ openid: h.qq.addUser({ nickname: '应用' }).openid }) } });
    await call(h, 'POST', '/oauth/qq/app-login', { json: { access_token: h.qq.issueAccessToken({ openid, clientId: '999' }) } });
    await call(h, 'POST', '/oauth/qq/app-login', { json: { access_token: '?' } });
    await call(h, 'POST', '/oauth/qq/app-login', { body: '{"access_token":', headers: { 'content-type': 'application/json' } });
    await call(h, 'POST', '/oauth/qq/app-login', { body: 'access_token=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await call(h, 'POST', '/oauth/qq/app-login', { body: JSON.stringify({ access_token: 'x'.repeat(17 * 1024) }), headers: { 'content-type': 'application/json' } });
    h.qq.setMode('me', 'down');
    await call(h, 'POST', '/oauth/qq/app-login', { json: { access_token: h.qq.issueAccessToken({ openid }) } });
  });

  it('POST /sms/codes', async () => {
    const h = harness();
    const mobile = freshMobile();
    await call(h, 'POST', '/sms/codes', { json: { mobile } });
    await call(h, 'POST', '/sms/codes', { json: { mobile } });
    await call(h, 'POST', '/sms/codes', { json: { mobile: '123' } });
    h.sms.mode = 'fail';
    await call(h, 'POST', '/sms/codes', { json: { mobile: freshMobile() } });
  });

  it('POST /oauth/qq/bind: created, existing account, and refusals', async () => {
    const h = harness({ settings: { SMS_RESEND_SECONDS: '0' } });
    const ticket = async () => h.bindTicketFor(h.qq.addUser({ nickname: '绑定' }).openid);
    const bind = (json: Record<string, unknown>) => call(h, 'POST', '/oauth/qq/bind', { json });
    const created = freshMobile();
    await bind({ bind_ticket: await ticket(), mobile: created, sms_code: await h.smsCode(created), password: PASSWORD });
    const existing = freshMobile();
    await addAccount({ username: `doc${existing}`, mobile: existing, password: PASSWORD });
    const t = await ticket();
    const code = await h.smsCode(existing);
    await bind({ bind_ticket: t, mobile: existing, sms_code: code, password: 'wrong password' });
    await bind({ bind_ticket: t, mobile: existing, sms_code: wrongCode(code), password: PASSWORD });
    await bind({ bind_ticket: 'x'.repeat(43), mobile: existing, sms_code: code, password: PASSWORD });
    await bind({ bind_ticket: t, mobile: existing, sms_code: code, password: PASSWORD });
    await bind({ bind_ticket: await ticket(), mobile: created, sms_code: await h.smsCode(created), password: PASSWORD });
    const locked = freshMobile();
    const lockedCode = await h.smsCode(locked);
    for (let i = 0; i < 6; i++) await bind({ bind_ticket: t, mobile: locked, sms_code: wrongCode(lockedCode), password: PASSWORD });
  });

  it('POST /oauth/qq/bind/account and POST /oauth/qq/bind/register', async () => {
    const h = harness();
    const ticket = async () => h.bindTicketFor(h.qq.addUser({ nickname: `注册${Math.random()}`.slice(0, 12) }).openid);
    const username = `doc${Date.now() % 1_000_000}`;
    await addAccount({ username, password: PASSWORD });
    const t = await ticket();
    await call(h, 'POST', '/oauth/qq/bind/account', { json: { bind_ticket: t, username, password: 'wrong password' } });
    await call(h, 'POST', '/oauth/qq/bind/account', { json: { bind_ticket: t, username, password: PASSWORD } });
    await call(h, 'POST', '/oauth/qq/bind/account', { json: { bind_ticket: await ticket(), username, password: PASSWORD } });
    const other = await ticket();
    for (let i = 0; i < 11; i++) await call(h, 'POST', '/oauth/qq/bind/account', { json: { bind_ticket: other, username: 'nobody-here', password: `wrong ${i}` } });
    const mobile = freshMobile();
    const register = async (nickname: string, m: string) =>
      call(h, 'POST', '/oauth/qq/bind/register', { json: { bind_ticket: await ticket(), nickname, mobile: m, sms_code: await h.smsCode(m), password: PASSWORD } });
    await register('文档昵称', mobile);
    await register('文档昵称', freshMobile());
    const taken = freshMobile();
    await addAccount({ username: taken, mobile: taken, password: PASSWORD });
    await register('另一个昵称', taken);
  });

  it('POST /users/login, GET /users/me, DELETE /users/me/bindings/qq', async () => {
    const h = harness();
    const mobile = freshMobile();
    await h.signUp(mobile, PASSWORD);
    const login = await call(h, 'POST', '/users/login', { json: { username: mobile, password: PASSWORD } });
    const token = String(login.body.token);
    await call(h, 'GET', '/users/me', { token });
    await call(h, 'GET', '/users/me', { token: 'a.b.c' });
    await call(h, 'DELETE', '/users/me/bindings/qq', { token });
    await call(h, 'DELETE', '/users/me/bindings/qq', { token });
    await call(h, 'DELETE', '/users/me/bindings/qq');
    await call(h, 'GET', '/users/me', { token });
    for (let i = 0; i < 11; i++) await call(h, 'POST', '/users/login', { json: { username: mobile, password: `wrong ${i}` } });
  });

  it('a worker that refuses to serve answers every route with the documented 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const h = harness({ settings: { JWT_SECRET: 'short' } });
    await call(h, 'GET', '/users/me', { token: 'a.b.c' });
    await call(h, 'POST', '/users/login', { json: { username: 'u', password: PASSWORD } });
    await call(h, 'GET', '/openapi.json');
  });

  it('POST /users/logout, PUT /users/me/password, POST /users/password/reset', async () => {
    const h = harness({ settings: { SMS_RESEND_SECONDS: '0' } });
    const mobile = freshMobile();
    const { token } = await h.signUp(mobile, PASSWORD);
    await call(h, 'PUT', '/users/me/password', { token, json: { current_password: 'wrong password', new_password: 'another horse 2' } });
    await call(h, 'PUT', '/users/me/password', { token, json: { current_password: PASSWORD, new_password: 'short' } });
    const changed = await call(h, 'PUT', '/users/me/password', { token, json: { current_password: PASSWORD, new_password: 'another horse 2' } });
    await call(h, 'PUT', '/users/me/password', { token, json: { current_password: PASSWORD, new_password: 'another horse 2' } });
    await call(h, 'POST', '/users/logout', { token: String(changed.body.token) });
    await call(h, 'POST', '/users/logout', { token: String(changed.body.token) });
    const code = await h.smsCode(mobile);
    await call(h, 'POST', '/users/password/reset', { json: { mobile, sms_code: wrongCode(code), new_password: 'third horse 3' } });
    await call(h, 'POST', '/users/password/reset', { json: { mobile, sms_code: code, new_password: 'third horse 3' } });
    const stranger = freshMobile();
    await call(h, 'POST', '/users/password/reset', { json: { mobile: stranger, sms_code: await h.smsCode(stranger), new_password: 'third horse 3' } });
  });

  it('covered the success answer of every route the worker serves', () => {
    for (const key of served) {
      const [method = '', path = ''] = key.split(' ');
      const ok = Object.keys(doc.paths[path]?.[method.toLowerCase()]?.responses ?? {}).filter((s) => s.startsWith('2'));
      for (const status of ok) expect(seen, `${key} ${status}`).toContain(`${key} ${status}`);
    }
    // And at least one refusal of each, checked against its error schema.
    for (const key of served) if (!['GET /healthz'].includes(key)) expect([...seen].some((s) => s.startsWith(`${key} 4`) || s.startsWith(`${key} 5`)), key).toBe(true);
  });
});
