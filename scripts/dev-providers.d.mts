export declare const DEV_PROVIDER_VARS: Record<'tencent' | 'aliyun' | 'yuntongxun', Record<string, string>>;
export declare const DEV_CAPTCHA_VARS: Record<'turnstile' | 'tencent', Record<string, string>>;
