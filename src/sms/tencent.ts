/**
 * Tencent Cloud SMS: API 3.0 `SendSms` (version 2021-01-11), TC3-signed. Tencent answers
 * HTTP 200 either way; the message went out only when there is no `Response.Error` and
 * the number's status code is `Ok`.
 */
import * as z from 'zod/mini';
import type { Deps } from '../deps';
import type { Settings } from '../settings';
import { readTencentAnswer, tencentHeaders } from '../tencent/api';
import { postToProvider, refusal, unreadable, type SmsProvider } from './provider';

const sendSmsAnswer = z.object({
  SendStatusSet: z.array(z.object({ Code: z.string(), Message: z.string() })),
});

export function tencentProvider(settings: Settings, deps: Deps): SmsProvider {
  const {
    TENCENT_SECRET_ID: secretId,
    TENCENT_SECRET_KEY: secretKey,
    TENCENT_SMS_SDK_APP_ID: sdkAppId,
    TENCENT_SMS_SIGN_NAME: signName,
    TENCENT_SMS_TEMPLATE_ID: templateId,
  } = settings;
  if (!secretId || !secretKey || !sdkAppId || !signName || !templateId) throw new Error('tencent SMS provider is not configured');
  const endpoint = settings.TENCENT_SMS_ENDPOINT;
  return {
    async send({ mobile, code, ttlSeconds }) {
      const minutes = String(Math.ceil(ttlSeconds / 60));
      const body = JSON.stringify({
        PhoneNumberSet: [`+86${mobile}`],
        SmsSdkAppId: sdkAppId,
        SignName: signName,
        TemplateId: templateId,
        // The approved template's {1} and, when it has one, {2}.
        TemplateParamSet: settings.TENCENT_SMS_TEMPLATE_PARAMS === 'code' ? [code] : [code, minutes],
      });
      const headers = await tencentHeaders({
        secretId,
        secretKey,
        service: 'sms',
        endpoint,
        action: 'SendSms',
        version: '2021-01-11',
        region: settings.TENCENT_SMS_REGION,
        body,
        nowMs: deps.now(),
      });
      const answer = await postToProvider(deps.fetch, `${endpoint}/`, { headers, body, timeoutMs: deps.timeoutMs });
      const read = readTencentAnswer(answer.text, sendSmsAnswer);
      if (read === null) throw unreadable('tencent', answer.status);
      if ('error' in read) throw refusal(read.error.code, read.error.message, [code, mobile]);
      const status = read.response.SendStatusSet[0];
      if (status === undefined) throw unreadable('tencent', answer.status);
      if (status.Code !== 'Ok') throw refusal(status.Code, status.Message, [code, mobile]);
    },
  };
}
