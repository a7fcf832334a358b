/**
 * The captcha in front of POST /sms/codes (CAPTCHA_PROVIDER=turnstile against the fake
 * Turnstile): missing, wrong, reused and expired tokens, the service down, slow or
 * garbled, and the order of checks (body shape, captcha, limits, provider), with the D1
 * round trips and SMS each refusal costs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CAPTCHA_AFTER } from '../src/auth/throttle';
import { addAccount, expectedError, freshMobile, harness } from './harness';
import { TENCENT_CAPTCHA } from './providers';
import { TURNSTILE_ON } from './settings';

const TURNSTILE = TURNSTILE_ON;
const IP = '198.51.100.23';

let clock = Date.UTC(2031, 0, 1);
const h = harness({ settings: TURNSTILE, deps: { now: () => clock } });

afterEach(() => {
  h.turnstile.setMode('normal');
  vi.restoreAllMocks();
});

function send(body: Record<string, unknown>, on = h) {
  return on.call('POST', '/sms/codes', { json: body, headers: { 'cf-connecting-ip': IP } });
}

function sentTo(mobile: string, on = h): number {
  return on.sms.sent.filter((m) => m.mobile === mobile).length;
}

/** Sends with `body`, counting D1 round trips, SMS and siteverify calls. */
async function measured(body: Record<string, unknown>, on = h) {
  const calls = on.turnstile.calls.length;
  const sms = on.sms.sent.length;
  const { result, counts } = await on.measure(() => send(body, on));
  return { answer: result, d1: counts.d1, siteverify: on.turnstile.calls.length - calls, sms: on.sms.sent.length - sms };
}

