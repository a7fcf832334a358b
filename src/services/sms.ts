import type { Ctx } from '../context';
import { sendCode, type SentCode } from '../sms/codes';
import { smsProviderFor } from '../sms/providers';

/** `POST /sms/codes`: a new code for `mobile`, through the configured provider. */
export async function sendSmsCode(ctx: Ctx, mobile: string): Promise<SentCode> {
  return sendCode(ctx.db, smsProviderFor(ctx.settings, ctx.deps), ctx.settings, mobile, ctx.now);
}
