import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import { verifyToken, type TokenClaims } from '../auth/jwt';
import type { AppEnv } from '../env';
import { AppError } from '../errors';

/**
 * Requires `Authorization: Bearer <jwt>` with a valid signature; sets `userId` and
 * `tokenVersion`. Whether the token was revoked is decided by the route's own read of the
 * user row (services/session.ts `currentUser`), so checking a token costs no extra read.
 */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(c.req.header('authorization') ?? '');
  const claims = match?.[1] ? await verifyToken(c.var.settings, match[1]) : null;
  if (claims === null) throw new AppError('unauthorized');
  c.set('userId', claims.userId);
  c.set('tokenVersion', claims.version);
  await next();
});

/** The claims {@link requireUser} checked. */
export function claimsOf(c: Context<AppEnv>): TokenClaims {
  return { userId: c.var.userId, version: c.var.tokenVersion };
}

/**
 * What every password route and the SMS route accept for when a captcha is required. An
 * empty token is the same as none (`invalid_captcha` where one is required, ignored where
 * not), so a page can always send the field.
 */
export const captchaFields = {
  captcha_token: z.optional(z.string().check(z.maxLength(4096))),
  captcha_randstr: z.optional(z.string().check(z.maxLength(128))),
};
