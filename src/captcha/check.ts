/**
 * The captcha gate in front of paid and guessable actions (SMS sending, password routes
 * under attack). It reads and writes no storage, so a refused request costs nothing but
 * the call to the captcha service. The request fields are `captchaFields` of
 * src/http/auth.ts.
 */
import type { Ctx } from '../context';
import { AppError } from '../errors';
import { logWarning } from '../log';
import { CaptchaError } from './provider';
import { captchaVerifierFor } from './providers';

export interface CaptchaFields {
  captcha_token?: string | undefined;
  captcha_randstr?: string | undefined;
}

/**
 * Resolves when no captcha is configured or the service accepted the answer. Otherwise
 * throws `invalid_captcha` (missing or refused) or `captcha_unavailable` (no usable
 * answer from the service): captchas fail closed.
 */
export async function requireCaptcha(ctx: Ctx, fields: CaptchaFields): Promise<void> {
  if (ctx.settings.CAPTCHA_PROVIDER === 'none') return;
  const token = fields.captcha_token ?? '';
  const randstr = fields.captcha_randstr || undefined;
  // Tencent's ticket is only half the answer; without its randstr it cannot pass.
  if (token === '' || (ctx.settings.CAPTCHA_PROVIDER === 'tencent' && randstr === undefined)) throw new AppError('invalid_captcha');
  try {
    const verifier = captchaVerifierFor(ctx.settings, ctx.deps);
    if (verifier === null) throw new CaptchaError('unavailable', 'no captcha verifier for the configured provider');
    await verifier.verify({ token, randstr, clientIp: ctx.clientIp });
  } catch (err) {
    if (!(err instanceof CaptchaError)) throw err;
    if (err.failure === 'rejected') throw new AppError('invalid_captcha');
    logWarning('captcha service gave no usable answer; refusing', err);
    throw new AppError('captcha_unavailable');
  }
}
