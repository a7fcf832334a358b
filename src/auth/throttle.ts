/**
 * Password-guessing limits, counted in D1 (`login_failures`). An attempt is reserved
 * (counted) before the password is checked, so concurrent guesses cannot slip past the
 * limit; a success gives the reservation back.
 */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { seconds } from '../time';
import { loginFailures } from '../db/schema';
import { accountIdByLogin } from '../db/users';
import { AppError } from '../errors';

export const WINDOW_SECONDS = 15 * 60;
export const ACCOUNT_LIMIT = 10;
/** Per client address: generous, for shared NATs; only where Cloudflare names the client. */
export const CLIENT_LIMIT = 100;

export interface Reservation {
  key: string;
  failures: number;
  windowStartedAt: number;
  limit: number;
}

/**
 * Counts one attempt for the account `login` names (by its id, so username and mobile
 * share a count), or for the name itself when no account has it: the answer is the same
 * either way, so it does not tell whether the account exists.
 */
export function reserveAccountAttempt(db: Database, login: string, nowMs: number) {
  return reserve(db, sql`COALESCE('account:' || ${accountIdByLogin(login)}, 'name:' || ${login})`, nowMs);
}

/** Counts one attempt for an account already looked up. */
export function reserveUserAttempt(db: Database, userId: number, nowMs: number) {
  return reserve(db, sql`${`account:${userId}`}`, nowMs);
}

export function reserveClientAttempt(db: Database, client: string, nowMs: number) {
  return reserve(db, sql`${`client:${client}`}`, nowMs);
}

function reserve(db: Database, key: ReturnType<typeof sql>, nowMs: number) {
  const now = seconds(nowMs);
  const expired = sql`${loginFailures.windowStartedAt} <= ${now - WINDOW_SECONDS}`;
  return db
    .insert(loginFailures)
    .values({ key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: {
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${loginFailures.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${expired} THEN ${now} ELSE ${loginFailures.windowStartedAt} END`,
      },
    })
    .returning({ key: loginFailures.key, failures: loginFailures.failures, windowStartedAt: loginFailures.windowStartedAt });
}

/** Throws `too_many_attempts` when any reservation went over its limit. */
export function enforce(reservations: readonly Reservation[], nowMs: number): void {
  const over = reservations.filter((r) => r.failures > r.limit);
  if (over.length === 0) return;
  const retryAfter = Math.max(...over.map((r) => r.windowStartedAt + WINDOW_SECONDS - seconds(nowMs)), 1);
  throw new AppError('too_many_attempts', { retryAfter });
}

/** After a success: the account's count starts over; the client's reservation is returned. */
export function releaseQueries(db: Database, reservations: readonly Reservation[]) {
  return reservations.map((r) =>
    r.key.startsWith('client:')
      ? db
          .update(loginFailures)
          .set({ failures: sql`MAX(${loginFailures.failures} - 1, 0)` })
          .where(eq(loginFailures.key, r.key))
      : db.delete(loginFailures).where(eq(loginFailures.key, r.key)),
  );
}

/** {@link releaseQueries} on their own, in one round trip. */
export async function releaseAttempts(db: Database, reservations: readonly Reservation[]): Promise<void> {
  const [first, ...rest] = releaseQueries(db, reservations);
  if (first) await db.batch([first, ...rest]);
}
