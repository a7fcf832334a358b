/**
 * The fake captcha services: siteverify answers as Cloudflare's does (error codes, single
 * use, expiry), the widgets hand out answers their verifiers accept once, and both are
 * served under their prefixes on the dev server.
 */
import { describe, expect, it } from 'vitest';
import { createFakes } from '../fakes/app';
import { FAKE_TURNSTILE_SECRET, FAKE_TURNSTILE_SITE_KEY, createFakeTurnstile } from '../fakes/captcha/turnstile';

const VERIFY = 'http://challenges.cloudflare.test/turnstile/v0/siteverify';
const DEV = 'http://localhost:8788';

async function siteverify(fake: { fetch: typeof fetch }, params: Record<string, string>, json = false) {
  const response = await fake.fetch(VERIFY, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(params) : new URLSearchParams(params).toString(),
  });
  expect(response.status).toBe(200);
  return response.json<{ success: boolean; 'error-codes': string[] }>();
}

describe('fake Turnstile siteverify', () => {
  it('accepts an issued token once, then answers timeout-or-duplicate', async () => {
    const fake = createFakeTurnstile();
    const token = fake.issueToken();
    const first = await siteverify(fake, { secret: FAKE_TURNSTILE_SECRET, response: token, remoteip: '192.0.2.1' });
    expect(first).toMatchObject({ success: true, 'error-codes': [], hostname: 'localhost' });
    expect(await siteverify(fake, { secret: FAKE_TURNSTILE_SECRET, response: token })).toEqual({
      success: false,
      'error-codes': ['timeout-or-duplicate'],
      messages: [],
    });
    expect(fake.calls).toEqual([
      { response: token, remoteip: '192.0.2.1', secretOk: true },
      { response: token, remoteip: null, secretOk: true },
    ]);
  });

  it.each([
    ['no secret', { response: 'tok' }, 'missing-input-secret'],
    ['a wrong secret', { secret: 'nope', response: 'tok' }, 'invalid-input-secret'],
    ['no response', { secret: FAKE_TURNSTILE_SECRET }, 'missing-input-response'],
    ['an unknown token', { secret: FAKE_TURNSTILE_SECRET, response: '0.unknown' }, 'invalid-input-response'],
  ])('refuses %s with %s', async (_, params, code) => {
    const answer = await siteverify(createFakeTurnstile(), params);
    expect(answer).toMatchObject({ success: false, 'error-codes': [code] });
  });

  it('does not spend a token on a request with a wrong secret', async () => {
    const fake = createFakeTurnstile();
    const token = fake.issueToken();
    expect((await siteverify(fake, { secret: 'nope', response: token }))['error-codes']).toEqual(['invalid-input-secret']);
    expect((await siteverify(fake, { secret: FAKE_TURNSTILE_SECRET, response: token })).success).toBe(true);
  });

  it('takes JSON as well as a form, and lets a token expire after 300 seconds', async () => {
    let now = 0;
    const fake = createFakeTurnstile({ now: () => now });
    expect((await siteverify(fake, { secret: FAKE_TURNSTILE_SECRET, response: fake.issueToken() }, true)).success).toBe(true);
    const late = fake.issueToken();
    now += 300_000;
    expect((await siteverify(fake, { secret: FAKE_TURNSTILE_SECRET, response: late }))['error-codes']).toEqual(['timeout-or-duplicate']);
  });

  it('fails as told: down (503), garbage (200 HTML), hang (until the caller gives up), unreachable (fetch rejects)', async () => {
    const fake = createFakeTurnstile();
    const post = (signal?: AbortSignal) => fake.fetch(VERIFY, { method: 'POST', body: 'secret=x&response=y', headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal });
    fake.setMode('down');
    expect((await post()).status).toBe(503);
    fake.setMode('garbage');
    const garbage = await post();
    expect(garbage.headers.get('content-type')).toContain('text/html');
    fake.setMode('hang');
    await expect(post(AbortSignal.timeout(50))).rejects.toThrow();
    fake.setMode('unreachable');
    await expect(post()).rejects.toThrow(TypeError);
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect((await post()).status).toBe(200);
  });
});

