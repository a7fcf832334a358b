// The fake SMS gateways and captcha service, each with its own state, and where each is
// reached: by host in the tests (test/harness.ts routes the worker's outbound fetch by
// host), by path prefix on the dev server (http://localhost:8788/<prefix>).
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

export interface ProviderService {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

/** Where a fake is reached: `host` in the tests, `prefix` on the dev server. */
export interface ProviderMount {
  readonly host: string;
  readonly prefix: string;
  readonly service: ProviderService;
}

export interface ProviderFakes {
  readonly tencentSms: FakeTencentSms;
  readonly aliyunSms: FakeAliyunSms;
  readonly yuntongxun: FakeYuntongxun;
  readonly tencentCaptcha: FakeTencentCaptcha;
  readonly mounts: readonly ProviderMount[];
}

export function createProviderFakes(options: ProviderFakesOptions = {}): ProviderFakes {
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

/** The mounted fake whose prefix starts `request`'s path, called with the prefix removed; null when none. */
export function serveByPrefix(mounts: readonly ProviderMount[], request: Request): Promise<Response> | null {
  const url = new URL(request.url);
  const mount = mounts.find(({ prefix }) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
  if (mount === undefined) return null;
  url.pathname = url.pathname.slice(mount.prefix.length) || '/';
  return mount.service.fetch(new Request(url, request));
}
