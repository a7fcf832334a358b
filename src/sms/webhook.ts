import { hmacSha256, toHex } from '../crypto';
import type { Deps } from '../deps';
import type { Settings } from '../settings';
import { SmsSendError, type SmsProvider } from './provider';

/**
 * POSTs `{ mobile, code, ttl }` to SMS_WEBHOOK_URL, signed with
 * `X-Signature: sha256=<hex HMAC-SHA256 of the exact body>`. Anything but a 2xx within
 * the timeout is a failure.
 */
export function webhookProvider(settings: Settings, deps: Deps): SmsProvider {
  const url = settings.SMS_WEBHOOK_URL;
  const secret = settings.SMS_WEBHOOK_SECRET;
  if (!url || !secret) throw new SmsSendError('webhook provider is not configured');
  return {
    async send({ mobile, code, ttlSeconds }) {
      const body = JSON.stringify({ mobile, code, ttl: ttlSeconds });
      const signature = toHex(await hmacSha256(secret, body));
      let response: Response;
      try {
        response = await deps.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature': `sha256=${signature}` },
          body,
          signal: AbortSignal.timeout(deps.timeoutMs),
        });
        await response.body?.cancel();
      } catch {
        throw new SmsSendError('webhook unreachable or timed out');
      }
      if (!response.ok) throw new SmsSendError(`webhook answered HTTP ${response.status}`);
    },
  };
}
