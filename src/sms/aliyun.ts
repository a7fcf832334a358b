/**
 * Alibaba Cloud SMS: `SendSms` (version 2017-05-25), RPC style: the parameters travel in
 * the query, the body is empty, and the request is signed with ACS3-HMAC-SHA256 over
 * host and every x-acs-* header. Business refusals come with HTTP 200; gateway refusals
 * (signature, clock, nonce) with a 4xx; either way the message went out only on `Code: OK`.
 */
import * as z from 'zod/mini';
import { acs3Authorization, acs3Sign, canonicalQuery } from '../aliyun/acs3';
import { sha256Hex, toHex } from '../crypto';
import type { Deps } from '../deps';
import { parseJson } from '../json';
import type { Settings } from '../settings';
import { postToProvider, refusal, unreadable, type SmsProvider } from './provider';

const ACTION = 'SendSms';
const VERSION = '2017-05-25';

const answerSchema = z.object({ Code: z.string(), Message: z.optional(z.string()) });

export function aliyunProvider(settings: Settings, deps: Deps): SmsProvider {
  const {
    ALIYUN_ACCESS_KEY_ID: accessKeyId,
    ALIYUN_ACCESS_KEY_SECRET: secret,
    ALIYUN_SMS_SIGN_NAME: signName,
    ALIYUN_SMS_TEMPLATE_CODE: templateCode,
  } = settings;
  if (!accessKeyId || !secret || !signName || !templateCode) throw new Error('aliyun SMS provider is not configured');
  const endpoint = settings.ALIYUN_SMS_ENDPOINT;
  const host = new URL(endpoint).host;
  return {
    async send({ mobile, code }) {
      const query = {
        PhoneNumbers: mobile,
        SignName: signName,
        TemplateCode: templateCode,
        // The template's only variable is ${code}.
        TemplateParam: JSON.stringify({ code }),
      };
      // No body (so no Content-Type either): RPC parameters travel in the query.
      const payloadHash = await sha256Hex('');
      const signedHeaders: [string, string][] = [
        ['host', host],
        ['x-acs-action', ACTION],
        ['x-acs-version', VERSION],
        ['x-acs-date', new Date(deps.now()).toISOString().replace(/\.\d+Z$/, 'Z')],
        // Fresh for every request: Alibaba Cloud refuses a nonce it has seen (replay protection).
        ['x-acs-signature-nonce', toHex(crypto.getRandomValues(new Uint8Array(16)))],
        ['x-acs-content-sha256', payloadHash],
      ];
      const signed = await acs3Sign({ secret, method: 'POST', uri: '/', query, headers: signedHeaders, payloadHash });
      const headers: Record<string, string> = { authorization: acs3Authorization(accessKeyId, signed), accept: 'application/json' };
      // Host is set by fetch from the URL, which is what was signed.
      for (const [name, value] of signedHeaders) if (name !== 'host') headers[name] = value;
      const answer = await postToProvider(deps.fetch, `${endpoint}/?${canonicalQuery(query)}`, { headers, timeoutMs: deps.timeoutMs });
      const parsed = answerSchema.safeParse(parseJson(answer.text));
      if (!parsed.success) throw unreadable('aliyun', answer.status);
      if (parsed.data.Code !== 'OK') throw refusal(parsed.data.Code, parsed.data.Message ?? '', [code, mobile]);
    },
  };
}