describe('fake captcha widgets on the dev server', () => {
  it('serves api.js and a challenge whose button gets a token siteverify accepts', async () => {
    const fakes = createFakes();
    const script = await fakes.serve(new Request(`${DEV}/captcha/turnstile/turnstile/v0/api.js`));
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('window.turnstile');
    const page = await fakes.serve(new Request(`${DEV}/captcha/turnstile/turnstile/v0/challenge?app=${FAKE_TURNSTILE_SITE_KEY}&id=w1`));
    expect(await page.text()).toContain('id="verify"');
    const solved = await fakes.serve(new Request(`${DEV}/captcha/turnstile/turnstile/v0/solve?app=${FAKE_TURNSTILE_SITE_KEY}`, { method: 'POST' }));
    const { ticket } = await solved.json<{ ticket: string }>();
    expect(ticket).toMatch(/^0\./);
    const verified = await fakes.serve(
      new Request(`${DEV}/captcha/turnstile/turnstile/v0/siteverify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ secret: FAKE_TURNSTILE_SECRET, response: ticket }).toString(),
      }),
    );
    expect(await verified.json()).toMatchObject({ success: true });
  });

  it('shows no button for a site key it does not know, and issues nothing for it', async () => {
    const fakes = createFakes();
    const page = await fakes.serve(new Request(`${DEV}/captcha/turnstile/turnstile/v0/challenge?app=wrong&id=w1`));
    expect(await page.text()).not.toContain('id="verify"');
    const solved = await fakes.serve(new Request(`${DEV}/captcha/turnstile/turnstile/v0/solve?app=wrong`, { method: 'POST' }));
    expect(solved.status).toBe(400);
  });

  it('issues tokens and sets modes over HTTP for the browser tests', async () => {
    const fakes = createFakes();
    const issued = await fakes.serve(new Request(`${DEV}/captcha/turnstile/__fake/tokens`, { method: 'POST' }));
    const { token } = await issued.json<{ token: string }>();
    expect((await siteverify(fakes.turnstile, { secret: FAKE_TURNSTILE_SECRET, response: token })).success).toBe(true);
    const bad = await fakes.serve(new Request(`${DEV}/captcha/turnstile/__fake/mode`, { method: 'POST', body: JSON.stringify({ mode: 'broken' }) }));
    expect(bad.status).toBe(400);
    await fakes.serve(new Request(`${DEV}/captcha/turnstile/__fake/mode`, { method: 'POST', body: JSON.stringify({ mode: 'down' }) }));
    expect((await fakes.turnstile.fetch(VERIFY, { method: 'POST', body: '' })).status).toBe(503);
  });

  it('serves TCaptcha.js, whose challenge hands out a ticket and randstr the Tencent verifier accepts once', async () => {
    const fakes = createFakes();
    const script = await fakes.serve(new Request(`${DEV}/captcha/tcaptcha/TCaptcha.js`));
    expect(await script.text()).toContain('window.TencentCaptcha');
    const appId = fakes.tencentWidget.appId;
    const solved = await fakes.serve(new Request(`${DEV}/captcha/tcaptcha/solve?app=${appId}`, { method: 'POST' }));
    const { ticket, randstr } = await solved.json<{ ticket: string; randstr: string }>();
    expect(fakes.tencentTickets.redeem({ ticket, randstr: '@bad', appId })).toBe('wrong-randstr');
    const another = fakes.tencentWidget.issueTicket();
    expect(fakes.tencentTickets.redeem({ ...another, appId: '1' })).toBe('other-app');
    expect(fakes.tencentTickets.redeem({ ...another, appId })).toBe('ok');
    expect(fakes.tencentTickets.redeem({ ...another, appId })).toBe('used');
    expect(fakes.tencentTickets.redeem({ ticket: 't03nothing', randstr: '@x', appId })).toBe('unknown');
  });
});
