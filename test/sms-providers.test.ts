/**
 * The real SMS providers (Tencent Cloud, Alibaba Cloud, 容联云), each driven through the
 * worker against a fake gateway that checks the signature, headers, body and clock window
 * as the real one does: codes that arrive bind accounts, refusals and unreadable answers
 * cost nothing, a hang keeps the window spent, and no log line holds a key or a code.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FakeMode, Outbox } from '../fakes/kit';
import { captureConsole, expectedError, freshMobile, harness } from './harness';
import { ALIYUN_SMS, PROVIDER_SECRETS, TENCENT_SMS, YUNTONGXUN_SMS } from './providers';

type H = ReturnType<typeof harness>;
interface Gateway {
  readonly outbox: Outbox;
  mode: FakeMode;
  reset(): void;
}

const SMS_SEND_FAILED = expectedError('sms_send_failed');
const SMS_TOO_FREQUENT = expectedError('sms_too_frequent');

const PROVIDERS: { name: string; settings: Record<string, string>; gateway: (h: H) => Gateway; refusal: string; window: [number, number] }[] = [
  // window: a clock skew the gateway accepts, and one it refuses (minutes).
  { name: 'tencent', settings: TENCENT_SMS, gateway: (h) => h.providers.tencentSms, refusal: 'LimitExceeded.PhoneNumberDailyLimit', window: [4, 6] },
  { name: 'aliyun', settings: ALIYUN_SMS, gateway: (h) => h.providers.aliyunSms, refusal: 'isv.BUSINESS_LIMIT_CONTROL', window: [14, 16] },
  { name: 'yuntongxun', settings: YUNTONGXUN_SMS, gateway: (h) => h.providers.yuntongxun, refusal: '160038', window: [23 * 60, 25 * 60] },
];

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every console line during the test, objects as JSON. */

async function activeCode(h: H, mobile: string): Promise<boolean> {
  const row = await h.db.prepare('SELECT code_hash FROM sms_codes WHERE mobile = ?').bind(mobile).first<{ code_hash: string | null }>();
  return (row?.code_hash ?? null) !== null;
}

describe.each(PROVIDERS)('SMS_PROVIDER=$name', ({ settings, gateway: gatewayOf, refusal, window }) => {
  const h = harness({ settings });
  const gateway = gatewayOf(h);
  const send = (mobile: string, on: H = h) => on.call('POST', '/sms/codes', { json: { mobile } });

  afterEach(() => {
    gateway.reset();
  });

  it('sends a code through the gateway, and the delivered code binds an account', async () => {
    const mobile = freshMobile();
    const answer = await send(mobile);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ expires_in: 300, resend_after: 60 });
    expect(gateway.outbox.sent.filter((m) => m.mobile === mobile)).toHaveLength(1);
    const code = gateway.outbox.codeFor(mobile);
    expect(code).toMatch(/^\d{6}$/);
    const ticket = await h.bindTicketFor(h.qq.addUser({ nickname: '短信用户' }).openid);
    const bound = await h.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile, sms_code: code, password: 'password123' } });
    expect(bound.status).toBe(201);
    expect(bound.body).toMatchObject({ status: 'logged_in', created: true, user: { username: mobile } });
  });

  it.each<FakeMode>(['refuse', 'fail', 'garbage'])('answers 502 when the gateway is in mode %s, with no code left and a free immediate retry', async (mode) => {
    captureConsole().lines;
    const mobile = freshMobile();
    gateway.mode = mode;
    const answer = await send(mobile);
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual(SMS_SEND_FAILED);
    expect(await activeCode(h, mobile)).toBe(false);
    gateway.mode = 'normal';
    expect((await send(mobile)).status).toBe(202);
    expect(gateway.outbox.sent.filter((m) => m.mobile === mobile)).toHaveLength(1);
  });

  it('answers 502 when the gateway hangs past the timeout, and keeps the code and the resend window', async () => {
    captureConsole().lines;
    const mobile = freshMobile();
    gateway.mode = 'hang';
    const answer = await send(mobile);
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual(SMS_SEND_FAILED);
    expect(await activeCode(h, mobile)).toBe(true);
    gateway.mode = 'normal';
    const retry = await send(mobile);
    expect(retry.status).toBe(429);
    expect(retry.body).toEqual(SMS_TOO_FREQUENT);
    expect(gateway.outbox.sent.filter((m) => m.mobile === mobile)).toHaveLength(0);
  });

  it("logs the gateway's own refusal, and never a key, the code or the full mobile", async () => {
    const lines = captureConsole().lines;
    const mobile = freshMobile();
    const other = freshMobile();
    expect((await send(mobile)).status).toBe(202);
    gateway.mode = 'refuse';
    expect((await send(other)).status).toBe(502);
    gateway.mode = 'hang';
    expect((await send(freshMobile())).status).toBe(502);
    gateway.mode = 'normal';
    expect((await send(other)).status).toBe(202);

    expect(lines.some((line) => line.includes(refusal))).toBe(true);
    expect(lines.some((line) => /did not answer/.test(line))).toBe(true);
    const codes = gateway.outbox.sent.map((m) => m.code);
    expect(codes).toHaveLength(2);
    for (const line of lines) {
      for (const secret of [...PROVIDER_SECRETS, ...codes, mobile, other]) expect(line).not.toContain(secret);
    }
  });

  it('goes through while the worker clock is within the gateway window, and is refused (502, free retry) outside it', async () => {
    const lines = captureConsole().lines;
    const [inside, outside] = window;
    const near = harness({ settings, deps: { now: () => Date.now() - inside * 60_000 } });
    const mobile = freshMobile();
    expect((await send(mobile, near)).status).toBe(202);
    expect(gatewayOf(near).outbox.codeFor(mobile)).toMatch(/^\d{6}$/);

    const far = harness({ settings, deps: { now: () => Date.now() - outside * 60_000 } });
    const late = freshMobile();
    expect((await send(late, far)).status).toBe(502);
    expect(gatewayOf(far).outbox.sent).toHaveLength(0);
    expect(lines.some((line) => /expired|过期/i.test(line))).toBe(true);
    expect(await activeCode(far, late)).toBe(false);
  });
});

