/**
 * The HTTP edge of every route: 404/405, body limits and parsing, field errors in both
 * languages, CORS, and /healthz.
 */
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { harness, expectedError } from './harness';

const h = harness();

const INVALID_JSON = expectedError('invalid_json');
const UNSUPPORTED = expectedError('unsupported_media_type');
const TOO_LARGE = expectedError('payload_too_large');

const KIB16 = 16 * 1024;
const encoder = new TextEncoder();

/** A JSON object of exactly `bytes` bytes: a login for nobody, padded by an extra field. */
function paddedLogin(bytes: number): string {
  const head = '{"username":"nobody-http-test","password":"wrong-password-1","pad":"';
  const tail = '"}';
  return `${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`;
}

/** A body stream without a length, in 1 KiB chunks. */
function stream(text: string): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 1024));
      offset += 1024;
    },
  });
}

function post(path: string, body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return h.call('POST', path, { body, headers });
}

describe('routing', () => {
  it.each(['/nope', '/users/nope', '/oauth/qq', '/sms/codes/1', '/oauth/qq/bind/nope'])('answers 404 not_found in JSON for %s', async (path) => {
    const answer = await h.call('GET', path);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual(expectedError('not_found'));
  });

  it.each([
    ['PUT', '/users/me', ['GET']],
    ['GET', '/users/login', ['POST']],
    ['POST', '/healthz', ['GET']],
    ['GET', '/sms/codes', ['POST']],
    ['DELETE', '/oauth/qq/callback', ['GET']],
    ['GET', '/oauth/qq/bind', ['POST']],
    ['PUT', '/oauth/qq/bind/account', ['POST']],
    ['DELETE', '/oauth/qq/bind/register', ['POST']],
  ])('answers %s %s with 405 method_not_allowed and an Allow header', async (method, path, allowed) => {
    const answer = await h.call(method, path);
    expect(answer.status).toBe(405);
    expect(answer.body).toEqual(expectedError('method_not_allowed'));
    const allow = (answer.headers.get('allow') ?? '').split(',').map((m) => m.trim());
    for (const m of allowed) expect(allow).toContain(m);
    expect(allow).not.toContain(method);
  });
});

