// Worker settings that point each real SMS provider, and Tencent Captcha, at its fake on the
// dev server (fakes/providers.ts mounts them under these paths on :8788, with these
// development accounts). `SMS_PROVIDER=tencent npm run dev` passes one block as --var
// (which wins over .dev.vars). Every secret here is refused in production.
const FAKES = 'http://localhost:8788';

export const DEV_PROVIDER_VARS = {
  tencent: {
    SMS_PROVIDER: 'tencent',
    TENCENT_SECRET_ID: 'AKIDfakeTencentSecretId0000000000000',
    TENCENT_SECRET_KEY: 'fake-tencent-secret-key-000000000',
    TENCENT_SMS_SDK_APP_ID: '1400000000',
    TENCENT_SMS_SIGN_NAME: '美多商城',
    TENCENT_SMS_TEMPLATE_ID: '1000001',
    TENCENT_SMS_ENDPOINT: `${FAKES}/sms/tencent`,
  },
  aliyun: {
    SMS_PROVIDER: 'aliyun',
    ALIYUN_ACCESS_KEY_ID: 'LTAIfakeAliyunAccessKey0',
    ALIYUN_ACCESS_KEY_SECRET: 'fake-aliyun-access-key-secret-000',
    ALIYUN_SMS_SIGN_NAME: '美多商城',
    ALIYUN_SMS_TEMPLATE_CODE: 'SMS_000000001',
    ALIYUN_SMS_ENDPOINT: `${FAKES}/sms/aliyun`,
  },
  yuntongxun: {
    SMS_PROVIDER: 'yuntongxun',
    YUNTONGXUN_ACCOUNT_SID: '8a216da8fake0000000000000000sid1',
    YUNTONGXUN_AUTH_TOKEN: 'fake0000yuntongxun0000authtoken1',
    YUNTONGXUN_APP_ID: '8a216da8fake0000000000000000app1',
    YUNTONGXUN_TEMPLATE_ID: '1',
    YUNTONGXUN_ENDPOINT: `${FAKES}/sms/yuntongxun`,
  },
};

/**
 * CAPTCHA_PROVIDER=turnstile|tencent against the fake captcha services and their widgets
 * (fakes/captcha/; tokens also from POST /captcha/turnstile/__fake/tokens, tickets from
 * POST /captcha/tencent/__fake/tickets).
 */
export const DEV_CAPTCHA_VARS = {
  turnstile: {
    CAPTCHA_PROVIDER: 'turnstile',
    TURNSTILE_SITE_KEY: '0xFAKE0000000000000000AA',
    TURNSTILE_SECRET_KEY: 'dev-only-turnstile-secret',
    TURNSTILE_VERIFY_URL: `${FAKES}/captcha/turnstile/turnstile/v0/siteverify`,
    TURNSTILE_SCRIPT_URL: `${FAKES}/captcha/turnstile/turnstile/v0/api.js`,
  },
  tencent: {
    CAPTCHA_PROVIDER: 'tencent',
    TENCENT_SECRET_ID: 'AKIDfakeTencentSecretId0000000000000',
    TENCENT_SECRET_KEY: 'fake-tencent-secret-key-000000000',
    TENCENT_CAPTCHA_APP_ID: '190000000',
    TENCENT_CAPTCHA_APP_SECRET_KEY: 'fake-captcha-app-secret-key-0000',
    TENCENT_CAPTCHA_ENDPOINT: `${FAKES}/captcha/tencent`,
    TENCENT_CAPTCHA_SCRIPT_URL: `${FAKES}/captcha/tcaptcha/TCaptcha.js`,
  },
};
