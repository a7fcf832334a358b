/**
 * The fake gateways check what the real services check: a request the worker signed goes
 * through once, and the same request with one byte of its signature, body, a signed header
 * or its timestamp changed is refused with the service's own error, delivering nothing.
 */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeTencentCaptcha } from '../fakes/captcha/tencent';
import { createFakeAliyunSms } from '../fakes/sms/aliyun';
import { createFakeTencentSms } from '../fakes/sms/tencent';
import { createFakeYuntongxun } from '../fakes/sms/yuntongxun';
import { tencentCaptcha } from '../src/captcha/tencent';
import type { Deps } from '../src/deps';
import { settingsOf } from '../src/settings';
import { aliyunProvider } from '../src/sms/aliyun';
import { tencentProvider } from '../src/sms/tencent';
import { yuntongxunProvider } from '../src/sms/yuntongxun';
import { ALIYUN_SMS, TENCENT_CAPTCHA, TENCENT_SMS, YUNTONGXUN_SMS } from './providers';

const MOBILE = '13800138000';
const CODE = '428571';

function settingsWith(extra: Record<string, string>) {
  return settingsOf({ ...env, ...extra } as unknown as Env);
}

/** The request `send` makes at `nowMs`, caught before it leaves. */
async function captured(send: (deps: Deps) => Promise<unknown>, nowMs = Date.now()): Promise<Parts> {
  let request: Request | undefined;
  const deps: Deps = {
    fetch: async (input, init) => {
      request = new Request(input, init);
      return new Response('{}');
    },
    now: () => nowMs,
    timeoutMs: 1000,
  };
  await send(deps).catch(() => undefined);
  if (request === undefined) throw new Error('nothing was sent');
  return { url: request.url, headers: [...request.headers], body: await request.text() };
}

interface Parts {
  url: string;
  headers: [string, string][];
  body: string;
}