describe('request bodies', () => {
  it.each([
    ['broken JSON', '{"username": "a",'],
    ['a JSON array', '["username", "password"]'],
    ['a JSON string', '"username"'],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['an empty body', ''],
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ])('answers 400 invalid_json for %s', async (_, body) => {
    const answer = await post('/users/login', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(INVALID_JSON);
  });

  it('answers 415 for a text/plain body', async () => {
    const answer = await post('/users/login', '{"username":"a","password":"password123"}', { 'content-type': 'text/plain' });
    expect(answer.status).toBe(415);
    expect(answer.body).toEqual(UNSUPPORTED);
  });

  it('answers 415 for a form body', async () => {
    const answer = await post('/sms/codes', 'mobile=13800138000', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(415);
    expect(answer.body).toEqual(UNSUPPORTED);
  });

  it('answers 415 for a body without a content-type', async () => {
    // Bytes, so that Request does not add text/plain by itself.
    const answer = await post('/users/login', encoder.encode('{"username":"a","password":"password123"}'), {});
    expect(answer.status).toBe(415);
    expect(answer.body).toEqual(UNSUPPORTED);
  });

  it('accepts application/json with a charset', async () => {
    const answer = await post('/sms/codes', '{"mobile":"12"}', { 'content-type': 'application/json; charset=utf-8' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('answers 413 for 16 KiB + 1 declared by content-length', async () => {
    const body = paddedLogin(KIB16 + 1);
    expect(encoder.encode(body).byteLength).toBe(KIB16 + 1);
    const answer = await post('/users/login', body, { 'content-type': 'application/json', 'content-length': String(KIB16 + 1) });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual(TOO_LARGE);
  });

  it('answers 413 for 16 KiB + 1 streamed without a content-length', async () => {
    const answer = await post('/users/login', stream(paddedLogin(KIB16 + 1)));
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual(TOO_LARGE);
  });

  it('answers 413 for a large body whatever its content-type', async () => {
    const answer = await post('/users/login', 'x'.repeat(KIB16 + 1), { 'content-type': 'text/plain', 'content-length': String(KIB16 + 1) });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual(TOO_LARGE);
  });

  it('takes exactly 16 KiB of valid JSON', async () => {
    const answer = await post('/users/login', paddedLogin(KIB16));
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_credentials' } });
  });

  it('takes exactly 16 KiB of valid JSON streamed', async () => {
    const answer = await post('/users/login', stream(paddedLogin(KIB16)));
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_credentials' } });
  });
});

describe('field errors', () => {
  it('names every missing field, in Chinese by default', async () => {
    const answer = await h.call('POST', '/users/login', { json: {} });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_request', 'zh', { username: 'required', password: 'required' }));
  });

  it('names every missing field of the register flow', async () => {
    const answer = await h.call<{ error: { fields: Record<string, string> } }>('POST', '/oauth/qq/bind/register', { json: {} });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.error.fields).sort()).toEqual(['bind_ticket', 'mobile', 'nickname', 'password', 'sms_code']);
  });

  it('answers in English when Accept-Language prefers English', async () => {
    const answer = await h.call('POST', '/users/login', { json: {}, headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_request', 'en', { username: 'required', password: 'required' }));
    expect(answer.body).toMatchObject({ error: { message: 'Some fields are missing or invalid' } });
  });

  it('answers in Chinese when Accept-Language prefers Chinese over English', async () => {
    const answer = await h.call('POST', '/users/login', { json: {}, headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
    expect(answer.body).toEqual(expectedError('invalid_request', 'zh', { username: 'required', password: 'required' }));
  });

  it('answers in English for English errors other than invalid_request', async () => {
    const answer = await h.call('GET', '/nope', { headers: { 'accept-language': 'en' } });
    expect(answer.body).toEqual(expectedError('not_found', 'en'));
  });

  it('answers invalid_request, not 500, for numbers where strings belong', async () => {
    const answer = await h.call('POST', '/users/login', { json: { username: 13800138000, password: 12345678 } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_request', 'zh', { username: 'username', password: 'password' }));
  });

  it.each([
    ['an object', { $gt: '' }],
    ['an array', ['13800138000']],
    ['a boolean', true],
    ['a number', 13800138000],
  ])('answers invalid_request, not 500, for %s as the mobile', async (_, mobile) => {
    const answer = await h.call('POST', '/sms/codes', { json: { mobile } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_request', 'zh', { mobile: 'mobile' }));
  });

  it('answers invalid_request, not 500, for wrong types in the bind flow', async () => {
    const answer = await h.call('POST', '/oauth/qq/bind', {
      json: { bind_ticket: 42, mobile: null, sms_code: 123456, password: ['password123'] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_request' } });
    const { fields } = (answer.body as { error: { fields: Record<string, string> } }).error;
    expect(Object.keys(fields).sort()).toEqual(['bind_ticket', 'mobile', 'password', 'sms_code']);
  });
});

describe('CORS', () => {
  const ALLOWED = 'https://shop.example.com';

  it('answers a preflight from an allowed origin with that origin and credentials', async () => {
    const answer = await h.call('OPTIONS', '/users/login', {
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
    expect(answer.headers.get('access-control-allow-methods')).toContain('POST');
    expect((answer.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain('content-type');
  });

  it('answers an actual request from an allowed origin with that origin and credentials', async () => {
    const answer = await h.call('POST', '/users/login', { json: {}, headers: { origin: ALLOWED } });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
    expect(answer.headers.get('vary')?.toLowerCase()).toContain('origin');
  });

  it('gives another origin no Access-Control-Allow-Origin on a preflight', async () => {
    const answer = await h.call('OPTIONS', '/users/login', {
      headers: { origin: 'https://evil.com', 'access-control-request-method': 'POST' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives another origin no Access-Control-Allow-Origin on an actual request', async () => {
    const answer = await h.call('GET', '/users/me', { headers: { origin: 'https://evil.com' } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives a look-alike origin no Access-Control-Allow-Origin', async () => {
    const answer = await h.call('GET', '/users/me', { headers: { origin: 'https://shop.example.com.evil.com' } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});

/** `fetch` of the worker's default export (src/index.ts), as deployed. */
function deployedFetch(url: string): Promise<Response> {
  const entry: unknown = Reflect.get(exports, 'default');
  // A loopback stub: a proxy whose members are not enumerable, so it is read, not probed with `in`.
  const fetch: unknown = entry === null || entry === undefined ? undefined : Reflect.get(Object(entry), 'fetch');
  if (typeof fetch !== 'function') throw new Error('the worker has no default export with fetch');
  return Promise.resolve(Reflect.apply(fetch, entry, [url]));
}

describe('GET /healthz', () => {
  it('answers {ok: true} without touching D1, KV or QQ', async () => {
    const { result, counts, qqCalls } = await h.measure(() => h.call('GET', '/healthz'));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ok: true });
    expect(counts.d1).toBe(0);
    expect(counts.kv).toEqual({ get: 0, put: 0, delete: 0 });
    expect(qqCalls).toEqual([]);
  });

  it('is served by the deployed entry point (the default export)', async () => {
    const response = await deployedFetch('http://localhost/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('routes the deployed entry point to the API too', async () => {
    const response = await deployedFetch('http://localhost/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(expectedError('not_found'));
  });
});
