/**
 * SMS pumping and bombing: the sending limits of POST /sms/codes (per mobile per day,
 * per client address per hour with IPv6 per /64, all mobiles per hour), sequential and
 * concurrent, what a refusal writes, what provider failures give back, and the wrong-guess
 * limit per mobile across codes. Windows are crossed with the injected clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addAccount, expectedError, freshMobile, harness } from './harness';

const HOUR = 3600;
const DAY = 24 * HOUR;

let clock = Date.UTC(2032, 0, 1);

afterEach(() => {
  vi.restoreAllMocks();
});

/** A worker on a stretch of the clock clear of every earlier test's windows; no resend window unless asked. */
function setup(settings: Record<string, string> = {}) {
  clock += 7 * DAY * 1000;
  return harness({ settings: { SMS_RESEND_SECONDS: '0', ...settings }, deps: { now: () => clock } });
}
type H = ReturnType<typeof setup>;

function send(h: H, mobile: string, ip?: string) {
  return h.call('POST', '/sms/codes', { json: { mobile }, headers: ip === undefined ? {} : { 'cf-connecting-ip': ip } });
}

function sentTo(h: H, mobile: string): number {
  return h.sms.sent.filter((m) => m.mobile === mobile).length;
}

function statuses(answers: readonly { status: number }[]): number[] {
  return answers.map((a) => a.status).sort();
}

/** Everything the sending and guessing rules keep in D1. */
async function storage(h: H) {
  const counters = await h.db.prepare('SELECT key, count, window_ends_at FROM counters ORDER BY key').all();
  const codes = await h.db.prepare('SELECT * FROM sms_codes ORDER BY mobile').all();
  return { counters: counters.results, codes: codes.results };
}

/** The counts that stand now (a count given back to zero stands for nothing). */
async function standing(h: H) {
  const now = Math.floor(clock / 1000);
  return (await h.db.prepare('SELECT key, count FROM counters WHERE count > 0 AND window_ends_at > ? ORDER BY key').bind(now).all()).results;
}

function expectTooFrequent(answer: { status: number; body: unknown; headers: Headers }, retryAfter: number): void {
  expect(answer.status).toBe(429);
  expect(answer.body).toEqual(expectedError('sms_too_frequent'));
  expect(Number(answer.headers.get('retry-after'))).toBe(retryAfter);
}

