/**
 * What `ENVIRONMENT=production` refuses (api.md "Settings"): development-only choices and
 * values, plain-http addresses, and limits too loose to protect anyone. Each rule names the
 * setting at fault; the worker's refusal log lists the names, never a value.
 */

/** The secrets shipped in .dev.vars.example and the fakes; production refuses them. */
export const DEVELOPMENT_SECRETS: ReadonlySet<string> = new Set([
  'dev-only-jwt-secret-change-me-0123456789abcdef',
  'ZGV2LW9ubHktdG9rZW4ta2V5LTMyLWJ5dGVzLWxvbmc=',
  'fake-qq-app-key-0000000000000000',
  'dev-only-webhook-secret',
  // The fake SMS gateways' and captcha's accounts (fakes/sms, fakes/captcha, scripts/dev-providers.mjs).
  'fake-tencent-secret-key-000000000',
  'fake-aliyun-access-key-secret-000',
  'fake0000yuntongxun0000authtoken1',
  'fake-captcha-app-secret-key-0000',
  'dev-only-turnstile-secret',
]);

/**
 * Bounds production holds the limits to (development accepts the wider ranges the settings
 * schema allows, so tests and local runs can use tiny windows). See docs/operations.md.
 */
export const PRODUCTION_BOUNDS = {
  /** A zero or tiny resend window lets one mobile be flooded with messages. */
  SMS_RESEND_SECONDS: { min: 30 },
  /** Each wrong guess is a 1-in-a-million chance; more than 10 per code is a gift. */
  SMS_MAX_ATTEMPTS: { max: 10 },
  /** A code that lives longer than half an hour is a standing invitation to guess. */
  SMS_CODE_TTL_SECONDS: { max: 1800 },
  /** Messages one mobile can receive in 24 hours. */
  SMS_DAILY_LIMIT: { max: 50 },
  /** Messages one address (or IPv6 /64) can send in an hour. */
  SMS_CLIENT_HOURLY_LIMIT: { max: 1000 },
  /** The spending cap: what an attack can cost in an hour. */
  SMS_GLOBAL_HOURLY_LIMIT: { max: 100_000 },
  /** Wrong guesses per mobile per 24 hours, across codes. */
  SMS_DAILY_GUESS_LIMIT: { max: 100 },
  /** A login token that lives longer than 30 days. */
  JWT_TTL_SECONDS: { max: 30 * 24 * 60 * 60 },
} as const satisfies Record<string, { min?: number; max?: number }>;

/** Settings whose names end so hold one URL; production requires https. */
const URL_SETTING = /_(URL|URI|ENDPOINT|BASE)$/;
/** Settings whose names end so hold a list of origins; production requires https. */
const ORIGINS_SETTING = /_ORIGINS$/;

export interface ProductionIssue {
  name: string;
  message: string;
}

/** Every reason the parsed settings `s` may not serve production; empty when they may. */
export function productionIssues(s: { readonly [name: string]: unknown }): ProductionIssue[] {
  const issues: ProductionIssue[] = [];
  if (s.SMS_PROVIDER === 'console') issues.push({ name: 'SMS_PROVIDER', message: 'console is for development only' });
  for (const [name, value] of Object.entries(s)) {
    if (typeof value === 'string' && DEVELOPMENT_SECRETS.has(value)) {
      issues.push({ name, message: 'the development value must not be used in production' });
    } else if (URL_SETTING.test(name) && typeof value === 'string' && isPlainHttp(value)) {
      issues.push({ name, message: 'must be an https URL in production' });
    } else if (ORIGINS_SETTING.test(name) && Array.isArray(value) && value.some((o) => typeof o === 'string' && isPlainHttp(o))) {
      issues.push({ name, message: 'every origin must be https in production' });
    }
  }
  for (const [name, bound] of Object.entries(PRODUCTION_BOUNDS)) {
    const value = s[name];
    if (typeof value !== 'number') continue;
    if (('min' in bound && value < bound.min) || ('max' in bound && value > bound.max)) {
      issues.push({ name, message: 'outside the range production allows' });
    }
  }
  return issues;
}

function isPlainHttp(url: string): boolean {
  return /^http:/i.test(url.trim());
}
