/**
 * Cloudflare Turnstile: the widget's token is checked with siteverify (form-encoded
 * `secret`, `response`, `remoteip`); only `success: true` passes. siteverify refuses a
 * token it has already answered for (`timeout-or-duplicate`), so each token passes once.
 */
import * as z from 'zod/mini';
import type { Deps } from '../deps';
import { parseJson } from '../json';
import type { Settings } from '../settings';
import { CaptchaError, postToCaptcha, type CaptchaVerifier } from './provider';

const siteverifyAnswer = z.object({
  success: z.boolean(),
  'error-codes': z.optional(z.array(z.string())),
});

/**
 * Error codes that blame our request or Cloudflare, not the visitor's token: the check
 * could not be made, which is `unavailable` (and still a refusal).
 */
const NOT_THE_TOKEN = new Set(['missing-input-secret', 'invalid-input-secret', 'bad-request', 'internal-error']);

export function turnstileCaptcha(settings: Settings, deps: Deps): CaptchaVerifier {
  const secret = settings.TURNSTILE_SECRET_KEY;
  if (!secret) throw new Error('turnstile captcha is not configured');
  const url = settings.TURNSTILE_VERIFY_URL;
  return {
    async verify({ token, clientIp }) {
      const form = new URLSearchParams({ secret, response: token });
      if (clientIp !== null) form.set('remoteip', clientIp);
      const answer = await postToCaptcha(deps.fetch, url, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        timeoutMs: deps.timeoutMs,
      });
      const parsed = siteverifyAnswer.safeParse(parseJson(answer.text));
      if (answer.status !== 200 || !parsed.success) throw new CaptchaError('unavailable', `siteverify answered HTTP ${answer.status} without a verdict`);
      if (parsed.data.success === true) return;
      const codes = parsed.data['error-codes'] ?? [];
      const detail = `siteverify: ${codes.join(', ') || 'no error codes'}`;
      throw new CaptchaError(codes.some((c) => NOT_THE_TOKEN.has(c)) ? 'unavailable' : 'rejected', detail);
    },
  };
}
