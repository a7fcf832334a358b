import * as z from 'zod';
import { fromBase64 } from './crypto';
import { onePer } from './memo';
import type { Env } from './env';

const int = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));

const bool = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(fallback),
  );

const origins = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('')
    .transform((list, ctx) => {
      const out: string[] = [];
      for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
        const origin = originOf(item);
        if (origin === null) {
          ctx.addIssue({ code: 'custom', message: 'not an origin' });
          return z.NEVER;
        }
        out.push(origin);
      }
      return out;
    }),
);

const required = z.string().trim().min(1);

const schema = z
  .object({
    QQ_APP_ID: required,
    QQ_APP_KEY: required,
    QQ_REDIRECT_URI: z.url({ protocol: /^https?$/ }),
    QQ_API_BASE: z.preprocess(
      emptyToUndefined,
      z.url({ protocol: /^https?$/ }).default('https://graph.qq.com').transform((u) => u.replace(/\/+$/, '')),
    ),
    QQ_UNIONID: bool(false),
    JWT_SECRET: z.string().min(32),
    JWT_TTL_SECONDS: int(1, 60 * 60 * 24 * 365, 86400),
    JWT_ISSUER: z.preprocess(emptyToUndefined, z.string().default('qq-login-worker')),
    TOKEN_ENCRYPTION_KEY: z.string().refine((v) => base64Length(v) === 32, '32 bytes, base64'),
    ALLOWED_REDIRECT_ORIGINS: origins,
    CORS_ORIGINS: origins,
    SMS_PROVIDER: z.preprocess(emptyToUndefined, z.enum(['console', 'webhook', 'tencent']).default('console')),
    SMS_WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
    SMS_WEBHOOK_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
    SMS_CODE_TTL_SECONDS: int(1, 3600, 300),
    SMS_RESEND_SECONDS: int(0, 3600, 60),
    SMS_MAX_ATTEMPTS: int(1, 100, 5),
    BIND_TICKET_TTL_SECONDS: int(60, 3600, 600),
    SITE_NAME: z.preprocess(emptyToUndefined, z.string().trim().min(1).max(40).default('账号中心')),
    ENVIRONMENT: z.preprocess(emptyToUndefined, z.enum(['development', 'production']).default('development')),
  })
  .superRefine((s, ctx) => {
    if (s.SMS_PROVIDER === 'webhook') {
      if (!s.SMS_WEBHOOK_URL) ctx.addIssue({ code: 'custom', path: ['SMS_WEBHOOK_URL'], message: 'required by the webhook provider' });
      if (!s.SMS_WEBHOOK_SECRET) ctx.addIssue({ code: 'custom', path: ['SMS_WEBHOOK_SECRET'], message: 'required by the webhook provider' });
    }
    if (s.SMS_PROVIDER === 'tencent') {
      ctx.addIssue({ code: 'custom', path: ['SMS_PROVIDER'], message: 'the tencent provider is not available yet' });
    }
    if (s.ENVIRONMENT === 'production') {
      if (s.SMS_PROVIDER === 'console') {
        ctx.addIssue({ code: 'custom', path: ['SMS_PROVIDER'], message: 'console is for development only' });
      }
      for (const name of ['JWT_SECRET', 'TOKEN_ENCRYPTION_KEY', 'QQ_APP_KEY', 'SMS_WEBHOOK_SECRET'] as const) {
        const value = s[name];
        if (value !== undefined && DEVELOPMENT_SECRETS.has(value)) {
          ctx.addIssue({ code: 'custom', path: [name], message: 'the development value must not be used in production' });
        }
      }
    }
  });

export type Settings = z.output<typeof schema>;

/** The secrets shipped in .dev.vars.example; production refuses them. */
const DEVELOPMENT_SECRETS = new Set([
  'dev-only-jwt-secret-change-me-0123456789abcdef',
  'ZGV2LW9ubHktdG9rZW4ta2V5LTMyLWJ5dGVzLWxvbmc=',
  'fake-qq-app-key-0000000000000000',
  'dev-only-webhook-secret',
]);

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

/** The origin of an absolute http(s) URL, or null. */
export function originOf(value: string): string | null {
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
}

function emptyToUndefined(value: unknown): unknown {
  return value === '' || value === null ? undefined : value;
}

function base64Length(value: string): number {
  return fromBase64(value.trim())?.byteLength ?? -1;
}
