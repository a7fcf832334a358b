/**
 * ENVIRONMENT=production, the default: it refuses development-only providers and secrets,
 * plain-http addresses and limits too loose to protect anyone, naming each setting at
 * fault and never a value; with sound settings it serves the whole flow.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../src/index';
import { Browser, freshMobile, harness } from './harness';
import { TEST_SETTINGS } from './settings';

afterEach(() => {
  vi.restoreAllMocks();
});

const QQ_API_BASE = 'https://graph.qq.com';
const SMS_WEBHOOK_URL = 'https://sms.example.com/send';

/** Settings a production worker serves with (the webhook secret is the fakes' own). */
const PRODUCTION = {
  ...TEST_SETTINGS,
  ENVIRONMENT: 'production',
  QQ_APP_KEY: 'prod-qq-app-key-5f1d2c3b4a596877',
  QQ_REDIRECT_URI: 'https://shop.example.com/login/qq/callback',
  QQ_API_BASE,
  JWT_SECRET: 'prod-jwt-secret-9c1e4b7a2d5f8e0b3a6c9d2f',
  TOKEN_ENCRYPTION_KEY: 'cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtZm9yLXRlc3Q=',
  SMS_WEBHOOK_URL,
  ALLOWED_REDIRECT_ORIGINS: 'https://shop.example.com',
  CORS_ORIGINS: 'https://shop.example.com,https://m.example.com',
  // The test settings point Turnstile at its fake's plain-http host; production takes the defaults.
  TURNSTILE_VERIFY_URL: undefined,
  TURNSTILE_SCRIPT_URL: undefined,
};

/** The harness with production settings; QQ and the SMS webhook answer at their https addresses. */
function productionHarness(overrides: Record<string, string | undefined> = {}) {
  const h: ReturnType<typeof harness> = harness({
    settings: { ...PRODUCTION, ...overrides },
    qq: { appKey: PRODUCTION.QQ_APP_KEY, redirectDomains: ['shop.example.com'] },
    deps: {
      fetch: async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        if (url.origin === QQ_API_BASE) return h.qq.fetch(input, init);
        if (url.href === SMS_WEBHOOK_URL) return h.sms.receive(new Request(input, init));
        throw new TypeError(`unexpected outbound fetch to ${url.origin}`);
      },
    },
  });
  return h;
}

/** The settings named by the refusal log lines, and every line printed. */
function spyLogs(): { lines: string[]; named: () => string[] } {
  const lines: string[] = [];
  for (const level of ['log', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
  }
  const named = () => {
    const refusal = lines.find((l) => l.includes('refusing to serve'));
    const list = refusal === undefined ? '' : (/settings: (.*)$/.exec(refusal)?.[1] ?? '');
    return list.split(', ').filter(Boolean).sort();
  };
  return { lines, named };
}

describe('a worker deployed without ENVIRONMENT', () => {
  it('refuses to serve with the console SMS provider and names SMS_PROVIDER (and nothing else)', async () => {
    const logs = spyLogs();
    const bindings: Record<string, unknown> = { ...env, ...PRODUCTION, SMS_PROVIDER: 'console' };
    delete bindings.ENVIRONMENT;
    for (const [method, path] of [
      ['POST', '/sms/codes'],
      ['GET', '/oauth/qq/authorization'],
      ['POST', '/users/login'],
      ['GET', '/users/me'],
    ] as const) {
      const ctx = createExecutionContext();
      const init: RequestInit = method === 'POST' ? { method, headers: { 'content-type': 'application/json' }, body: '{"mobile":"13800138000"}' } : {};
      const response = await worker.fetch(new Request(`https://login.example.com${path}`, init), bindings as unknown as Env, ctx);
      await waitOnExecutionContext(ctx);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: { code: 'internal_error', message: '服务器内部错误' } });
    }
    expect(logs.named()).toEqual(['SMS_PROVIDER']);
  });

  it('refuses the settings of .dev.vars.example and wrangler.toml top level, naming each bad one', async () => {
    const logs = spyLogs();
    const dev = {
      QQ_APP_KEY: 'fake-qq-app-key-0000000000000000',
      QQ_REDIRECT_URI: 'http://localhost:8787/login/qq/callback',
      QQ_API_BASE: 'http://localhost:8788',
      JWT_SECRET: 'dev-only-jwt-secret-change-me-0123456789abcdef',
      TOKEN_ENCRYPTION_KEY: 'ZGV2LW9ubHktdG9rZW4ta2V5LTMyLWJ5dGVzLWxvbmc=',
      ALLOWED_REDIRECT_ORIGINS: 'http://localhost:8787',
      SMS_PROVIDER: 'console',
    };
    const h = productionHarness({ ...dev, ENVIRONMENT: undefined });
    expect((await h.call('POST', '/sms/codes', { json: { mobile: freshMobile() } })).status).toBe(500);
    expect(logs.named()).toEqual(Object.keys(dev).sort());
    for (const line of logs.lines) for (const value of Object.values(dev)) expect(line).not.toContain(value);
  });
});

