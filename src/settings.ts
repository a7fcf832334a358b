import * as z from 'zod/mini';
import { fromBase64 } from './crypto';
import { originOf } from './http/url';
import { onePer } from './memo';
import { productionIssues } from './production';

// Schemas shared by several settings are built once: the whole schema is built at startup.
const int = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);

const boolText = z.union([z.boolean(), z.pipe(z.enum(['true', 'false']), z.transform((v) => v === 'true'))]);
const bool = (fallback: boolean) => z._default(boolText, fallback);

const origins = z.pipe(
  z._default(z.string().check(z.refine((list) => originList(list) !== null, 'not an origin')), ''),
  z.transform((list) => originList(list) ?? []),
);

/** The origins of a comma-separated list, or null when an item is not one. */
function originList(list: string): string[] | null {
  const out: string[] = [];
  for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const origin = originOf(item);
    if (origin === null) return null;
    out.push(origin);
  }
  return out;
}

const required = z.string().check(z.trim(), z.minLength(1));
const optional = z.optional(required);
const httpUrl = z.url({ protocol: /^https?$/ });
const withoutTrailingSlashes = z.transform((u: string) => u.replace(/\/+$/, ''));
/** An http(s) URL without its trailing slashes, or `fallback` when unset. */
const url = (fallback: string) => z.pipe(z._default(httpUrl, fallback), withoutTrailingSlashes);
const optionalUrl = z.optional(httpUrl);

export const SMS_PROVIDERS = ['console', 'webhook', 'tencent', 'aliyun', 'yuntongxun'] as const;
export type SmsProviderName = (typeof SMS_PROVIDERS)[number];
export const CAPTCHA_PROVIDERS = ['none', 'turnstile', 'tencent'] as const;
export type CaptchaProviderName = (typeof CAPTCHA_PROVIDERS)[number];

/** The longest bind ticket lifetime allowed; spent tickets are remembered this long. */
export const MAX_BIND_TICKET_TTL_SECONDS = 3600;

/** Settings each provider requires exactly when it is chosen. */
const REQUIRED_BY = {
  sms: {
    console: [],
    webhook: ['SMS_WEBHOOK_URL', 'SMS_WEBHOOK_SECRET'],
    tencent: ['TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY', 'TENCENT_SMS_SDK_APP_ID', 'TENCENT_SMS_SIGN_NAME', 'TENCENT_SMS_TEMPLATE_ID'],
    aliyun: ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET', 'ALIYUN_SMS_SIGN_NAME', 'ALIYUN_SMS_TEMPLATE_CODE'],
    yuntongxun: ['YUNTONGXUN_ACCOUNT_SID', 'YUNTONGXUN_AUTH_TOKEN', 'YUNTONGXUN_APP_ID', 'YUNTONGXUN_TEMPLATE_ID'],
  },
  captcha: {
    none: [],
    turnstile: ['TURNSTILE_SITE_KEY', 'TURNSTILE_SECRET_KEY'],
    tencent: ['TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY', 'TENCENT_CAPTCHA_APP_ID', 'TENCENT_CAPTCHA_APP_SECRET_KEY'],
  },
} as const satisfies {
  sms: Record<SmsProviderName, readonly string[]>;
  captcha: Record<CaptchaProviderName, readonly string[]>;
};

