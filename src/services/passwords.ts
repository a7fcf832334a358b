/** The one place a password is checked: throttled, and one PBKDF2 derivation whatever happens. */
import { logWarning } from '../log';
import { eq } from 'drizzle-orm';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from '../auth/password';
import { ACCOUNT_LIMIT, CLIENT_LIMIT, enforce, reserveAccountAttempt, reserveClientAttempt, reserveUserAttempt, type Reservation } from '../auth/throttle';
import type { Ctx } from '../context';
import { seconds } from '../time';
import { users, type User } from '../db/schema';
import { AppError } from '../errors';

/** The statements that count this attempt; run them in the caller's first batch. */
export function attemptQueries(ctx: Ctx, account: { login: string } | { userId: number }) {
  const reservation =
    'userId' in account ? reserveUserAttempt(ctx.db, account.userId, ctx.now) : reserveAccountAttempt(ctx.db, account.login, ctx.now);
  return ctx.clientIp === null ? ([reservation] as const) : ([reservation, reserveClientAttempt(ctx.db, ctx.clientIp, ctx.now)] as const);
}

export function reservationsOf(accountRows: readonly Omit<Reservation, 'limit'>[], clientRows?: readonly Omit<Reservation, 'limit'>[]): Reservation[] {
  return [
    ...accountRows.map((r) => ({ ...r, limit: ACCOUNT_LIMIT })),
    ...(clientRows ?? []).map((r) => ({ ...r, limit: CLIENT_LIMIT })),
  ];
}

/**
 * Throws `too_many_attempts` over the limit, else `invalid_credentials` unless `user`
 * exists and `password` is its password. A missing account costs the same derivation
 * (against a dummy hash), so timing does not tell whether it exists.
 */
export async function checkPassword(ctx: Ctx, reservations: Reservation[], user: User | null, password: string): Promise<User> {
  enforce(reservations, ctx.now);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!ok || user === null) throw new AppError('invalid_credentials');
  if (needsRehash(user.passwordHash)) ctx.waitUntil(upgradeHash(ctx, user, password));
  return user;
}

/** Accounts from older Django shops get today's iteration count once their password is known. */
async function upgradeHash(ctx: Ctx, user: User, password: string): Promise<void> {
  try {
    const passwordHash = await hashPassword(password);
    await ctx.db.update(users).set({ passwordHash, updatedAt: seconds(ctx.now) }).where(eq(users.id, user.id));
  } catch (err) {
    logWarning('password hash upgrade failed', err);
  }
}
