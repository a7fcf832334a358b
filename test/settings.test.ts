/**
 * Settings: the worker refuses to serve (500 everywhere but /healthz, with a log line that
 * names the setting and never its value) when a required setting is missing or invalid,
 * and applies the contract's defaults when optional ones are absent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Browser, freshMobile, harness, QQ_BASE, expectedError } from './harness';
import { ALIYUN_SMS, PROVIDER_SECRETS, TENCENT_CAPTCHA, TENCENT_SMS, YUNTONGXUN_SMS } from './providers';
import { TEST_SETTINGS } from './settings';

type H = ReturnType<typeof harness>;

afterEach(() => {
  vi.restoreAllMocks();
});

const INTERNAL_ERROR = expectedError('internal_error');
const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef'; // .dev.vars.example
const PROD_APP_KEY = 'prod-qq-app-key-5f1d2c3b4a596877';

const BROKEN: [string, Record<string, string | undefined>, string, string | null][] = [
  // [case, settings, the setting the log must name, the value it must not show]
  ['JWT_SECRET missing', { JWT_SECRET: undefined }, 'JWT_SECRET', null],
  ['JWT_SECRET of 10 characters', { JWT_SECRET: 'short12345' }, 'JWT_SECRET', 'short12345'],
  ['TOKEN_ENCRYPTION_KEY of 12 bytes', { TOKEN_ENCRYPTION_KEY: 'bm90LTMyLWJ5dGVz' }, 'TOKEN_ENCRYPTION_KEY', 'bm90LTMyLWJ5dGVz'],
  ['TOKEN_ENCRYPTION_KEY not base64', { TOKEN_ENCRYPTION_KEY: 'not base64 at all, but long enough!' }, 'TOKEN_ENCRYPTION_KEY', 'not base64 at all'],
  ['QQ_APP_ID missing', { QQ_APP_ID: undefined }, 'QQ_APP_ID', null],
  ['QQ_APP_KEY missing', { QQ_APP_KEY: undefined }, 'QQ_APP_KEY', null],
  ['QQ_REDIRECT_URI not a URL', { QQ_REDIRECT_URI: 'callback-page' }, 'QQ_REDIRECT_URI', 'callback-page'],
  ['SMS_PROVIDER=webhook without SMS_WEBHOOK_URL', { SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: undefined }, 'SMS_WEBHOOK_URL', null],
  [
    'ENVIRONMENT=production with SMS_PROVIDER=console',
    { ENVIRONMENT: 'production', SMS_PROVIDER: 'console', QQ_APP_KEY: PROD_APP_KEY },
    'SMS_PROVIDER',
    PROD_APP_KEY,
  ],
  [
    'ENVIRONMENT=production with the development JWT secret',
    { ENVIRONMENT: 'production', JWT_SECRET: DEV_JWT_SECRET, QQ_APP_KEY: PROD_APP_KEY },
    'JWT_SECRET',
    DEV_JWT_SECRET,
  ],
  [
    'ENVIRONMENT=production with the development Turnstile secret',
    { ENVIRONMENT: 'production', CAPTCHA_PROVIDER: 'turnstile', TURNSTILE_SECRET_KEY: 'dev-only-turnstile-secret', QQ_APP_KEY: PROD_APP_KEY },
    'TURNSTILE_SECRET_KEY',
    'dev-only-turnstile-secret',
  ],
  ['CAPTCHA_PROVIDER=turnstile without TURNSTILE_SECRET_KEY', { CAPTCHA_PROVIDER: 'turnstile', TURNSTILE_SECRET_KEY: undefined }, 'TURNSTILE_SECRET_KEY', null],
];

/** One request to every API route. */
function everyRoute(h: H) {
  const json = { mobile: '13800138000' };
  return [
    h.call('GET', '/oauth/qq/authorization?next=/orders', { browser: new Browser() }),
    h.call('GET', '/oauth/qq/callback?code=ABC&state=DEF'),
    h.call('POST', '/oauth/qq/app-login', { json: { access_token: 'FE04AAAABBBBCCCC' } }),
    h.call('POST', '/oauth/qq/bind', { json }),
    h.call('POST', '/oauth/qq/bind/account', { json }),
    h.call('POST', '/oauth/qq/bind/register', { json }),
    h.call('POST', '/sms/codes', { json }),
    h.call('POST', '/users/login', { json: { username: '13800138000', password: 'password123' } }),
    h.call('GET', '/users/me', { token: 'a.b.c' }),
    h.call('DELETE', '/users/me/bindings/qq', { token: 'a.b.c' }),
  ];
}

