import { and, eq } from 'drizzle-orm';
import type { TokenClaims } from '../auth/jwt';
import type { CaptchaFields } from '../captcha/check';
import type { Ctx } from '../context';
import { qqBindings, users } from '../db/schema';
import { accountByLoginQuery, findAccountById, revokeTokensQuery, tokenHolder, tokenStillValid } from '../db/users';
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

export interface Me {
  user: PublicUser & { mobile: string | null };
  bindings: { provider: 'qq'; nickname: string | null; avatar: string | null; bound_at: string }[];
}

/** The account of a token: one read, which also tells whether the token was revoked. */
export async function me(ctx: Ctx, claims: TokenClaims): Promise<Me> {
  const account = await findAccountById(ctx.db, claims.userId);
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