const fields = z
  .object({
    QQ_APP_ID: required,
    QQ_APP_KEY: required,
    QQ_REDIRECT_URI: httpUrl,
    QQ_API_BASE: url('https://graph.qq.com'),
    QQ_UNIONID: bool(false),
    JWT_SECRET: z.string().check(z.minLength(32)),
    JWT_TTL_SECONDS: int(1, 60 * 60 * 24 * 365, 86400),
    JWT_ISSUER: z._default(z.string(), 'qq-login-worker'),
    TOKEN_ENCRYPTION_KEY: z.string().check(z.refine((v) => base64Length(v) === 32, '32 bytes, base64')),
    ALLOWED_REDIRECT_ORIGINS: origins,
    CORS_ORIGINS: origins,
    SMS_PROVIDER: z._default(z.enum(SMS_PROVIDERS), 'console'),
    SMS_WEBHOOK_URL: optionalUrl,
    SMS_WEBHOOK_SECRET: optional,
    SMS_CODE_TTL_SECONDS: int(1, 3600, 300),
    SMS_RESEND_SECONDS: int(0, 3600, 60),
    SMS_MAX_ATTEMPTS: int(1, 100, 5),
    SMS_DAILY_LIMIT: int(1, 1000, 10),
    SMS_CLIENT_HOURLY_LIMIT: int(1, 100_000, 20),
    SMS_GLOBAL_HOURLY_LIMIT: int(1, 10_000_000, 1000),
    SMS_DAILY_GUESS_LIMIT: int(1, 1000, 20),
    TENCENT_SECRET_ID: optional,
    TENCENT_SECRET_KEY: optional,
    TENCENT_SMS_SDK_APP_ID: optional,
    TENCENT_SMS_SIGN_NAME: optional,
    TENCENT_SMS_TEMPLATE_ID: optional,
    TENCENT_SMS_TEMPLATE_PARAMS: z._default(z.enum(['code', 'code,minutes']), 'code,minutes'),
    TENCENT_SMS_REGION: z._default(z.string().check(z.trim(), z.regex(/^[a-z]+-[a-z-]+$/)), 'ap-guangzhou'),
    TENCENT_SMS_ENDPOINT: url('https://sms.tencentcloudapi.com'),
    ALIYUN_ACCESS_KEY_ID: optional,
    ALIYUN_ACCESS_KEY_SECRET: optional,
    ALIYUN_SMS_SIGN_NAME: optional,
    ALIYUN_SMS_TEMPLATE_CODE: optional,
    ALIYUN_SMS_ENDPOINT: url('https://dysmsapi.aliyuncs.com'),
    YUNTONGXUN_ACCOUNT_SID: optional,
    YUNTONGXUN_AUTH_TOKEN: optional,
    YUNTONGXUN_APP_ID: optional,
    YUNTONGXUN_TEMPLATE_ID: optional,
    YUNTONGXUN_ENDPOINT: url('https://app.cloopen.com:8883'),
    CAPTCHA_PROVIDER: z._default(z.enum(CAPTCHA_PROVIDERS), 'none'),
    TURNSTILE_SITE_KEY: optional,
    TURNSTILE_SECRET_KEY: optional,
    TURNSTILE_VERIFY_URL: url('https://challenges.cloudflare.com/turnstile/v0/siteverify'),
    TURNSTILE_SCRIPT_URL: url('https://challenges.cloudflare.com/turnstile/v0/api.js'),
    TENCENT_CAPTCHA_APP_ID: z.optional(z.string().check(z.trim(), z.regex(/^\d{1,12}$/))),
    TENCENT_CAPTCHA_APP_SECRET_KEY: optional,
    TENCENT_CAPTCHA_ENDPOINT: url('https://captcha.tencentcloudapi.com'),
    TENCENT_CAPTCHA_SCRIPT_URL: url('https://turing.captcha.qcloud.com/TCaptcha.js'),
    BIND_TICKET_TTL_SECONDS: int(60, MAX_BIND_TICKET_TTL_SECONDS, 600),
    SITE_NAME: z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(40)), '账号中心'),
    ENVIRONMENT: z._default(z.enum(['development', 'production']), 'production'),
  })
  .check(
    z.superRefine((s, ctx) => {
      const needed = [...REQUIRED_BY.sms[s.SMS_PROVIDER], ...REQUIRED_BY.captcha[s.CAPTCHA_PROVIDER]];
      for (const name of new Set<keyof typeof s>(needed)) {
        if (s[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'required by the chosen provider' });
      }
      if (s.ENVIRONMENT === 'production') {
        for (const issue of productionIssues(s)) ctx.addIssue({ code: 'custom', path: [issue.name], message: issue.message });
      }
    }),
  );

// An empty setting (as `wrangler.toml` and `.dev.vars` leave them) counts as unset.
const schema = z.pipe(z.transform(withoutEmpty), fields);

export type Settings = z.output<typeof schema>;

export class SettingsError extends Error {
  constructor(readonly names: string[]) {
    super(`invalid or missing settings: ${names.join(', ')}`);
  }
}

// Bindings are one object per isolate, so settings are parsed once and reused.
const parsedSettings = onePer((env: Env): Settings | SettingsError => {
  const parsed = schema.safeParse(env);
  return parsed.success ? parsed.data : new SettingsError([...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '?')))]);
});

/** Parses the settings of `env`, once per env object; throws SettingsError naming bad settings. */
export function settingsOf(env: Env): Settings {
  const result = parsedSettings(env);
  if (result instanceof SettingsError) throw result;
  return result;
}

function withoutEmpty(env: unknown): unknown {
  if (typeof env !== 'object' || env === null) return env;
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '' && value !== null));
}

function base64Length(value: string): number {
  return fromBase64(value.trim())?.byteLength ?? -1;
}