function spyErrors(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  return lines;
}

describe('a missing or invalid setting', () => {
  it.each(BROKEN)('%s: every API route answers 500 internal_error with no detail', async (_, settings) => {
    spyErrors();
    const h = harness({ settings });
    const answers = await Promise.all(everyRoute(h));
    for (const answer of answers) {
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual(INTERNAL_ERROR);
    }
    expect(h.qq.calls).toHaveLength(0);
    expect(h.sms.sent).toHaveLength(0);
  });

  it.each(BROKEN)('%s: the log names the setting, never its value', async (_, settings, name, value) => {
    const lines = spyErrors();
    const h = harness({ settings });
    await h.call('POST', '/sms/codes', { json: { mobile: '13800138000' } });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes(name))).toBe(true);
    const secrets = [
      TEST_SETTINGS.JWT_SECRET,
      TEST_SETTINGS.TOKEN_ENCRYPTION_KEY,
      TEST_SETTINGS.QQ_APP_KEY,
      TEST_SETTINGS.SMS_WEBHOOK_SECRET,
      ...(value === null ? [] : [value]),
    ];
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });

  it.each(BROKEN)('%s: /healthz still answers 200', async (_, settings) => {
    spyErrors();
    const h = harness({ settings });
    const answer = await h.call('GET', '/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ok: true });
  });
});

/** The claims of a JWT, unverified. */
function claimsOf(token: string): Record<string, unknown> {
  const payload = (token.split('.')[1] ?? '').replaceAll('-', '+').replaceAll('_', '/');
  return JSON.parse(atob(payload));
}

