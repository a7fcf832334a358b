/**
 * Worker settings that choose each real SMS provider (and Tencent Captcha), pointed at the
 * fakes the harness reaches by host, with the fakes' accounts.
 */
import { FAKE_TENCENT_CAPTCHA } from '../fakes/captcha/tencent';
import { FAKE_ALIYUN } from '../fakes/sms/aliyun';
import { FAKE_TENCENT } from '../fakes/sms/tencent';
import { FAKE_YUNTONGXUN } from '../fakes/sms/yuntongxun';

export const TENCENT_SMS = {
  SMS_PROVIDER: 'tencent',
  TENCENT_SECRET_ID: FAKE_TENCENT.secretId,
  TENCENT_SECRET_KEY: FAKE_TENCENT.secretKey,
  TENCENT_SMS_SDK_APP_ID: FAKE_TENCENT.sdkAppId,
  TENCENT_SMS_SIGN_NAME: FAKE_TENCENT.signName,
  TENCENT_SMS_TEMPLATE_ID: FAKE_TENCENT.templateId,
  TENCENT_SMS_ENDPOINT: 'http://sms-tencent.test',
};

export const ALIYUN_SMS = {
  SMS_PROVIDER: 'aliyun',
  ALIYUN_ACCESS_KEY_ID: FAKE_ALIYUN.accessKeyId,
  ALIYUN_ACCESS_KEY_SECRET: FAKE_ALIYUN.accessKeySecret,
  ALIYUN_SMS_SIGN_NAME: FAKE_ALIYUN.signName,
  ALIYUN_SMS_TEMPLATE_CODE: FAKE_ALIYUN.templateCode,
  ALIYUN_SMS_ENDPOINT: 'http://sms-aliyun.test',
};

export const YUNTONGXUN_SMS = {
  SMS_PROVIDER: 'yuntongxun',
  YUNTONGXUN_ACCOUNT_SID: FAKE_YUNTONGXUN.accountSid,
  YUNTONGXUN_AUTH_TOKEN: FAKE_YUNTONGXUN.authToken,
  YUNTONGXUN_APP_ID: FAKE_YUNTONGXUN.appId,
  YUNTONGXUN_TEMPLATE_ID: FAKE_YUNTONGXUN.templateId,
  YUNTONGXUN_ENDPOINT: 'http://sms-yuntongxun.test',
};

export const TENCENT_CAPTCHA = {
  CAPTCHA_PROVIDER: 'tencent',
  TENCENT_SECRET_ID: FAKE_TENCENT.secretId,
  TENCENT_SECRET_KEY: FAKE_TENCENT.secretKey,
  TENCENT_CAPTCHA_APP_ID: String(FAKE_TENCENT_CAPTCHA.captchaAppId),
  TENCENT_CAPTCHA_APP_SECRET_KEY: FAKE_TENCENT_CAPTCHA.appSecretKey,
  TENCENT_CAPTCHA_ENDPOINT: 'http://captcha-tencent.test',
};

/** Every secret above: none may ever reach a log line. */
export const PROVIDER_SECRETS = [
  FAKE_TENCENT.secretKey,
  FAKE_ALIYUN.accessKeySecret,
  FAKE_YUNTONGXUN.authToken,
  FAKE_TENCENT_CAPTCHA.appSecretKey,
];
