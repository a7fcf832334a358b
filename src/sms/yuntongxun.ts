/**
 * 容联云 (cloopen) TemplateSMS, the seeds' provider: the account is proven by `sig`, the
 * upper-case hex MD5 of account sid + auth token + timestamp, and an `Authorization` of
 * base64(account sid ":" timestamp), the timestamp being Beijing time `yyyyMMddHHmmss`.
 * The message went out only when `statusCode` is `000000`.
 */
import * as z from 'zod/mini';
import type { Deps } from '../deps';
import { parseJson } from '../json';
import { md5Hex } from '../md5';
import type { Settings } from '../settings';
import { postToProvider, refusal, unreadable, type SmsProvider } from './provider';

const answerSchema = z.object({ statusCode: z.string(), statusMsg: z.optional(z.string()) });

export function yuntongxunProvider(settings: Settings, deps: Deps): SmsProvider {
  const {
    YUNTONGXUN_ACCOUNT_SID: sid,
    YUNTONGXUN_AUTH_TOKEN: token,
    YUNTONGXUN_APP_ID: appId,
    YUNTONGXUN_TEMPLATE_ID: templateId,
  } = settings;
  if (!sid || !token || !appId || !templateId) throw new Error('yuntongxun SMS provider is not configured');
  const base = `${settings.YUNTONGXUN_ENDPOINT}/2013-12-26/Accounts/${encodeURIComponent(sid)}/SMS/TemplateSMS`;
  return {
    async send({ mobile, code, ttlSeconds }) {
      const timestamp = beijingTimestamp(deps.now());
      const sig = md5Hex(`${sid}${token}${timestamp}`).toUpperCase();
      const body = JSON.stringify({ to: mobile, appId, templateId, datas: [code, String(Math.ceil(ttlSeconds / 60))] });
      const answer = await postToProvider(deps.fetch, `${base}?sig=${sig}`, {
        headers: {
          accept: 'application/json',
          'content-type': 'application/json;charset=utf-8',
          authorization: btoa(`${sid}:${timestamp}`),
        },
        body,
        timeoutMs: deps.timeoutMs,
      });
      const parsed = answerSchema.safeParse(parseJson(answer.text));
      if (!parsed.success) throw unreadable('yuntongxun', answer.status);
      if (parsed.data.statusCode !== '000000') throw refusal(`statusCode ${parsed.data.statusCode}`, parsed.data.statusMsg ?? '', [code, mobile]);
    },
  };
}

/** `yyyyMMddHHmmss` in Beijing time (UTC+8, no daylight saving), as 容联云 expects. */
export function beijingTimestamp(nowMs: number): string {
  return new Date(nowMs + 8 * 3600_000).toISOString().slice(0, 19).replace(/\D/g, '');
}