const REFUSED: [string, Record<string, string>, string[]][] = [
  ['the console SMS provider', { SMS_PROVIDER: 'console' }, ['SMS_PROVIDER']],
  ['the example webhook secret', { SMS_WEBHOOK_SECRET: 'dev-only-webhook-secret' }, ['SMS_WEBHOOK_SECRET']],
  ['an http QQ_REDIRECT_URI', { QQ_REDIRECT_URI: 'http://shop.example.com/login/qq/callback' }, ['QQ_REDIRECT_URI']],
  ['an HTTP QQ_API_BASE in capitals', { QQ_API_BASE: 'HTTP://graph.qq.com' }, ['QQ_API_BASE']],
  ['an http SMS_WEBHOOK_URL', { SMS_WEBHOOK_URL: 'http://sms.example.com/send' }, ['SMS_WEBHOOK_URL']],
  [
    'http endpoints of providers not chosen',
    {
      TENCENT_SMS_ENDPOINT: 'http://sms.tencentcloudapi.com',
      ALIYUN_SMS_ENDPOINT: 'http://dysmsapi.aliyuncs.com',
      YUNTONGXUN_ENDPOINT: 'http://app.cloopen.com:8883',
      TENCENT_CAPTCHA_ENDPOINT: 'http://captcha.tencentcloudapi.com',
    },
    ['ALIYUN_SMS_ENDPOINT', 'TENCENT_CAPTCHA_ENDPOINT', 'TENCENT_SMS_ENDPOINT', 'YUNTONGXUN_ENDPOINT'],
  ],
  [
    'http captcha URLs',
    {
      TURNSTILE_VERIFY_URL: 'http://challenges.cloudflare.com/turnstile/v0/siteverify',
      TURNSTILE_SCRIPT_URL: 'http://challenges.cloudflare.com/turnstile/v0/api.js',
      TENCENT_CAPTCHA_SCRIPT_URL: 'http://turing.captcha.qcloud.com/TCaptcha.js',
    },
    ['TENCENT_CAPTCHA_SCRIPT_URL', 'TURNSTILE_SCRIPT_URL', 'TURNSTILE_VERIFY_URL'],
  ],
  ['one http origin among https ones', { ALLOWED_REDIRECT_ORIGINS: 'https://shop.example.com,http://old.example.com' }, ['ALLOWED_REDIRECT_ORIGINS']],
  ['an http CORS origin', { CORS_ORIGINS: 'http://shop.example.com' }, ['CORS_ORIGINS']],
  ['a zero resend window', { SMS_RESEND_SECONDS: '0' }, ['SMS_RESEND_SECONDS']],
  ['a 29-second resend window', { SMS_RESEND_SECONDS: '29' }, ['SMS_RESEND_SECONDS']],
  ['11 guesses per code', { SMS_MAX_ATTEMPTS: '11' }, ['SMS_MAX_ATTEMPTS']],
  ['codes living over 30 minutes', { SMS_CODE_TTL_SECONDS: '1801' }, ['SMS_CODE_TTL_SECONDS']],
  ['51 SMS per mobile per day', { SMS_DAILY_LIMIT: '51' }, ['SMS_DAILY_LIMIT']],
  ['1001 SMS per client per hour', { SMS_CLIENT_HOURLY_LIMIT: '1001' }, ['SMS_CLIENT_HOURLY_LIMIT']],
  ['100001 SMS per hour in all', { SMS_GLOBAL_HOURLY_LIMIT: '100001' }, ['SMS_GLOBAL_HOURLY_LIMIT']],
  ['101 wrong guesses per mobile per day', { SMS_DAILY_GUESS_LIMIT: '101' }, ['SMS_DAILY_GUESS_LIMIT']],
  ['login tokens living over 30 days', { JWT_TTL_SECONDS: '2592001' }, ['JWT_TTL_SECONDS']],
  [
    'several at once',
    { SMS_PROVIDER: 'console', SMS_MAX_ATTEMPTS: '50', CORS_ORIGINS: 'http://a.example.com' },
    ['CORS_ORIGINS', 'SMS_MAX_ATTEMPTS', 'SMS_PROVIDER'],
  ],
];