describe('POST /sms/codes with CAPTCHA_PROVIDER=turnstile', () => {
  it('sends once siteverify accepts the token, passing the secret, the token and the client address', async () => {
    const mobile = freshMobile();
    const token = h.turnstile.issueToken();
    const { answer, siteverify, sms, d1 } = await measured({ mobile, captcha_token: token });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ expires_in: 300, resend_after: 60 });
    expect({ siteverify, sms, d1 }).toEqual({ siteverify: 1, sms: 1, d1: 1 });
    expect(h.turnstile.calls.at(-1)).toEqual({ response: token, remoteip: IP, secretOk: true });
  });

  it.each([
    ['no captcha_token', {}],
    ['an empty captcha_token', { captcha_token: '' }],
  ])('answers %s with 400 invalid_captcha, asking nobody and writing nothing', async (_, extra) => {
    const mobile = freshMobile();
    const { answer, siteverify, sms, d1 } = await measured({ mobile, ...extra });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_captcha'));
    expect({ siteverify, sms, d1 }).toEqual({ siteverify: 0, sms: 0, d1: 0 });
  });

  it('answers a token siteverify does not know with 400 invalid_captcha: no SMS, no D1', async () => {
    const mobile = freshMobile();
    const { answer, siteverify, sms, d1 } = await measured({ mobile, captcha_token: `0.${'x'.repeat(200)}` });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_captcha'));
    expect({ siteverify, sms, d1 }).toEqual({ siteverify: 1, sms: 0, d1: 0 });
  });

  it('accepts a token once: the same token again, even for another mobile, is 400 invalid_captcha', async () => {
    const token = h.turnstile.issueToken();
    const first = freshMobile();
    expect((await send({ mobile: first, captcha_token: token })).status).toBe(202);
    const second = freshMobile();
    const again = await measured({ mobile: second, captcha_token: token });
    expect(again.answer.status).toBe(400);
    expect(again.answer.body).toEqual(expectedError('invalid_captcha'));
    expect({ sms: again.sms, d1: again.d1 }).toEqual({ sms: 0, d1: 0 });
    expect(sentTo(second)).toBe(0);
  });

  it('refuses a token reused concurrently: of ten requests carrying it, one sends', async () => {
    const token = h.turnstile.issueToken();
    const mobiles = Array.from({ length: 10 }, () => freshMobile());
    const answers = await Promise.all(mobiles.map((mobile) => send({ mobile, captcha_token: token })));
    expect(answers.map((a) => a.status).sort()).toEqual([202, ...Array<number>(9).fill(400)]);
    expect(mobiles.map((m) => sentTo(m)).reduce((a, b) => a + b)).toBe(1);
  });

  it('refuses a token older than five minutes (timeout-or-duplicate)', async () => {
    const token = h.turnstile.issueToken();
    clock += 301_000;
    const answer = await send({ mobile: freshMobile(), captcha_token: token });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_captcha'));
  });

  it.each(['down', 'garbage', 'hang', 'unreachable'] as const)(
    'answers 502 captcha_unavailable when siteverify is %s: no SMS, no D1, the failure logged without the token',
    async (mode) => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      h.turnstile.setMode(mode);
      const mobile = freshMobile();
      const token = h.turnstile.issueToken();
      const { answer, sms, d1 } = await measured({ mobile, captcha_token: token });
      expect(answer.status).toBe(502);
      expect(answer.body).toEqual(expectedError('captcha_unavailable'));
      expect({ sms, d1 }).toEqual({ sms: 0, d1: 0 });
      const logged = warn.mock.calls.map((args) => args.join(' ')).join('\n');
      expect(logged).toMatch(/captcha/);
      expect(logged).not.toContain(token);
      expect(logged).not.toContain(mobile);
    },
  );

  it('fails closed with 502 captcha_unavailable when the secret is wrong, naming siteverify error code in the log', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const wrongSecret = harness({ settings: { ...TURNSTILE, TURNSTILE_SECRET_KEY: 'not-the-secret' }, deps: { now: () => clock } });
    const token = wrongSecret.turnstile.issueToken();
    const { answer, sms, d1 } = await measured({ mobile: freshMobile(), captcha_token: token }, wrongSecret);
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual(expectedError('captcha_unavailable'));
    expect({ sms, d1 }).toEqual({ sms: 0, d1: 0 });
    expect(warn.mock.calls.flat().join(' ')).toContain('invalid-input-secret');
  });

  it('checks the body first: a bad mobile is invalid_request before any captcha is verified', async () => {
    const token = h.turnstile.issueToken();
    const { answer, siteverify } = await measured({ mobile: '12345', captcha_token: token });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_request', 'zh', { mobile: 'mobile' }));
    expect(siteverify).toBe(0);
    // The token was not spent by the refused request.
    expect((await send({ mobile: freshMobile(), captcha_token: token })).status).toBe(202);
  });

  it.each([
    ['a token over 4096 characters', { captcha_token: 'x'.repeat(4097) }, 'captcha_token'],
    ['a token that is not a string', { captcha_token: 12345 }, 'captcha_token'],
    ['a randstr over 128 characters', { captcha_token: 'x', captcha_randstr: 'r'.repeat(129) }, 'captcha_randstr'],
  ])('refuses %s with invalid_request naming the field', async (_, extra, field) => {
    const { answer, siteverify } = await measured({ mobile: freshMobile(), ...extra });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expectedError('invalid_request', 'zh', { [field]: 'invalid' }));
    expect(siteverify).toBe(0);
  });

  it('checks the captcha before the resend window: inside it, a missing captcha is invalid_captcha and a valid one is sms_too_frequent', async () => {
    const mobile = freshMobile();
    expect((await send({ mobile, captcha_token: h.turnstile.issueToken() })).status).toBe(202);
    const without = await send({ mobile });
    expect(without.status).toBe(400);
    expect(without.body).toEqual(expectedError('invalid_captcha'));
    const withToken = await send({ mobile, captcha_token: h.turnstile.issueToken() });
    expect(withToken.status).toBe(429);
    expect(withToken.body).toEqual(expectedError('sms_too_frequent'));
    expect(sentTo(mobile)).toBe(1);
  });

  it('answers the captcha errors in English when asked', async () => {
    const answer = await h.call('POST', '/sms/codes', { json: { mobile: freshMobile() }, headers: { 'accept-language': 'en' } });
    expect(answer.body).toEqual(expectedError('invalid_captcha', 'en'));
  });
});

