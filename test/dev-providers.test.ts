/**
 * `SMS_PROVIDER=<name> npm run dev` points the worker at the fakes with the settings in
 * scripts/dev-providers.mjs: each block must name its fake's mount and account, or the
 * developer's first code would be refused.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createFakes } from '../fakes/app';
import { createFakeTencentCaptcha } from '../fakes/captcha/tencent';
import { DEV_CAPTCHA_VARS, DEV_PROVIDER_VARS } from '../scripts/dev-providers.mjs';
import { tencentCaptcha } from '../src/captcha/tencent';
import { turnstileCaptcha } from '../src/captcha/turnstile';
import { settingsOf } from '../src/settings';
import { freshMobile, harness } from './harness';

const ENDPOINTS: Record<string, [string, string]> = {
  // setting: [the dev server's mount, the host the tests reach the same fake at]
  TENCENT_SMS_ENDPOINT: ['/sms/tencent', 'http://sms-tencent.test'],
  ALIYUN_SMS_ENDPOINT: ['/sms/aliyun', 'http://sms-aliyun.test'],
  YUNTONGXUN_ENDPOINT: ['/sms/yuntongxun', 'http://sms-yuntongxun.test'],
  TENCENT_CAPTCHA_ENDPOINT: ['/captcha/tencent', 'http://captcha-tencent.test'],
};

/** `vars` with the endpoint moved from the dev server to the tests' host, after checking its mount. */
function forTests(vars: Record<string, string>): Record<string, string> {
  const out = { ...vars };
  for (const [name, [prefix, host]] of Object.entries(ENDPOINTS)) {
    const value = vars[name];
    if (value === undefined) continue;
    expect(value).toBe(`http://localhost:8788${prefix}`);
    out[name] = host;
  }
  return out;
}

describe('the dev server settings for each provider', () => {
  it.each(Object.entries(DEV_PROVIDER_VARS))('SMS_PROVIDER=%s: a code goes through its fake', async (name, vars) => {
    const h = harness({ settings: forTests(vars) });
    const mobile = freshMobile();
    expect(vars.SMS_PROVIDER).toBe(name);
    expect(Object.keys(DEV_PROVIDER_VARS)).toEqual(['tencent', 'aliyun', 'yuntongxun']);
    expect((await h.call('POST', '/sms/codes', { json: { mobile } })).status).toBe(202);
    const fakes = { tencent: h.providers.tencentSms, aliyun: h.providers.aliyunSms, yuntongxun: h.providers.yuntongxun };
    expect(fakes[name as keyof typeof fakes].outbox.codeFor(mobile)).toMatch(/^\d{6}$/);
  });

  it('CAPTCHA_PROVIDER=tencent: a ticket of the fake captcha app passes', async () => {
    const fake = createFakeTencentCaptcha();
    expect(Object.keys(DEV_CAPTCHA_VARS)).toEqual(['turnstile', 'tencent']);
    const settings = settingsOf({ ...env, ...forTests(DEV_CAPTCHA_VARS.tencent ?? {}) } as unknown as Env);
    const verifier = tencentCaptcha(settings, { fetch: fake.fetch, now: Date.now, timeoutMs: 1000 });
    const { ticket, randstr } = fake.issueTicket();
    await verifier.verify({ token: ticket, randstr, clientIp: null });
    expect(fake.checks.map((c) => c.captchaCode)).toEqual([1]);
  });

  it('CAPTCHA_PROVIDER=turnstile: the widget and siteverify answer where the settings say, and its token passes', async () => {
    const vars = DEV_CAPTCHA_VARS.turnstile;
    const fakes = createFakes();
    const script = await fakes.serve(new Request(vars.TURNSTILE_SCRIPT_URL ?? ''));
    expect(await script.text()).toContain('window.turnstile');
    const settings = settingsOf({ ...env, ...vars } as unknown as Env);
    const verifier = turnstileCaptcha(settings, { fetch: (input, init) => fakes.serve(new Request(input, init)), now: Date.now, timeoutMs: 1000 });
    await verifier.verify({ token: fakes.turnstile.issueToken(), randstr: undefined, clientIp: null });
  });

  it('CAPTCHA_PROVIDER=tencent: TCaptcha.js answers where the settings say, and a ticket its challenge hands out passes', async () => {
    const vars = DEV_CAPTCHA_VARS.tencent;
    const fakes = createFakes();
    const script = await fakes.serve(new Request(vars.TENCENT_CAPTCHA_SCRIPT_URL ?? ''));
    expect(await script.text()).toContain('window.TencentCaptcha');
    const solve = new URL('solve', vars.TENCENT_CAPTCHA_SCRIPT_URL);
    solve.searchParams.set('app', vars.TENCENT_CAPTCHA_APP_ID ?? '');
    const { ticket, randstr } = await (await fakes.serve(new Request(solve, { method: 'POST' }))).json<{ ticket: string; randstr: string }>();
    const settings = settingsOf({ ...env, ...vars } as unknown as Env);
    const verifier = tencentCaptcha(settings, { fetch: (input, init) => fakes.serve(new Request(input, init)), now: Date.now, timeoutMs: 1000 });
    await verifier.verify({ token: ticket, randstr, clientIp: null });
  });
});
