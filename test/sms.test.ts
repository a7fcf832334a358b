/**
 * SMS codes: POST /sms/codes (sending, resend window, provider failures) and the code
 * rules as POST /oauth/qq/bind applies them (hashing, expiry, single use, guess limit).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshMobile, harness, expectedError } from './harness';

type H = ReturnType<typeof harness>;

const h = harness();

afterEach(() => {
  h.sms.mode = 'ok';
  vi.restoreAllMocks();
});

const error = (code: string, message: string) => ({ error: { code, message } });
const INVALID_SMS_CODE = error('invalid_sms_code', '短信验证码错误');
const SMS_CODE_LOCKED = error('sms_code_locked', '验证码错误次数过多，请重新获取');
const SMS_TOO_FREQUENT = error('sms_too_frequent', '短信发送过于频繁，请稍后再试');
const SMS_SEND_FAILED = error('sms_send_failed', '短信发送失败，请稍后重试');

function send(mobile: string, on: H = h) {
  return on.call('POST', '/sms/codes', { json: { mobile } });
}

/** Another 6-digit code than `code`. */
function wrong(code: string, offset = 1): string {
  return String((Number(code) + offset) % 1_000_000).padStart(6, '0');
}

async function ticket(on: H = h): Promise<string> {
  return on.bindTicketFor(on.qq.addUser({ nickname: '短信测试' }).openid);
}

function bind(bindTicket: string, mobile: string, smsCode: string, on: H = h) {
  return on.call('POST', '/oauth/qq/bind', { json: { bind_ticket: bindTicket, mobile, sms_code: smsCode, password: 'password123' } });
}

async function activeCodeHash(mobile: string): Promise<string | null> {
  const row = await h.db.prepare('SELECT code_hash FROM sms_codes WHERE mobile = ?').bind(mobile).first<{ code_hash: string | null }>();
  return row?.code_hash ?? null;
}

