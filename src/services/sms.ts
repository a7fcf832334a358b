import { requireCaptcha, type CaptchaFields } from '../captcha/check';
import type { Ctx } from '../context';
import { clientKey } from '../http/client';
import { sendCode, type SentCode } from '../sms/codes';
import { smsProviderFor } from '../sms/providers';

/**
 * `POST /sms/codes`: a new code for `mobile`, through the configured provider. The
 * captcha is checked first (it writes nothing), then the limits (they send nothing).
 */
export async function sendSmsCode(ctx: Ctx, input: { mobile: string } & CaptchaFields): Promise<SentCode> {
  await requireCaptcha(ctx, input);
  const client = clientKey(ctx.clientIp);
  return sendCode(ctx.db, smsProviderFor(ctx.settings, ctx.deps), ctx.settings, { mobile: input.mobile, client }, ctx.now);
}
