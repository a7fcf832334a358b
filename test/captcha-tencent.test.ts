/**
 * Tencent Captcha verification (DescribeCaptchaResult) against the fake service: a ticket
 * it issued passes once, every refusal of the ticket is `rejected`, and anything that says
 * nothing about the ticket (down, slow, garbled, our own keys refused) is `unavailable`.
 */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeTencentCaptcha } from '../fakes/captcha/tencent';
import { CaptchaError, type CaptchaAnswer } from '../src/captcha/provider';
import { tencentCaptcha } from '../src/captcha/tencent';
import type { Deps } from '../src/deps';
import { settingsOf } from '../src/settings';
import { TENCENT_CAPTCHA } from './providers';

let clock = Date.now();
const fake = createFakeTencentCaptcha({ now: () => clock });

function verifier(settings: Record<string, string> = {}, deps: Partial<Deps> = {}) {
  const s = settingsOf({ ...env, ...TENCENT_CAPTCHA, ...settings } as unknown as Env);
  return tencentCaptcha(s, { fetch: fake.fetch, now: () => clock, timeoutMs: 200, ...deps });
}

/** The failure `verify` ends with, or 'passed'. */
async function outcome(answer: CaptchaAnswer, v = verifier()): Promise<string> {
  try {
    await v.verify(answer);
    return 'passed';
  } catch (err) {
    if (!(err instanceof CaptchaError)) throw err;
    return `${err.failure} ${err.message}`;
  }
}

beforeEach(() => {
  fake.reset();
  clock = Date.now();
});

describe('tencentCaptcha', () => {
  it('passes a ticket the widget issued, once: the second time is rejected as reused', async () => {
    const { ticket, randstr } = fake.issueTicket();
    expect(await outcome({ token: ticket, randstr, clientIp: '198.51.100.4' })).toBe('passed');
    expect(await outcome({ token: ticket, randstr, clientIp: '198.51.100.4' })).toBe('rejected 9: ticket reused');
    expect(fake.checks.map((c) => [c.userIp, c.captchaCode])).toEqual([['198.51.100.4', 1], ['198.51.100.4', 9]]);
  });

  it.each([
    ['a randstr that is not the ticket\'s', () => ({ ...fake.issueTicket(), randstr: '@wrong' }), 'rejected 7: captcha no match'],
    ['a ticket it never issued', () => ({ ticket: 't03forged', randstr: '@x' }), 'rejected 15: decrypt fail'],
    ['a ticket of another captcha app', () => fake.issueTicket(190000001), 'rejected 16: appid-ticket mismatch'],
  ])('rejects %s', async (_, make, expected) => {
    const { ticket, randstr } = make();
    expect(await outcome({ token: ticket, randstr, clientIp: null })).toBe(expected);
  });

  it('rejects a ticket older than 5 minutes', async () => {
    const { ticket, randstr } = fake.issueTicket();
    clock += 5 * 60_000 + 1000;
    expect(await outcome({ token: ticket, randstr, clientIp: null })).toBe('rejected 8: ticket expired');
  });

  it('rejects a ticket without its randstr without asking the service', async () => {
    const { ticket } = fake.issueTicket();
    expect(await outcome({ token: ticket, randstr: undefined, clientIp: null })).toMatch(/^rejected /);
    expect(await outcome({ token: ticket, randstr: '', clientIp: null })).toMatch(/^rejected /);
    expect(fake.checks).toHaveLength(0);
  });

  it('rejects what the service scores as risky (CaptchaCode 21)', async () => {
    fake.mode = 'refuse';
    const { ticket, randstr } = fake.issueTicket();
    expect(await outcome({ token: ticket, randstr, clientIp: null })).toBe('rejected 21: diff');
  });

  it.each([
    ['fails (InternalError)', 'fail', /^unavailable InternalError: /],
    ['hangs past the timeout', 'hang', /^unavailable captcha service timed out$/],
    ['answers garbage', 'garbage', /^unavailable captcha service answered something unreadable$/],
  ] as const)('is unavailable when the service %s', async (_, mode, expected) => {
    fake.mode = mode;
    const { ticket, randstr } = fake.issueTicket();
    expect(await outcome({ token: ticket, randstr, clientIp: null })).toMatch(expected);
  });

  it('is unavailable when the service cannot be reached', async () => {
    const v = verifier({}, { fetch: () => Promise.reject(new TypeError('fetch failed')) });
    expect(await outcome({ ...fakeTicket(), clientIp: null }, v)).toBe('unavailable captcha service unreachable');
  });

  it('is unavailable, not the user\'s fault, when Tencent refuses the worker\'s own API key', async () => {
    const v = verifier({ TENCENT_SECRET_KEY: 'not-the-key-tencent-issued-000000' });
    expect(await outcome({ ...fakeTicket(), clientIp: null }, v)).toBe('unavailable AuthFailure.SignatureFailure: The provided credentials could not be validated. Please check your signature is correct.');
  });

  it('never puts the ticket in its message', async () => {
    const { ticket } = fake.issueTicket();
    const message = await outcome({ token: ticket, randstr: '@nope', clientIp: null });
    expect(message).not.toContain(ticket);
  });
});

function fakeTicket(): { token: string; randstr: string } {
  const { ticket, randstr } = fake.issueTicket();
  return { token: ticket, randstr };
}
