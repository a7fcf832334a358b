/**
 * The captcha gate in front of paid and guessable actions (SMS sending, password routes
 * under attack). It reads and writes no storage, so a refused request costs nothing but
 * the call to the captcha service.
 */
import * as z from 'zod/mini';
import type { Ctx } from '../context';
import { AppError } from '../errors';
import { logWarning } from '../log';
import { CaptchaError } from './provider';
import { captchaVerifierFor } from './providers';

/** The request fields that carry a captcha answer; spread into a route's body schema. */
export const captchaFields = {
  // Turnstile tokens are at most 2048 characters; Tencent tickets are shorter.
  captcha_token: z.optional(z.string().check(z.maxLength(4096))),
  captcha_randstr: z.optional(z.string().check(z.maxLength(128))),
};

export interface CaptchaInput {
  captcha_token?: string | undefined;
  captcha_randstr?: string | undefined;
}

/**
 * Resolves when no captcha is configured or the service accepted the answer. Otherwise
 * throws `invalid_captcha` (missing or refused) or `captcha_unavailable` (no usable
 * answer from the service): captchas fail closed.
 */
export async function requireCaptcha(ctx: Ctx, input: CaptchaInput): Promise<void> {
  if (ctx.settings.CAPTCHA_PROVIDER === 'none') return;
  const token = input.captcha_token ?? '';
  const randstr = input.captcha_randstr || undefined;
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
