import { hmacSha256, toHex } from '../crypto';
import type { Deps } from '../deps';
import type { Settings } from '../settings';
import { postToProvider, SmsSendError, type SmsProvider } from './provider';

/**
 * POSTs `{ mobile, code, ttl }` to SMS_WEBHOOK_URL, signed with
 * `X-Signature: sha256=<hex HMAC-SHA256 of the exact body>`. Anything but a 2xx within
 * the timeout is a failure.
 */
export function webhookProvider(settings: Settings, deps: Deps): SmsProvider {
  const { SMS_WEBHOOK_URL: url, SMS_WEBHOOK_SECRET: secret } = settings;
  if (!url || !secret) throw new Error('webhook provider is not configured');
  return {
    async send({ mobile, code, ttlSeconds }) {
      const body = JSON.stringify({ mobile, code, ttl: ttlSeconds });
      const signature = toHex(await hmacSha256(secret, body));
      const answer = await postToProvider(deps.fetch, url, {
        headers: { 'content-type': 'application/json', 'x-signature': `sha256=${signature}` },
        body,
        timeoutMs: deps.timeoutMs,
      });
      if (answer.status < 200 || answer.status > 299) throw new SmsSendError('refused', `webhook answered HTTP ${answer.status}`);
    },
  };
}
