// A fake Tencent Cloud SMS (sms.tencentcloudapi.com): API 3.0 `SendSms`, version 2021-01-11.
// The gateway checks (headers, timestamp window, TC3 signature) are in ../tencent/gateway.ts;
// this file checks the body against the account's approved signature and template.
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { checkTencentCall, tencentAnswer, tencentError, type TencentApi, type TencentKeys } from '../tencent/gateway';
import { controls, GARBAGE_HTML, hang, inProcess, Outbox, withDefaults, type FakeEnv, type FakeMode } from '../kit';

export interface FakeTencentSmsOptions extends Partial<TencentKeys> {
  sdkAppId?: string;
  signName?: string;
  templateId?: string;
  /** How many parameters the approved template has: 1 (`{1}` = code) or 2 (`{2}` = minutes). */
  templateParams?: number;
  now?: () => number;
  /** Where delivered codes are shown (the dev server passes console.log). */
  log?: (line: string) => void;
}

/** The development account (the values `.dev.vars.example` and scripts/dev.mjs use). */
export const FAKE_TENCENT: TencentKeys & { sdkAppId: string; signName: string; templateId: string } = {
  secretId: 'AKIDfakeTencentSecretId0000000000000',
  secretKey: 'fake-tencent-secret-key-000000000',
  sdkAppId: '1400000000',
  signName: '美多商城',
  templateId: '1000001',
};

type Account = Required<Omit<FakeTencentSmsOptions, 'log'>> & Pick<FakeTencentSmsOptions, 'log'>;

const API: TencentApi = { service: 'sms', action: 'SendSms', version: '2021-01-11', regions: ['ap-guangzhou', 'ap-beijing', 'ap-nanjing'] };

const bodySchema = z.object({
  PhoneNumberSet: z.array(z.string()),
  SmsSdkAppId: z.string(),
  SignName: z.optional(z.string()),
  TemplateId: z.string(),
  TemplateParamSet: z.optional(z.array(z.string())),
});

const err = (Code: string, Message: string) => tencentError({ Code, Message });

export interface FakeTencentSms {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  readonly outbox: Outbox;
  mode: FakeMode;
  reset(): void;
}

export function createFakeTencentSms(options: FakeTencentSmsOptions = {}): FakeTencentSms {
  const account = withDefaults<Account>({ ...FAKE_TENCENT, templateParams: 2, now: Date.now }, options);
  const fake: FakeTencentSms = {
    fetch: () => Promise.reject(new Error('not ready')),
    outbox: new Outbox(account.log, 'tencent sms'),
    mode: 'normal',
    reset() {
      fake.mode = 'normal';
      fake.outbox.clear();
    },
  };
  const app = new Hono<FakeEnv>();
  app.route('/__fake', controls(fake));
  app.post('/', async (c) => {
    if (fake.mode === 'hang') return hang(c.env.signal);
    if (fake.mode === 'garbage') return c.html(GARBAGE_HTML);
    if (fake.mode === 'fail') return err('InternalError', 'An internal error has occurred. Retry your request, but if the problem persists, contact us.');
    const body = await c.req.text();
    const refused = await checkTencentCall(c.req.raw, body, API, account, account.now());
    if (refused !== null) return tencentError(refused);

    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return err('FailedOperation.JsonParseFail', '解析请求包体时候失败。');
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success) return err('MissingParameter', `缺少参数错误: ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
    const request = parsed.data;
    if (request.PhoneNumberSet.length === 0) return err('MissingParameter.EmptyPhoneNumberSet', '传入的号码列表为空，请确认您的参数中是否传入号码。');
    if (request.SmsSdkAppId !== account.sdkAppId) return err('InvalidParameterValue.SdkAppIdNotExist', 'SdkAppId 不存在。');
    if (request.SignName !== account.signName) return err('FailedOperation.SignatureIncorrectOrUnapproved', '签名未审批或格式错误。');
    if (request.TemplateId !== account.templateId) return err('FailedOperation.TemplateIncorrectOrUnapproved', '模板未审批或内容不匹配。');
    const params = request.TemplateParamSet ?? [];
    if (params.length !== account.templateParams) {
      return err('FailedOperation.TemplateParamSetNotMatchApprovedTemplate', '请求内容与审核通过的模板内容不匹配。');
    }
    if (!params.every((p) => /^\d{0,6}$/.test(p))) {
      return err('InvalidParameterValue.TemplateParameterFormatError', '验证码模板参数格式错误，验证码类模板，模板变量只能传入0-6位（包括6位）纯数字。');
    }
    // One status per number; a refused number does not stop the others.
    const SendStatusSet = request.PhoneNumberSet.map((phone) => {
      const mobile = /^\+861[3-9]\d{9}$/.test(phone) ? phone.slice(3) : null;
      const status = { SerialNo: '', PhoneNumber: phone, Fee: 0, SessionContext: '', IsoCode: 'CN' };
      if (mobile === null) return { ...status, Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: '手机号格式错误。', IsoCode: 'DEF' };
      if (fake.mode === 'refuse') {
        return { ...status, Code: 'LimitExceeded.PhoneNumberDailyLimit', Message: '单个手机号日下发短信条数超过设定的上限，可自行到控制台调整短信频率限制策略。' };
      }
      fake.outbox.deliver({ mobile, code: params[0] ?? '', params });
      return { ...status, SerialNo: `2433:${crypto.randomUUID()}`, Fee: 1, Code: 'Ok', Message: 'send success' };
    });
    return tencentAnswer({ SendStatusSet });
  });
  fake.fetch = inProcess(app);
  return fake;
}