describe('POST /sms/codes sending limits', () => {
  it('sends SMS_DAILY_LIMIT codes to a mobile per day, then answers 429 sms_too_frequent until the window ends', async () => {
    const h = setup({ SMS_DAILY_LIMIT: '3' });
    const mobile = freshMobile();
    for (let i = 0; i < 3; i++) expect((await send(h, mobile)).status).toBe(202);
    clock += HOUR * 1000;
    expectTooFrequent(await send(h, mobile), DAY - HOUR);
    expect(sentTo(h, mobile)).toBe(3);
    expect((await send(h, freshMobile())).status).toBe(202);
    clock += (DAY - HOUR - 1) * 1000;
    expectTooFrequent(await send(h, mobile), 1);
    clock += 1000;
    expect((await send(h, mobile)).status).toBe(202);
    expect(sentTo(h, mobile)).toBe(4);
  });

  it('sends exactly 3 SMS when ten requests for one mobile arrive at once against a daily limit of 3', async () => {
    const h = setup({ SMS_DAILY_LIMIT: '3' });
    const mobile = freshMobile();
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(h, mobile)));
    expect(statuses(answers)).toEqual([202, 202, 202, ...Array<number>(7).fill(429)]);
    expect(sentTo(h, mobile)).toBe(3);
  });

  it('sends SMS_CLIENT_HOURLY_LIMIT codes per client address per hour, whatever the mobiles', async () => {
    const h = setup({ SMS_CLIENT_HOURLY_LIMIT: '2' });
    const [a, b, c] = [freshMobile(), freshMobile(), freshMobile()];
    expect((await send(h, a, '203.0.113.7')).status).toBe(202);
    expect((await send(h, b, '203.0.113.7')).status).toBe(202);
    clock += 600_000;
    expectTooFrequent(await send(h, c, '203.0.113.7'), HOUR - 600);
    expect(sentTo(h, c)).toBe(0);
    // Another client is not held back, nor is the mobile.
    expect((await send(h, c, '203.0.113.8')).status).toBe(202);
    clock += (HOUR - 600) * 1000;
    expect((await send(h, freshMobile(), '203.0.113.7')).status).toBe(202);
  });

  it('sends exactly 3 SMS when one client asks for ten mobiles at once against a client limit of 3', async () => {
    const h = setup({ SMS_CLIENT_HOURLY_LIMIT: '3' });
    const mobiles = Array.from({ length: 10 }, () => freshMobile());
    const answers = await Promise.all(mobiles.map((mobile) => send(h, mobile, '203.0.113.50')));
    expect(statuses(answers)).toEqual([202, 202, 202, ...Array<number>(7).fill(429)]);
    expect(mobiles.reduce((n, m) => n + sentTo(h, m), 0)).toBe(3);
  });

  it('counts IPv6 clients per /64: addresses of one /64 share a limit, the next /64 has its own', async () => {
    const h = setup({ SMS_CLIENT_HOURLY_LIMIT: '2' });
    expect((await send(h, freshMobile(), '2001:db8:abcd:12::1')).status).toBe(202);
    expect((await send(h, freshMobile(), '2001:db8:abcd:12:ffff:ffff:ffff:fffe')).status).toBe(202);
    const third = freshMobile();
    expectTooFrequent(await send(h, third, '2001:0db8:abcd:0012:1234:5678:9abc:def0'), HOUR);
    expect(sentTo(h, third)).toBe(0);
    expect((await send(h, third, '2001:db8:abcd:13::1')).status).toBe(202);
  });

  it('sends SMS_GLOBAL_HOURLY_LIMIT codes per hour to all mobiles together, from any clients', async () => {
    const h = setup({ SMS_GLOBAL_HOURLY_LIMIT: '3' });
    for (let i = 1; i <= 3; i++) expect((await send(h, freshMobile(), `192.0.2.${i}`)).status).toBe(202);
    const late = freshMobile();
    expectTooFrequent(await send(h, late, '192.0.2.99'), HOUR);
    expect(sentTo(h, late)).toBe(0);
    clock += HOUR * 1000;
    expect((await send(h, late, '192.0.2.99')).status).toBe(202);
  });

  it('sends exactly 3 SMS when ten clients ask for ten mobiles at once against a global limit of 3', async () => {
    const h = setup({ SMS_GLOBAL_HOURLY_LIMIT: '3' });
    const mobiles = Array.from({ length: 10 }, () => freshMobile());
    const answers = await Promise.all(mobiles.map((mobile, i) => send(h, mobile, `2001:db8:${i}::1`)));
    expect(statuses(answers)).toEqual([202, 202, 202, ...Array<number>(7).fill(429)]);
    expect(mobiles.reduce((n, m) => n + sentTo(h, m), 0)).toBe(3);
  });

  it('decides a send, limits and resend window included, in one D1 round trip; a refusal writes nothing', async () => {
    const h = setup({ SMS_DAILY_LIMIT: '1' });
    const mobile = freshMobile();
    const sent = await h.measure(() => send(h, mobile, '198.51.100.1'));
    expect(sent.result.status).toBe(202);
    expect(sent.counts.d1).toBe(1);
    // The code and the three counters, with their indexes (12 rows when all are new).
    expect(sent.counts.d1BatchRowsWritten).toBeGreaterThanOrEqual(4);
    const before = await storage(h);
    const refused = await h.measure(() => send(h, mobile, '198.51.100.1'));
    expect(refused.result.status).toBe(429);
    expect(refused.counts.d1).toBe(1);
    expect(refused.counts.d1BatchRowsWritten).toBe(0);
    expect(await storage(h)).toEqual(before);
    expect(sentTo(h, mobile)).toBe(1);
  });

  it('gives Retry-After for whichever ends last, the resend window or a limit', async () => {
    const h = setup({ SMS_RESEND_SECONDS: '60', SMS_DAILY_LIMIT: '1' });
    const mobile = freshMobile();
    expect((await send(h, mobile)).status).toBe(202);
    expectTooFrequent(await send(h, mobile), DAY);
    const other = setup({ SMS_RESEND_SECONDS: '60', SMS_DAILY_LIMIT: '2' });
    expect((await send(other, mobile)).status).toBe(202);
    expectTooFrequent(await send(other, mobile), 60);
  });

  it('gives every count back when the provider refuses the message, so the retry goes out', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const h = setup({ SMS_DAILY_LIMIT: '1', SMS_CLIENT_HOURLY_LIMIT: '1', SMS_GLOBAL_HOURLY_LIMIT: '1' });
    const mobile = freshMobile();
    h.sms.mode = 'fail';
    const failed = await send(h, mobile, '198.51.100.2');
    expect(failed.status).toBe(502);
    expect(failed.body).toEqual(expectedError('sms_send_failed'));
    expect(await standing(h)).toEqual([]);
    h.sms.mode = 'ok';
    expect((await send(h, mobile, '198.51.100.2')).status).toBe(202);
    expect(await standing(h)).toHaveLength(3);
    expectTooFrequent(await send(h, freshMobile(), '198.51.100.3'), HOUR);
  });

  it('keeps the counts when the provider does not answer: the message may have gone out', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const h = setup({ SMS_DAILY_LIMIT: '1' });
    const mobile = freshMobile();
    h.sms.mode = 'hang';
    expect((await send(h, mobile)).status).toBe(502);
    h.sms.mode = 'ok';
    expectTooFrequent(await send(h, mobile), DAY);
    expect(sentTo(h, mobile)).toBe(0);
  });
});

