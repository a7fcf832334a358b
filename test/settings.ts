/** Settings the tests run with; QQ_API_BASE points at the in-process fake QQ. */
export const TEST_SETTINGS = {
  QQ_APP_ID: '101000001',
  QQ_APP_KEY: 'fake-qq-app-key-0000000000000000',
  QQ_REDIRECT_URI: 'http://localhost:8787/login/qq/callback',
  QQ_API_BASE: 'http://fake-qq.test',
  QQ_UNIONID: 'false',
  JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
  JWT_TTL_SECONDS: '86400',
  JWT_ISSUER: 'qq-login-worker',
  TOKEN_ENCRYPTION_KEY: 'dGVzdC1vbmx5LXRva2VuLWtleS0zMi1ieXRlcy1hYmM=',
  ALLOWED_REDIRECT_ORIGINS: 'https://shop.example.com',
  CORS_ORIGINS: 'https://shop.example.com',
  SMS_PROVIDER: 'webhook',
  SMS_WEBHOOK_URL: 'http://sms-webhook.test/send',
  SMS_WEBHOOK_SECRET: 'test-webhook-secret-0123456789',
  SMS_CODE_TTL_SECONDS: '300',
  SMS_RESEND_SECONDS: '60',
  SMS_MAX_ATTEMPTS: '5',
  BIND_TICKET_TTL_SECONDS: '600',
  ENVIRONMENT: 'development',
};

/**
 * A captcha before SMS and past the password thresholds: the fake Turnstile of the
 * harness answers at this host with these keys. Kept out of TEST_SETTINGS, whose values
 * must also pass production's checks (an http URL would not).
 */
export const TURNSTILE_ON = {
  CAPTCHA_PROVIDER: 'turnstile',
  TURNSTILE_SITE_KEY: '0xFAKE0000000000000000AA',
  TURNSTILE_SECRET_KEY: 'test-turnstile-secret-0123456789',
  TURNSTILE_VERIFY_URL: 'http://challenges.cloudflare.test/turnstile/v0/siteverify',
};