/** `parts` as a request, with some of them changed. */
function build(parts: Parts, change: { url?: string; header?: [string, string | null]; body?: string } = {}): Request {
  const headers = new Headers(parts.headers);
  if (change.header) {
    const [name, value] = change.header;
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  const body = change.body ?? parts.body;
  // Bytes, so no Content-Type is added that the original did not have.
  return new Request(change.url ?? parts.url, { method: 'POST', headers, body: body === '' ? undefined : new TextEncoder().encode(body) });
}

/** One character of `value` at `index` (from the end when negative) changed. */
function flip(value: string, index = -1): string {
  const i = index < 0 ? value.length + index : index;
  const c = value[i];
  const replacement = c === '0' ? '1' : c === 'a' ? 'b' : c === 'A' ? 'B' : /\d/.test(c ?? '') ? '0' : 'a';
  return `${value.slice(0, i)}${replacement}${value.slice(i + 1)}`;
}

const header = (parts: Parts, name: string): string => parts.headers.find(([n]) => n === name)?.[1] ?? '';

describe('fake Tencent Cloud SMS', () => {
  const fake = createFakeTencentSms();
  const send = (deps: Deps) => tencentProvider(settingsWith(TENCENT_SMS), deps).send({ mobile: MOBILE, code: CODE, ttlSeconds: 300 });
  const errorOf = async (request: Request) => ((await (await fake.fetch(request)).json()) as { Response: { Error?: { Code: string } } }).Response.Error?.Code;
  beforeEach(() => fake.reset());

  it('refuses one changed byte of the signature, body, a signed header or the timestamp, then takes the original', async () => {
    const parts = await captured(send);
    const auth = header(parts, 'authorization');
    const cases: [string, Request, string][] = [
      ['signature', build(parts, { header: ['authorization', flip(auth)] }), 'AuthFailure.SignatureFailure'],
      ['body', build(parts, { body: parts.body.replace(CODE, flip(CODE, 0)) }), 'AuthFailure.SignatureFailure'],
      ['content-type', build(parts, { header: ['content-type', 'application/json; charset=utf-9'] }), 'AuthFailure.SignatureFailure'],
      ['host', build(parts, { url: parts.url.replace('sms-tencent.test', 'sms-tencent.tesu') }), 'AuthFailure.SignatureFailure'],
      ['timestamp', build(parts, { header: ['x-tc-timestamp', String(Number(header(parts, 'x-tc-timestamp')) + 1)] }), 'AuthFailure.SignatureFailure'],
      ['secret id', build(parts, { header: ['authorization', auth.replace('Credential=AKID', 'Credential=AKIE')] }), 'AuthFailure.SecretIdNotFound'],
      ['signed headers', build(parts, { header: ['authorization', auth.replace('content-type;host;x-tc-action', 'content-type;x-tc-action')] }), 'AuthFailure.InvalidAuthorization'],
      ['version', build(parts, { header: ['x-tc-version', '2019-07-11'] }), 'NoSuchVersion'],
      ['region', build(parts, { header: ['x-tc-region', null] }), 'MissingParameter'],
    ];
    for (const [what, request, code] of cases) expect([what, await errorOf(request)]).toEqual([what, code]);
    expect(fake.outbox.sent).toHaveLength(0);
    expect(await errorOf(build(parts))).toBeUndefined();
    expect(fake.outbox.sent).toEqual([{ mobile: MOBILE, code: CODE, params: [CODE, '5'] }]);
  });

  it('refuses a request signed more than 5 minutes away from its clock', async () => {
    expect(await errorOf(build(await captured(send, Date.now() - 6 * 60_000)))).toBe('AuthFailure.SignatureExpire');
    expect(await errorOf(build(await captured(send, Date.now() + 6 * 60_000)))).toBe('AuthFailure.SignatureExpire');
    expect(await errorOf(build(await captured(send, Date.now() - 4 * 60_000)))).toBeUndefined();
    expect(fake.outbox.sent).toHaveLength(1);
  });
});

describe('fake Alibaba Cloud SMS', () => {
  const fake = createFakeAliyunSms();
  const send = (deps: Deps) => aliyunProvider(settingsWith(ALIYUN_SMS), deps).send({ mobile: MOBILE, code: CODE, ttlSeconds: 300 });
  const answerOf = async (request: Request) => {
    const response = await fake.fetch(request);
    return [response.status, ((await response.json()) as { Code: string }).Code] as const;
  };
  beforeEach(() => fake.reset());

  it('refuses one changed byte of the signature, query, body, a signed header or the date, then takes the original once', async () => {
    const parts = await captured(send);
    const auth = header(parts, 'authorization');
    const date = header(parts, 'x-acs-date');
    const later = new Date(Date.parse(date) + 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const cases: [string, Request, number, string][] = [
      ['signature', build(parts, { header: ['authorization', flip(auth)] }), 400, 'SignatureDoesNotMatch'],
      ['query', build(parts, { url: parts.url.replace(CODE, flip(CODE, 0)) }), 400, 'SignatureDoesNotMatch'],
      ['body', build(parts, { body: 'x' }), 400, 'SignatureDoesNotMatch'],
      ['nonce', build(parts, { header: ['x-acs-signature-nonce', flip(header(parts, 'x-acs-signature-nonce'))] }), 400, 'SignatureDoesNotMatch'],
      ['date', build(parts, { header: ['x-acs-date', later] }), 400, 'SignatureDoesNotMatch'],
      ['unsigned header', build(parts, { header: ['x-acs-extra', '1'] }), 400, 'IncompleteSignature'],
      ['access key', build(parts, { header: ['authorization', auth.replace('Credential=LTAI', 'Credential=LTAJ')] }), 404, 'InvalidAccessKeyId.NotFound'],
      ['action', build(parts, { header: ['x-acs-action', 'SendBatchSms'] }), 404, 'InvalidApi.NotFound'],
    ];
    for (const [what, request, status, code] of cases) expect([what, ...(await answerOf(request))]).toEqual([what, status, code]);
    expect(fake.outbox.sent).toHaveLength(0);
    expect(await answerOf(build(parts))).toEqual([200, 'OK']);
    expect(fake.outbox.sent).toEqual([{ mobile: MOBILE, code: CODE, params: [CODE] }]);
    // The same nonce again is a replay.
    expect(await answerOf(build(parts))).toEqual([400, 'SignatureNonceUsed']);
    expect(fake.outbox.sent).toHaveLength(1);
  });

  it('refuses a request dated more than 15 minutes away from its clock', async () => {
    expect(await answerOf(build(await captured(send, Date.now() - 16 * 60_000)))).toEqual([400, 'InvalidTimeStamp.Expired']);
    expect(await answerOf(build(await captured(send, Date.now() + 16 * 60_000)))).toEqual([400, 'InvalidTimeStamp.Expired']);
    expect(await answerOf(build(await captured(send, Date.now() - 14 * 60_000)))).toEqual([200, 'OK']);
  });
});

describe('fake 容联云', () => {
  const fake = createFakeYuntongxun();
  const send = (deps: Deps) => yuntongxunProvider(settingsWith(YUNTONGXUN_SMS), deps).send({ mobile: MOBILE, code: CODE, ttlSeconds: 300 });
  const statusOf = async (request: Request) => ((await (await fake.fetch(request)).json()) as { statusCode: string }).statusCode;
  beforeEach(() => fake.reset());

  it('refuses one changed byte of the sig, the Authorization or its timestamp, and a body for another app or template', async () => {
    const parts = await captured(send);
    const sig = new URL(parts.url).searchParams.get('sig') ?? '';
    const [sid = '', timestamp = ''] = atob(header(parts, 'authorization')).split(':');
    const cases: [string, Request, string][] = [
      ['sig', build(parts, { url: parts.url.replace(sig, flip(sig)) }), '111109'],
      ['sig in lower case', build(parts, { url: parts.url.replace(sig, sig.toLowerCase()) }), '111109'],
      ['timestamp', build(parts, { header: ['authorization', btoa(`${sid}:${flip(timestamp)}`)] }), '111109'],
      ['authorization account', build(parts, { header: ['authorization', btoa(`${flip(sid)}:${timestamp}`)] }), '111106'],
      ['authorization missing', build(parts, { header: ['authorization', null] }), '111100'],
      ['appId', build(parts, { body: parts.body.replace(/"appId":"([^"]*)"/, (_, id: string) => `"appId":"${flip(id)}"`) }), '160043'],
      ['templateId', build(parts, { body: parts.body.replace('"templateId":"1"', '"templateId":"2"') }), '160032'],
    ];
    for (const [what, request, code] of cases) expect([what, await statusOf(request)]).toEqual([what, code]);
    expect(fake.outbox.sent).toHaveLength(0);
    expect(await statusOf(build(parts))).toBe('000000');
    expect(fake.outbox.sent).toEqual([{ mobile: MOBILE, code: CODE, params: [CODE, '5'] }]);
  });

  it('refuses a timestamp more than 24 hours away (Beijing time)', async () => {
    expect(await statusOf(build(await captured(send, Date.now() - 25 * 3600_000)))).toBe('111105');
    expect(await statusOf(build(await captured(send, Date.now() - 23 * 3600_000)))).toBe('000000');
  });

  it('answers XML to a client that does not accept JSON', async () => {
    const parts = await captured(send);
    const response = await fake.fetch(build(parts, { header: ['accept', 'application/xml'] }));
    expect(await response.text()).toMatch(/^<\?xml .*<Response><statusCode>000000<\/statusCode><TemplateSMS><dateCreated>\d{14}<\/dateCreated>/);
    expect(fake.outbox.sent).toHaveLength(1);
  });
});

describe('fake Tencent Captcha', () => {
  const fake = createFakeTencentCaptcha();
  const verify = (ticket: string, randstr: string) => (deps: Deps) => tencentCaptcha(settingsWith(TENCENT_CAPTCHA), deps).verify({ token: ticket, randstr, clientIp: '203.0.113.7' });
  const answerOf = async (request: Request) => ((await (await fake.fetch(request)).json()) as { Response: { Error?: { Code: string }; CaptchaCode?: number } }).Response;

  it('refuses one changed byte of the signature, body or timestamp, then passes the ticket once', async () => {
    const { ticket, randstr } = fake.issueTicket();
    const parts = await captured(verify(ticket, randstr));
    const cases: [string, Request][] = [
      ['signature', build(parts, { header: ['authorization', flip(header(parts, 'authorization'))] })],
      ['body', build(parts, { body: parts.body.replace(ticket, flip(ticket)) })],
      ['timestamp', build(parts, { header: ['x-tc-timestamp', String(Number(header(parts, 'x-tc-timestamp')) - 1)] })],
    ];
    for (const [what, request] of cases) expect([what, (await answerOf(request)).Error?.Code]).toEqual([what, 'AuthFailure.SignatureFailure']);
    expect(fake.checks).toHaveLength(0);
    expect((await answerOf(build(parts))).CaptchaCode).toBe(1);
    expect((await answerOf(build(parts))).CaptchaCode).toBe(9);
    expect(fake.checks.map((c) => c.userIp)).toEqual(['203.0.113.7', '203.0.113.7']);
  });
});