describe('wrong SMS code guesses per mobile per day (SMS_DAILY_GUESS_LIMIT)', () => {
  function bind(h: H, ticket: string, mobile: string, code: string, password = 'password123') {
    return h.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile, sms_code: code, password } });
  }
  const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const newTicket = (h: H) => h.bindTicketFor(h.qq.addUser({ nickname: '猜码测试' }).openid);

  function expectLocked(answer: { status: number; body: unknown; headers: Headers }, retryAfter: number): void {
    expect(answer.status).toBe(429);
    expect(answer.body).toEqual(expectedError('sms_code_locked'));
    expect(Number(answer.headers.get('retry-after'))).toBe(retryAfter);
  }

  it('locks the mobile after the limit across codes: a fresh code, even guessed right, is locked until the day ends', async () => {
    const h = setup({ SMS_DAILY_GUESS_LIMIT: '3', SMS_MAX_ATTEMPTS: '5' });
    const mobile = freshMobile();
    const ticket = await newTicket(h);
    const first = await h.smsCode(mobile);
    for (let i = 0; i < 2; i++) expect((await bind(h, ticket, mobile, wrong(first))).body).toEqual(expectedError('invalid_sms_code'));
    clock += HOUR * 1000;
    const second = await h.smsCode(mobile);
    expect((await bind(h, ticket, mobile, wrong(second))).body).toEqual(expectedError('invalid_sms_code'));
    // The window started with the first wrong guess, an hour ago.
    expectLocked(await bind(h, ticket, mobile, second), DAY - HOUR);
    const third = await h.smsCode(mobile);
    expectLocked(await bind(h, ticket, mobile, third), DAY - HOUR);
    // With no code active at all (it expired), a guess is locked just the same.
    clock += 600_000;
    expectLocked(await bind(h, ticket, mobile, third), DAY - HOUR - 600);
    clock += (DAY - HOUR - 600) * 1000;
    const fourth = await h.smsCode(mobile);
    expect((await bind(h, ticket, mobile, fourth)).status).toBe(201);
  });

  it('counts exactly the limit when ten wrong guesses arrive at once; the rest are locked', async () => {
    const h = setup({ SMS_DAILY_GUESS_LIMIT: '3', SMS_MAX_ATTEMPTS: '100' });
    const mobile = freshMobile();
    const ticket = await newTicket(h);
    const code = await h.smsCode(mobile);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => bind(h, ticket, mobile, String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'))));
    expect(answers.filter((a) => a.status === 400)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(7);
    expectLocked(await bind(h, ticket, mobile, code), DAY);
  });

  it('does not count a right guess: only wrong ones use up the day', async () => {
    const h = setup({ SMS_DAILY_GUESS_LIMIT: '3', SMS_MAX_ATTEMPTS: '5' });
    const mobile = freshMobile();
    await addAccount({ username: `u${mobile}`, password: 'the owner 123', mobile });
    const ticket = await newTicket(h);
    const code = await h.smsCode(mobile);
    for (let i = 0; i < 2; i++) expect((await bind(h, ticket, mobile, wrong(code))).status).toBe(400);
    // The right code with a wrong password: the code checks out and stays active.
    expect((await bind(h, ticket, mobile, code, 'not the password')).body).toEqual(expectedError('invalid_credentials'));
    expect((await bind(h, ticket, mobile, wrong(code))).body).toEqual(expectedError('invalid_sms_code'));
    expectLocked(await bind(h, ticket, mobile, code, 'the owner 123'), DAY);
  });

  it('keeps the limit per mobile: another mobile guesses on', async () => {
    const h = setup({ SMS_DAILY_GUESS_LIMIT: '1' });
    const [locked, other] = [freshMobile(), freshMobile()];
    const ticket = await newTicket(h);
    const lockedCode = await h.smsCode(locked);
    expect((await bind(h, ticket, locked, wrong(lockedCode))).status).toBe(400);
    expectLocked(await bind(h, ticket, locked, lockedCode), DAY);
    const otherCode = await h.smsCode(other);
    expect((await bind(h, ticket, other, otherCode)).status).toBe(201);
  });
});