describe('the password routes past the captcha threshold', () => {
  it('let the right password in with a verified token, and refuse a missing, reused or unverifiable one', async () => {
    const username = `captcha_${freshMobile()}`;
    await addAccount({ username, password: 'correct horse 1' });
    const login = (password: string, extra: Record<string, string> = {}, ip = `203.0.113.${Math.floor(Math.random() * 200) + 1}`) =>
      h.call('POST', '/users/login', { json: { username, password, ...extra }, headers: { 'cf-connecting-ip': ip } });
    for (let i = 0; i < CAPTCHA_AFTER; i++) expect((await login('wrong password', {}, `203.0.113.${i + 1}`)).status).toBe(401);
    expect((await login('correct horse 1')).body).toEqual(expectedError('invalid_captcha'));
    const token = h.turnstile.issueToken();
    const inside = await login('correct horse 1', { captcha_token: token });
    expect(inside.status).toBe(200);
    expect(inside.body).toMatchObject({ status: 'logged_in' });
    expect((await login('correct horse 1', { captcha_token: token })).body).toEqual(expectedError('invalid_captcha'));
    h.turnstile.setMode('down');
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect((await login('correct horse 1', { captcha_token: h.turnstile.issueToken() })).body).toEqual(expectedError('captcha_unavailable'));
  });
});

describe('other captcha settings', () => {
  it('asks for no captcha with CAPTCHA_PROVIDER=none, and ignores one that is sent', async () => {
    const none = harness({ deps: { now: () => clock } });
    expect((await none.call('POST', '/sms/codes', { json: { mobile: freshMobile() } })).status).toBe(202);
    const withToken = await none.call('POST', '/sms/codes', { json: { mobile: freshMobile(), captcha_token: 'anything' } });
    expect(withToken.status).toBe(202);
    expect(none.turnstile.calls).toHaveLength(0);
  });

  it('with Tencent Captcha, sends once DescribeCaptchaResult accepts the widget ticket and its randstr, and only once', async () => {
    const tencent = harness({ settings: TENCENT_CAPTCHA, deps: { now: () => clock }, providers: { tencentCaptcha: { now: () => clock } } });
    const { ticket, randstr } = tencent.tencentWidget.issueTicket();
    const first = await measured({ mobile: freshMobile(), captcha_token: ticket, captcha_randstr: randstr }, tencent);
    expect(first.answer.status).toBe(202);
    expect(first.sms).toBe(1);
    const again = await measured({ mobile: freshMobile(), captcha_token: ticket, captcha_randstr: randstr }, tencent);
    expect(again.answer.body).toEqual(expectedError('invalid_captcha'));
    expect({ d1: again.d1, sms: again.sms }).toEqual({ d1: 0, sms: 0 });
    expect(tencent.providers.tencentCaptcha.checks.map((c) => c.captchaCode)).toEqual([1, 9]);
  });

  it('with Tencent Captcha, refuses a wrong randstr, and a ticket without one before asking anyone', async () => {
    const tencent = harness({ settings: TENCENT_CAPTCHA, deps: { now: () => clock }, providers: { tencentCaptcha: { now: () => clock } } });
    const { ticket } = tencent.tencentWidget.issueTicket();
    const without = await measured({ mobile: freshMobile(), captcha_token: ticket }, tencent);
    expect(without.answer.body).toEqual(expectedError('invalid_captcha'));
    expect({ d1: without.d1, sms: without.sms }).toEqual({ d1: 0, sms: 0 });
    expect(tencent.providers.tencentCaptcha.checks).toHaveLength(0);
    const wrong = await measured({ mobile: freshMobile(), captcha_token: ticket, captcha_randstr: '@zzz' }, tencent);
    expect(wrong.answer.body).toEqual(expectedError('invalid_captcha'));
    expect(tencent.providers.tencentCaptcha.checks.map((c) => c.captchaCode)).toEqual([7]);
  });

  it('with Tencent Captcha failing, answers 502 captcha_unavailable and sends nothing', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const tencent = harness({ settings: TENCENT_CAPTCHA, deps: { now: () => clock }, providers: { tencentCaptcha: { now: () => clock } } });
    tencent.providers.tencentCaptcha.mode = 'fail';
    const { ticket, randstr } = tencent.tencentWidget.issueTicket();
    const { answer, d1, sms } = await measured({ mobile: freshMobile(), captcha_token: ticket, captcha_randstr: randstr }, tencent);
    expect(answer.body).toEqual(expectedError('captcha_unavailable'));
    expect({ d1, sms }).toEqual({ d1: 0, sms: 0 });
  });
});