describe('POST /sms/codes', () => {
  it('answers 202 with expires_in and resend_after', async () => {
    const answer = await send(freshMobile());
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ expires_in: 300, resend_after: 60 });
  });

  it('posts exactly {mobile, code, ttl} to the webhook with a valid signature and a 6-digit code', async () => {
    const bodies: string[] = [];
    const receive = h.sms.receive.bind(h.sms);
    vi.spyOn(h.sms, 'receive').mockImplementation(async (request) => {
      bodies.push(await request.clone().text());
      return receive(request);
    });
    const mobile = freshMobile();
    expect((await send(mobile)).status).toBe(202);
    // The outbox only records messages whose X-Signature is right.
    const sent = h.sms.sent.filter((m) => m.mobile === mobile);
    expect(sent).toHaveLength(1);
    const code = sent[0]?.code ?? '';
    expect(code).toMatch(/^\d{6}$/);
    expect(bodies).toEqual([JSON.stringify({ mobile, code, ttl: 300 })]);
  });

  it('normalises +86, spaces and dashes before sending', async () => {
    const answer = await send('+86 138-0013-8000');
    expect(answer.status).toBe(202);
    expect(h.sms.sent.at(-1)?.mobile).toBe('13800138000');
  });

  it('counts the resend window on the normalised mobile', async () => {
    const mobile = freshMobile();
    expect((await send(mobile)).status).toBe(202);
    const again = await send(`86${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`);
    expect(again.status).toBe(429);
    expect(again.body).toEqual(SMS_TOO_FREQUENT);
  });

  it.each(['12345', '12800138000', '1380013800a', '138001380001', '+1 13800138000', ''])(
    'refuses the mobile %j with invalid_request naming mobile',
    async (mobile) => {
      const answer = await send(mobile);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(expectedError('invalid_request', 'zh', { mobile: mobile === '' ? 'required' : 'mobile' }));
    },
  );

  it('refuses a missing mobile with invalid_request', async () => {
    const answer = await h.call('POST', '/sms/codes', { json: {} });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_request', 'zh', { mobile: 'required' }));
  });

  it('answers 429 sms_too_frequent with Retry-After inside the resend window', async () => {
    const mobile = freshMobile();
    expect((await send(mobile)).status).toBe(202);
    const again = await send(mobile);
    expect(again.status).toBe(429);
    expect(again.body).toEqual(SMS_TOO_FREQUENT);
    const retryAfter = Number(again.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(58);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(h.sms.sent.filter((m) => m.mobile === mobile)).toHaveLength(1);
  });

  it('sends one SMS when ten requests for one mobile arrive at once', async () => {
    const mobile = freshMobile();
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(mobile)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    const refused = answers.filter((a) => a.status !== 202);
    expect(refused).toHaveLength(9);
    for (const a of refused) {
      expect(a.status).toBe(429);
      expect(a.body).toEqual(SMS_TOO_FREQUENT);
    }
    expect(h.sms.sent.filter((m) => m.mobile === mobile)).toHaveLength(1);
  });

  it('answers 502 sms_send_failed when the provider fails, leaving no active code', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const mobile = freshMobile();
    h.sms.mode = 'fail';
    const answer = await send(mobile);
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual(SMS_SEND_FAILED);
    expect(await activeCodeHash(mobile)).toBeNull();
  });

  it('spends no resend window on a failed send: an immediate retry goes out', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const mobile = freshMobile();
    h.sms.mode = 'fail';
    expect((await send(mobile)).status).toBe(502);
    h.sms.mode = 'ok';
    const retry = await send(mobile);
    expect(retry.status).toBe(202);
    expect(h.sms.sent.filter((m) => m.mobile === mobile)).toHaveLength(1);
  });

  it('lets a failed resend (after an earlier code) be retried at once, and the retried code works', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    let now = Date.now();
    const quick = harness({ settings: { SMS_RESEND_SECONDS: '1' }, deps: { now: () => now } });
    const mobile = freshMobile();
    expect((await send(mobile, quick)).status).toBe(202);
    now += 1000;
    quick.sms.mode = 'fail';
    expect((await send(mobile, quick)).status).toBe(502);
    quick.sms.mode = 'ok';
    const retry = await send(mobile, quick);
    expect(retry.status).toBe(202);
    const code = quick.sms.codeFor(mobile);
    expect((await bind(await ticket(quick), mobile, code, quick)).status).toBe(201);
  });

  it('answers 502 when the provider hangs past the timeout, keeps the code (it may still arrive) and the resend window', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const mobile = freshMobile();
    h.sms.mode = 'hang';
    const answer = await send(mobile);
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual(SMS_SEND_FAILED);
    expect(await activeCodeHash(mobile)).not.toBeNull();
    h.sms.mode = 'ok';
    const retry = await send(mobile);
    expect(retry.status).toBe(429);
    expect(retry.body).toEqual(SMS_TOO_FREQUENT);
    expect(h.sms.sent.filter((m) => m.mobile === mobile)).toHaveLength(0);
  });

  it('stores the code hashed, never as sent', async () => {
    const mobile = freshMobile();
    await send(mobile);
    const code = h.sms.codeFor(mobile);
    const row = await h.db.prepare('SELECT * FROM sms_codes WHERE mobile = ?').bind(mobile).first<Record<string, unknown>>();
    expect(row).not.toBeNull();
    const hash = row?.code_hash;
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const value of Object.values(row ?? {})) expect(String(value)).not.toBe(code);
  });
});