describe('SMS_PROVIDER=tencent: the template parameters', () => {
  it('fills {1} with the code and {2} with the minutes, rounded up, by default', async () => {
    const h = harness({ settings: { ...TENCENT_SMS, SMS_CODE_TTL_SECONDS: '61' } });
    const mobile = freshMobile();
    expect((await h.call('POST', '/sms/codes', { json: { mobile } })).status).toBe(202);
    const [message] = h.providers.tencentSms.outbox.sent;
    expect(message?.params).toEqual([message?.code, '2']);
  });

  it('sends the code alone when TENCENT_SMS_TEMPLATE_PARAMS=code (the gateway refuses a count its template does not have)', async () => {
    captureConsole().lines;
    const settings = { ...TENCENT_SMS, TENCENT_SMS_TEMPLATE_PARAMS: 'code' };
    const h = harness({ settings, providers: { tencentSms: { templateParams: 1 } } });
    const mobile = freshMobile();
    expect((await h.call('POST', '/sms/codes', { json: { mobile } })).status).toBe(202);
    expect(h.providers.tencentSms.outbox.sent[0]?.params).toHaveLength(1);

    const mismatch = harness({ settings });
    expect((await mismatch.call('POST', '/sms/codes', { json: { mobile: freshMobile() } })).status).toBe(502);
  });

  it('sends X-TC-Region from TENCENT_SMS_REGION: a region SendSms does not serve is refused', async () => {
    const lines = captureConsole().lines;
    const beijing = harness({ settings: { ...TENCENT_SMS, TENCENT_SMS_REGION: 'ap-beijing' } });
    expect((await beijing.call('POST', '/sms/codes', { json: { mobile: freshMobile() } })).status).toBe(202);
    const elsewhere = harness({ settings: { ...TENCENT_SMS, TENCENT_SMS_REGION: 'eu-frankfurt' } });
    expect((await elsewhere.call('POST', '/sms/codes', { json: { mobile: freshMobile() } })).status).toBe(502);
    expect(lines.some((line) => line.includes('UnsupportedRegion'))).toBe(true);
  });
});

describe('SMS_PROVIDER=yuntongxun: datas', () => {
  it('is [code, minutes]', async () => {
    const h = harness({ settings: YUNTONGXUN_SMS });
    const mobile = freshMobile();
    expect((await h.call('POST', '/sms/codes', { json: { mobile } })).status).toBe(202);
    const [message] = h.providers.yuntongxun.outbox.sent;
    expect(message?.params).toEqual([message?.code, '5']);
  });
});

describe('SMS_PROVIDER=aliyun: the signature nonce', () => {
  it('is fresh for every request (the gateway refuses one it has seen)', async () => {
    const h = harness({ settings: { ...ALIYUN_SMS, SMS_RESEND_SECONDS: '0' } });
    const nonces: string[] = [];
    const fetch = h.providers.aliyunSms.fetch;
    vi.spyOn(h.providers.aliyunSms, 'fetch').mockImplementation((input, init) => {
      nonces.push(new Headers(init?.headers).get('x-acs-signature-nonce') ?? '');
      return fetch(input, init);
    });
    const mobile = freshMobile();
    for (let i = 0; i < 3; i++) expect((await h.call('POST', '/sms/codes', { json: { mobile } })).status).toBe(202);
    expect(new Set(nonces).size).toBe(3);
    expect(h.providers.aliyunSms.outbox.sent).toHaveLength(3);
  });
});
