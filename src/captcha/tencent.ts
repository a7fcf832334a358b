/**
 * Tencent Cloud Captcha (腾讯验证码): API 3.0 `DescribeCaptchaResult` (version 2019-07-22),
 * TC3-signed. The ticket passed only when `Response.CaptchaCode` is 1. Anything else fails
 * closed: a refused ticket is `rejected`; no usable answer, or an error that is ours or the
 * service's rather than the ticket's (credentials, limits, outages), is `unavailable`.
 */
import * as z from 'zod/mini';
import type { Deps } from '../deps';
import type { Settings } from '../settings';
import { readTencentAnswer, tencentHeaders } from '../tencent/api';
import { CaptchaError, postToCaptcha, type CaptchaVerifier } from './provider';

const answerSchema = z.object({ CaptchaCode: z.number(), CaptchaMsg: z.optional(z.string()) });

// Error codes that say nothing about the ticket: the worker's keys, quotas or the service itself.
const NOT_THE_TICKET = /^(AuthFailure|InternalError|RequestLimitExceeded|ResourceUnavailable|ResourceInsufficient|UnauthorizedOperation|ServiceUnavailable|LimitExceeded)\b/;

export function tencentCaptcha(settings: Settings, deps: Deps): CaptchaVerifier {
  const {
    TENCENT_SECRET_ID: secretId,
    TENCENT_SECRET_KEY: secretKey,
    TENCENT_CAPTCHA_APP_ID: appId,
    TENCENT_CAPTCHA_APP_SECRET_KEY: appSecretKey,
  } = settings;
  if (!secretId || !secretKey || !appId || !appSecretKey) throw new Error('tencent captcha is not configured');
  const endpoint = settings.TENCENT_CAPTCHA_ENDPOINT;
  return {
    async verify({ token, randstr, clientIp }) {
      if (!randstr) throw new CaptchaError('rejected', 'the ticket came without its randstr');
      const body = JSON.stringify({
        CaptchaType: 9,
        Ticket: token,
        Randstr: randstr,
        UserIp: clientIp ?? '',
        CaptchaAppId: Number(appId),
        AppSecretKey: appSecretKey,
      });
      const headers = await tencentHeaders({
        secretId,
        secretKey,
        service: 'captcha',
        endpoint,
        action: 'DescribeCaptchaResult',
        version: '2019-07-22',
        body,
        nowMs: deps.now(),
      });
      const { status, text } = await postToCaptcha(deps.fetch, `${endpoint}/`, { headers, body, timeoutMs: deps.timeoutMs });
      if (status !== 200) throw new CaptchaError('unavailable', `captcha service answered HTTP ${status}`);
      const read = readTencentAnswer(text, answerSchema);
      if (read === null) throw new CaptchaError('unavailable', 'captcha service answered something unreadable');
      const words = (code: string | number, message = '') => `${code}: ${message.replaceAll(token, '[ticket]').slice(0, 200)}`;
      if ('error' in read) {
        throw new CaptchaError(NOT_THE_TICKET.test(read.error.code) ? 'unavailable' : 'rejected', words(read.error.code, read.error.message));
      }
      if (read.response.CaptchaCode !== 1) throw new CaptchaError('rejected', words(read.response.CaptchaCode, read.response.CaptchaMsg));
    },
  };
}
