/**
 * Where a route requires a captcha. Until a verifier for the configured provider is
 * plugged in here, every answer is refused whenever `CAPTCHA_PROVIDER` is not `none`:
 * a captcha that cannot be verified is never treated as passed.
 */
import type { Ctx } from '../context';
import { AppError } from '../errors';

export interface CaptchaFields {
  captcha_token?: string | undefined;
  captcha_randstr?: string | undefined;
}

/** Resolves when no captcha is configured or the answer verified; throws `invalid_captcha` otherwise. */
export async function requireCaptcha(ctx: Ctx, _fields: CaptchaFields): Promise<void> {
  if (ctx.settings.CAPTCHA_PROVIDER !== 'none') throw new AppError('invalid_captcha');
}
