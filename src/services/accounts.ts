import { and, eq } from 'drizzle-orm';
import type { TokenClaims } from '../auth/jwt';
import type { CaptchaFields } from '../captcha/check';
import type { Ctx } from '../context';
import type { Me } from '../contract';
import { qqBindings, users } from '../db/schema';
import { accountByLoginQuery, findAccountById, revokeTokensQuery, tokenHolder, tokenStillValid, type Account } from '../db/users';
import { AppError } from '../errors';
import { attemptCountsQuery, checkPassword } from './passwords';
import { currentUser, loggedIn, maskMobileOrNull, publicUser, type LoggedIn, type PublicUser } from './session';

/** Username or mobile + password. Writes nothing when the password is right. */
export async function passwordLogin(ctx: Ctx, login: string, password: string, captcha: CaptchaFields): Promise<LoggedIn> {
  const target = { login };
  const [found, counts] = await ctx.db.batch([accountByLoginQuery(ctx.db, login), attemptCountsQuery(ctx, target)]);
  const user = await checkPassword(ctx, target, counts, found[0]?.user ?? null, password, captcha);
  return loggedIn(ctx, user);
}

export type { Me };

/** The account of a token: one read near the user, which also tells whether the token was revoked. */
export async function me(ctx: Ctx, claims: TokenClaims): Promise<Me> {
  const account = await tokenAccount(ctx, claims);
  const user = currentUser(account?.user, claims);
  const binding = account?.binding ?? null;
  return {
    user: { ...publicUser(user), mobile: maskMobileOrNull(user.mobile) },
    bindings:
      binding === null
        ? []
        : [{ provider: 'qq', nickname: binding.nickname, avatar: binding.avatar, bound_at: isoTime(binding.createdAt) }],
  };
}

/**
 * The account a token stands for, as a read replica near the user knows it. A replica that
 * does not know the account or the token's version yet (a client without the bookmark
 * cookie, right after a bind or a password change) is not the last word: the primary is.
 * (A bookmark D1 refuses sends the read there too: src/db/client.ts.) Token versions only
 * grow, so a replica that knows a newer one than the token's has the last word on a
 * revoked token.
 */
async function tokenAccount(ctx: Ctx, claims: TokenClaims): Promise<Account | null> {
  const account = await findAccountById(ctx.d1, 'replica', claims.userId);
  if (account !== null && account.user.tokenVersion >= claims.version) return account;
  return findAccountById(ctx.d1, 'primary', claims.userId);
}

/** Removes the account's QQ binding; `not_found` when there is none. One round trip. */
export async function unbindQQ(ctx: Ctx, claims: TokenClaims): Promise<void> {
  const { db } = ctx;
  const [holder, removed] = await db.batch([
    db.select({ isActive: users.isActive, tokenVersion: users.tokenVersion }).from(users).where(eq(users.id, claims.userId)),
    db
      .delete(qqBindings)
      .where(and(eq(qqBindings.userId, claims.userId), tokenStillValid(db, claims)))
      .returning({ id: qqBindings.id }),
  ]);
  currentUser(holder[0], claims);
  if (removed.length === 0) throw new AppError('not_found');
}

/** `POST /users/logout`: revokes every token of the user issued so far, this one included. */
export async function logout(ctx: Ctx, claims: TokenClaims): Promise<void> {
  const revoked = await revokeTokensQuery(ctx.db, tokenHolder(claims));
  if (revoked.length === 0) throw new AppError('unauthorized');
}

function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
