// The fake SMS gateways and captcha service, each with its own state, and where each is
// mounted (createFakes in app.ts adds these mounts beside QQ's): by host in the tests, by
// path prefix on the dev server (http://localhost:8788/<prefix>).
import type { Mount } from './app';
import { createFakeTencentCaptcha, type FakeTencentCaptcha, type FakeTencentCaptchaOptions } from './captcha/tencent';
import { createFakeAliyunSms, type FakeAliyunSms, type FakeAliyunSmsOptions } from './sms/aliyun';
import { createFakeTencentSms, type FakeTencentSms, type FakeTencentSmsOptions } from './sms/tencent';
import { createFakeYuntongxun, type FakeYuntongxun, type FakeYuntongxunOptions } from './sms/yuntongxun';

export interface ProviderFakesOptions {
  tencentSms?: FakeTencentSmsOptions;
  aliyunSms?: FakeAliyunSmsOptions;
  yuntongxun?: FakeYuntongxunOptions;
  tencentCaptcha?: FakeTencentCaptchaOptions;
}

export interface ProviderFakes {
  readonly tencentSms: FakeTencentSms;
  readonly aliyunSms: FakeAliyunSms;
  readonly yuntongxun: FakeYuntongxun;
  readonly tencentCaptcha: FakeTencentCaptcha;
}

export function createProviderFakes(options: ProviderFakesOptions = {}): ProviderFakes & { mounts: Mount[] } {
  const tencentSms = createFakeTencentSms(options.tencentSms);
  const aliyunSms = createFakeAliyunSms(options.aliyunSms);
  const yuntongxun = createFakeYuntongxun(options.yuntongxun);
  const tencentCaptcha = createFakeTencentCaptcha(options.tencentCaptcha);
  return {
    tencentSms,
    aliyunSms,
    yuntongxun,
    tencentCaptcha,
    mounts: [
      { host: 'sms-tencent.test', prefix: '/sms/tencent', service: tencentSms },
      { host: 'sms-aliyun.test', prefix: '/sms/aliyun', service: aliyunSms },
      { host: 'sms-yuntongxun.test', prefix: '/sms/yuntongxun', service: yuntongxun },
      { host: 'captcha-tencent.test', prefix: '/captcha/tencent', service: tencentCaptcha },
    ],
  };
}
