import { eq } from 'drizzle-orm';
import { releaseAttempts } from '../auth/throttle';
import type { Ctx } from '../context';
import type { Me } from '../contract';
import { qqBindings } from '../db/schema';
import { accountByLoginQuery, findAccountById } from '../db/users';
import { AppError } from '../errors';
import { attemptQueries, checkPassword, reservationsOf } from './passwords';
import { loggedIn, maskMobileOrNull, publicUser, type LoggedIn, type PublicUser } from './session';

/** Username or mobile + password. */
export async function passwordLogin(ctx: Ctx, login: string, password: string): Promise<LoggedIn> {
  const [found, accountRows, clientRows] = await ctx.db.batch([accountByLoginQuery(ctx.db, login), ...attemptQueries(ctx, { login })]);
  const reservations = reservationsOf(accountRows, clientRows);
  const user = await checkPassword(ctx, reservations, found[0]?.user ?? null, password);
  await releaseAttempts(ctx.db, reservations);
  return loggedIn(ctx, user);
}

export type { Me };

export async function me(ctx: Ctx, userId: number): Promise<Me> {
  const account = await findAccountById(ctx.db, userId);
  // A token for an account that no longer exists is no longer a login.
  if (account === null) throw new AppError('unauthorized');
  const { user, binding } = account;
  return {
    user: { ...publicUser(user), mobile: maskMobileOrNull(user.mobile) },
    bindings:
      binding === null
        ? []
        : [{ provider: 'qq', nickname: binding.nickname, avatar: binding.avatar, bound_at: isoTime(binding.createdAt) }],
  };
}

/** Removes the account's QQ binding; `not_found` when there is none. */
export async function unbindQQ(ctx: Ctx, userId: number): Promise<void> {
  const removed = await ctx.db.delete(qqBindings).where(eq(qqBindings.userId, userId)).returning({ id: qqBindings.id });
  if (removed.length === 0) throw new AppError('not_found');
}

function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