describe('SMS codes in POST /oauth/qq/bind', () => {
  it('accepts the code that was sent', async () => {
    const mobile = freshMobile();
    const code = await h.smsCode(mobile);
    const answer = await bind(await ticket(), mobile, code);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 'logged_in', created: true, user: { username: mobile } });
  });

  it('answers invalid_sms_code, not a 500, when no code was ever sent', async () => {
    const answer = await bind(await ticket(), freshMobile(), '123456');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(INVALID_SMS_CODE);
  });

  it('answers invalid_sms_code for a wrong code', async () => {
    const mobile = freshMobile();
    const code = await h.smsCode(mobile);
    const answer = await bind(await ticket(), mobile, wrong(code));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(INVALID_SMS_CODE);
  });

  it('does not take a code sent to mobile A for mobile B', async () => {
    const a = freshMobile();
    const b = freshMobile();
    const code = await h.smsCode(a);
    const t = await ticket();
    const answer = await bind(t, b, code);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(INVALID_SMS_CODE);
    // Still good for A.
    expect((await bind(t, a, code)).status).toBe(201);
  });

  it('consumes the code on success: a second bind with it is refused', async () => {
    const mobile = freshMobile();
    const code = await h.smsCode(mobile);
    expect((await bind(await ticket(), mobile, code)).status).toBe(201);
    const second = await bind(await ticket(), mobile, code);
    expect(second.status).toBe(400);
    expect(second.body).toEqual(INVALID_SMS_CODE);
    expect(await activeCodeHash(mobile)).toBeNull();
  });

  it('replaces the previous code with a new one', async () => {
    let now = Date.now();
    const quick = harness({ settings: { SMS_RESEND_SECONDS: '1' }, deps: { now: () => now } });
    const mobile = freshMobile();
    expect((await send(mobile, quick)).status).toBe(202);
    const first = quick.sms.codeFor(mobile);
    now += 1000;
    expect((await send(mobile, quick)).status).toBe(202);
    const second = quick.sms.codeFor(mobile);
    const t = await ticket(quick);
    if (first !== second) expect((await bind(t, mobile, first, quick)).body).toEqual(INVALID_SMS_CODE);
    expect((await bind(t, mobile, second, quick)).status).toBe(201);
  });

  it('accepts the right code after SMS_MAX_ATTEMPTS - 1 wrong guesses', async () => {
    const mobile = freshMobile();
    const code = await h.smsCode(mobile);
    const t = await ticket();
    for (let i = 1; i <= 4; i++) expect((await bind(t, mobile, wrong(code, i))).body).toEqual(INVALID_SMS_CODE);
    expect((await bind(t, mobile, code)).status).toBe(201);
  });

  it('locks the code after SMS_MAX_ATTEMPTS wrong guesses, the right code included', async () => {
    const mobile = freshMobile();
    const code = await h.smsCode(mobile);
    const t = await ticket();
    for (let i = 1; i <= 5; i++) expect((await bind(t, mobile, wrong(code, i))).body).toEqual(INVALID_SMS_CODE);
    const sixth = await bind(t, mobile, wrong(code, 6));
    expect(sixth.status).toBe(429);
    expect(sixth.body).toEqual(SMS_CODE_LOCKED);
    const right = await bind(t, mobile, code);
    expect(right.status).toBe(429);
    expect(right.body).toEqual(SMS_CODE_LOCKED);
  });

  it('counts concurrent wrong guesses atomically, and a new code unlocks', async () => {
    let now = Date.now();
    const quick = harness({ settings: { SMS_RESEND_SECONDS: '1', SMS_MAX_ATTEMPTS: '5' }, deps: { now: () => now } });
    const mobile = freshMobile();
    expect((await send(mobile, quick)).status).toBe(202);
    const code = quick.sms.codeFor(mobile);
    const tickets = await Promise.all(Array.from({ length: 12 }, () => ticket(quick)));

    const guesses = await Promise.all(tickets.map((t, i) => bind(t, mobile, wrong(code, i + 1), quick)));
    const invalid = guesses.filter((g) => g.status === 400);
    const locked = guesses.filter((g) => g.status === 429);
    expect(invalid.length).toBeLessThanOrEqual(5);
    expect(locked.length).toBe(12 - invalid.length);
    for (const g of invalid) expect(g.body).toEqual(INVALID_SMS_CODE);
    for (const g of locked) expect(g.body).toEqual(SMS_CODE_LOCKED);

    const right = await bind(tickets[0] ?? '', mobile, code, quick);
    expect(right.status).toBe(429);
    expect(right.body).toEqual(SMS_CODE_LOCKED);

    now += 1000;
    expect((await send(mobile, quick)).status).toBe(202);
    const fresh = quick.sms.codeFor(mobile);
    const bound = await bind(tickets[1] ?? '', mobile, fresh, quick);
    expect(bound.status).toBe(201);
  });

  it('refuses a code after its TTL', async () => {
    let t = Date.now();
    const clock = harness({ deps: { now: () => t } });
    const mobile = freshMobile();
    expect((await send(mobile, clock)).status).toBe(202);
    const code = clock.sms.codeFor(mobile);
    const bindTicket = await ticket(clock);
    t += 300_000;
    const answer = await bind(bindTicket, mobile, code, clock);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(INVALID_SMS_CODE);
  });

  it('accepts a code just before its TTL', async () => {
    let t = Date.now();
    const clock = harness({ deps: { now: () => t } });
    const mobile = freshMobile();
    expect((await send(mobile, clock)).status).toBe(202);
    const code = clock.sms.codeFor(mobile);
    const bindTicket = await ticket(clock);
    t += 298_000;
    expect((await bind(bindTicket, mobile, code, clock)).status).toBe(201);
  });
});