describe('defaults for absent optional settings', () => {
  it('JWT_TTL_SECONDS defaults to 86400', async () => {
    const h = harness({ settings: { JWT_TTL_SECONDS: undefined } });
    const { token } = await h.signUp(freshMobile());
    const claims = claimsOf(token);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(86400);
    const login = await h.call('POST', '/oauth/qq/app-login', {
      json: { access_token: h.qq.issueAccessToken({ openid: (await h.signUp(freshMobile())).openid }) },
    });
    expect(login.body).toMatchObject({ status: 'logged_in', expires_in: 86400 });
  });

  it('JWT_TTL_SECONDS set empty also means 86400', async () => {
    const h = harness({ settings: { JWT_TTL_SECONDS: '' } });
    const { token } = await h.signUp(freshMobile());
    const claims = claimsOf(token);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(86400);
  });

  it('JWT_TTL_SECONDS is honoured when set', async () => {
    const h = harness({ settings: { JWT_TTL_SECONDS: '3600' } });
    const mobile = freshMobile();
    const { openid } = await h.signUp(mobile);
    const login = await h.call('POST', '/oauth/qq/app-login', { json: { access_token: h.qq.issueAccessToken({ openid }) } });
    expect(login.body).toMatchObject({ status: 'logged_in', expires_in: 3600 });
    const claims = claimsOf(String(login.body.token));
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
  });

  it('JWT_ISSUER defaults to qq-login-worker', async () => {
    const h = harness({ settings: { JWT_ISSUER: undefined } });
    const { token } = await h.signUp(freshMobile());
    expect(claimsOf(token).iss).toBe('qq-login-worker');
    expect((await h.call('GET', '/users/me', { token })).status).toBe(200);
  });

  it('QQ_API_BASE defaults to https://graph.qq.com', async () => {
    const h = harness({ settings: { QQ_API_BASE: undefined } });
    const answer = await h.call<{ login_url: string }>('GET', '/oauth/qq/authorization', { browser: new Browser() });
    expect(answer.status).toBe(200);
    const url = new URL(answer.body.login_url);
    expect(`${url.origin}${url.pathname}`).toBe('https://graph.qq.com/oauth2.0/authorize');
  });

  it('QQ_UNIONID defaults to false: /oauth2.0/me is not asked for the unionid', async () => {
    const h = harness({ settings: { QQ_UNIONID: undefined } });
    const user = h.qq.addUser({ nickname: '无联合' });
    expect((await h.qqLogin(user.openid)).status).toBe(200);
    const me = h.qq.calls.filter((c) => c.endpoint === 'me');
    expect(me.length).toBeGreaterThan(0);
    for (const call of me) expect(call.params.unionid).toBeUndefined();
  });

  it('SMS_CODE_TTL_SECONDS and SMS_RESEND_SECONDS default to 300 and 60', async () => {
    const h = harness({ settings: { SMS_CODE_TTL_SECONDS: undefined, SMS_RESEND_SECONDS: undefined } });
    const mobile = freshMobile();
    const answer = await h.call('POST', '/sms/codes', { json: { mobile } });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ expires_in: 300, resend_after: 60 });
    expect(h.sms.sent.at(-1)).toMatchObject({ mobile, ttl: 300 });
    expect((await h.call('POST', '/sms/codes', { json: { mobile } })).status).toBe(429);
  });

  it('SMS_MAX_ATTEMPTS defaults to 5', async () => {
    const h = harness({ settings: { SMS_MAX_ATTEMPTS: undefined } });
    const mobile = freshMobile();
    const code = await h.smsCode(mobile);
    const ticket = await h.bindTicketFor(h.qq.addUser({ nickname: '五次' }).openid);
    const guess = (smsCode: string) =>
      h.call('POST', '/oauth/qq/bind', { json: { bind_ticket: ticket, mobile, sms_code: smsCode, password: 'password123' } });
    const wrong = (i: number) => String((Number(code) + i) % 1_000_000).padStart(6, '0');
    for (let i = 1; i <= 5; i++) expect((await guess(wrong(i))).status).toBe(400);
    expect((await guess(code)).status).toBe(429);
  });

  it('BIND_TICKET_TTL_SECONDS defaults to 600', async () => {
    const h = harness({ settings: { BIND_TICKET_TTL_SECONDS: undefined } });
    const user = h.qq.addUser({ nickname: '票据' });
    const answer = await h.qqLogin(user.openid);
    expect(answer.body).toMatchObject({ status: 'bind_required', expires_in: 600 });
  });

  it('SMS_PROVIDER defaults to console in development: the code is logged, no webhook is called', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    const h = harness({ settings: { SMS_PROVIDER: undefined, SMS_WEBHOOK_URL: undefined, SMS_WEBHOOK_SECRET: undefined } });
    const mobile = freshMobile();
    const answer = await h.call('POST', '/sms/codes', { json: { mobile } });
    expect(answer.status).toBe(202);
    expect(h.sms.sent).toHaveLength(0);
    expect(lines.some((line) => line.includes(mobile) && /\b\d{6}\b/.test(line))).toBe(true);
  });

  it('ALLOWED_REDIRECT_ORIGINS defaults to none: only site paths are accepted as next', async () => {
    const h = harness({ settings: { ALLOWED_REDIRECT_ORIGINS: undefined } });
    const absolute = await h.call('GET', `/oauth/qq/authorization?next=${encodeURIComponent('https://shop.example.com/done')}`);
    expect(absolute.status).toBe(400);
    expect(absolute.body).toMatchObject({ error: { code: 'invalid_next' } });
    expect((await h.call('GET', '/oauth/qq/authorization?next=%2Forders')).status).toBe(200);
  });

  it('CORS_ORIGINS defaults to none: no origin is allowed', async () => {
    const h = harness({ settings: { CORS_ORIGINS: undefined } });
    const answer = await h.call('OPTIONS', '/users/login', {
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('points QQ traffic at QQ_API_BASE when it is set', async () => {
    const h = harness();
    const answer = await h.call<{ login_url: string }>('GET', '/oauth/qq/authorization', { browser: new Browser() });
    expect(answer.body.login_url.startsWith(`${QQ_BASE}/oauth2.0/authorize?`)).toBe(true);
  });
});

const CHOSEN: [string, Record<string, string>, string[], string][] = [
  // [provider, its settings, those it requires, its secret]
  ['SMS_PROVIDER=tencent', TENCENT_SMS, ['TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY', 'TENCENT_SMS_SDK_APP_ID', 'TENCENT_SMS_SIGN_NAME', 'TENCENT_SMS_TEMPLATE_ID'], 'TENCENT_SECRET_KEY'],
  ['SMS_PROVIDER=aliyun', ALIYUN_SMS, ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET', 'ALIYUN_SMS_SIGN_NAME', 'ALIYUN_SMS_TEMPLATE_CODE'], 'ALIYUN_ACCESS_KEY_SECRET'],
  ['SMS_PROVIDER=yuntongxun', YUNTONGXUN_SMS, ['YUNTONGXUN_ACCOUNT_SID', 'YUNTONGXUN_AUTH_TOKEN', 'YUNTONGXUN_APP_ID', 'YUNTONGXUN_TEMPLATE_ID'], 'YUNTONGXUN_AUTH_TOKEN'],
  ['CAPTCHA_PROVIDER=tencent', TENCENT_CAPTCHA, ['TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY', 'TENCENT_CAPTCHA_APP_ID', 'TENCENT_CAPTCHA_APP_SECRET_KEY'], 'TENCENT_CAPTCHA_APP_SECRET_KEY'],
];
const MISSING = CHOSEN.flatMap(([provider, settings, names]) => names.map((name) => [provider, name, settings] as const));

describe("a provider's settings are required exactly when it is chosen", () => {
  it.each(MISSING)('%s without %s: refused (500), and the log names the setting and no secret', async (_, name, settings) => {
    const lines = spyErrors();
    const h = harness({ settings: { ...settings, [name]: undefined } });
    const answer = await h.call('POST', '/sms/codes', { json: { mobile: freshMobile() } });
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual(INTERNAL_ERROR);
    expect(lines.some((line) => line.includes(name))).toBe(true);
    for (const line of lines) for (const secret of PROVIDER_SECRETS) expect(line).not.toContain(secret);
    expect(h.sms.sent).toHaveLength(0);
  });

  it.each(CHOSEN)('%s with its own settings serves, without any other provider\'s', async (_, settings) => {
    const h = harness({ settings });
    // A captcha provider asks for a solved captcha before it sends anything.
    const captcha = settings.CAPTCHA_PROVIDER === 'tencent' ? h.providers.tencentCaptcha.issueTicket() : null;
    const json = { mobile: freshMobile(), ...(captcha ? { captcha_token: captcha.ticket, captcha_randstr: captcha.randstr } : {}) };
    expect((await h.call('POST', '/sms/codes', { json })).status).toBe(202);
  });

  it.each(CHOSEN)('%s in production refuses the development secret of its fake account', async (_, settings, __, secretName) => {
    const lines = spyErrors();
    const h = harness({ settings: { ...settings, ENVIRONMENT: 'production', QQ_APP_KEY: PROD_APP_KEY }, qq: { appKey: PROD_APP_KEY } });
    const answer = await h.call('POST', '/sms/codes', { json: { mobile: freshMobile() } });
    expect(answer.status).toBe(500);
    expect(lines.some((line) => line.includes(secretName))).toBe(true);
  });
});