describe('ENVIRONMENT=production refuses to serve', () => {
  it.each(REFUSED)('%s: 500 on every request, the log names exactly the settings at fault, no value', async (_, settings, names) => {
    const logs = spyLogs();
    const h = productionHarness(settings);
    const mobile = freshMobile();
    const answers = await Promise.all([
      h.call('POST', '/sms/codes', { json: { mobile } }),
      h.call('GET', '/oauth/qq/authorization', { browser: new Browser() }),
    ]);
    for (const answer of answers) expect(answer.status).toBe(500);
    expect(h.sms.sent).toHaveLength(0);
    expect(logs.named()).toEqual(names);
    const values = [...Object.values(settings), PRODUCTION.JWT_SECRET, PRODUCTION.QQ_APP_KEY, PRODUCTION.TOKEN_ENCRYPTION_KEY];
    for (const line of logs.lines) for (const value of values) expect(line).not.toContain(value);
  });

  it('while development accepts every one of them', async () => {
    const logs = spyLogs();
    for (const [, settings] of REFUSED) {
      const h = productionHarness({ ...settings, ENVIRONMENT: 'development' });
      // 502 where the webhook's address or secret no longer matches the fake receiver.
      expect([202, 502]).toContain((await h.call('POST', '/sms/codes', { json: { mobile: freshMobile() } })).status);
      expect((await h.call('GET', '/oauth/qq/authorization', { browser: new Browser() })).status).toBe(200);
    }
    expect(logs.named()).toEqual([]);
  });
});

describe('ENVIRONMENT=production with sound settings', () => {
  it('accepts the limits at the edge of the production bounds', async () => {
    const h = productionHarness({
      SMS_RESEND_SECONDS: '30',
      SMS_MAX_ATTEMPTS: '10',
      SMS_CODE_TTL_SECONDS: '1800',
      SMS_DAILY_LIMIT: '50',
      SMS_CLIENT_HOURLY_LIMIT: '1000',
      SMS_GLOBAL_HOURLY_LIMIT: '100000',
      SMS_DAILY_GUESS_LIMIT: '100',
      JWT_TTL_SECONDS: '2592000',
    });
    const answer = await h.call('POST', '/sms/codes', { json: { mobile: freshMobile() } });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ expires_in: 1800, resend_after: 30 });
  });

  it('serves the whole flow: QQ login, SMS, bind, password login', async () => {
    const h = productionHarness();
    const user = h.qq.addUser({ nickname: '正式环境' });
    const browser = new Browser();
    const start = await h.call<{ login_url: string; state: string }>('GET', '/oauth/qq/authorization?next=/orders', { browser });
    expect(start.status).toBe(200);
    expect(start.body.login_url.startsWith(`${QQ_API_BASE}/oauth2.0/authorize?`)).toBe(true);
    const code = h.qq.issueCode({ openid: user.openid, redirectUri: PRODUCTION.QQ_REDIRECT_URI });
    const callback = await h.call<{ bind_ticket: string }>('GET', `/oauth/qq/callback?code=${code}&state=${start.body.state}`, { browser });
    expect(callback.body).toMatchObject({ status: 'bind_required', next: '/orders' });
    const mobile = freshMobile();
    const bound = await h.call('POST', '/oauth/qq/bind', {
      json: { bind_ticket: callback.body.bind_ticket, mobile, sms_code: await h.smsCode(mobile), password: 'correct horse 1' },
    });
    expect(bound.status).toBe(201);
    const login = await h.call('POST', '/users/login', { json: { username: mobile, password: 'correct horse 1' } });
    expect(login.body).toMatchObject({ status: 'logged_in', user: { username: mobile } });
  });
});
