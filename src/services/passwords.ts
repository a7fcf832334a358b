/**
 * The one place a password is checked (throttled, one PBKDF2 derivation whatever happens),
 * and the two ways to set a new one: change (knowing the current one) and reset (by SMS).
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import type { TokenClaims } from '../auth/jwt';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from '../auth/password';
import {
  attemptKeys,
  countersOfKeysQuery,
  countersQuery,
  countFailureQuery,
  forgivePairQuery,
  Tally,
  type Target,
} from '../auth/throttle';
import { requireCaptcha, type CaptchaFields } from '../captcha/check';
import type { Ctx } from '../context';
import type { Counted } from '../db/counters';
import { smsCodes, users, type User } from '../db/schema';
import { accountByMobileQuery, revokeTokensQuery, tokenHolder, userByIdQuery } from '../db/users';
import { AppError } from '../errors';
import { clientKey } from '../http/client';
import { logWarning } from '../log';
import { checkCodeQueries, codeVerdict, consumeCodeQuery, guessOf } from '../sms/codes';
import { seconds } from '../time';
import { currentUser, loggedIn, type LoggedIn } from './session';

/** The failure counts of a guess at `target`; run it in the batch that looks the account up. */
export function attemptCountsQuery(ctx: Ctx, target: Target) {
  return countersQuery(ctx.db, target, clientKey(ctx.clientIp), ctx.now);
}

/**
 * Answers `user` when `password` is its password and no limit stands in the way. Before
 * the derivation: `too_many_attempts` over a limit, and the captcha once the account has
 * failed often lately (verified before the password is looked at). After it, the verdict
 * is taken atomically against the counts of that moment (see auth/throttle.ts):
 * `invalid_credentials` for a wrong password, a missing or inactive account, or a hash the
 * edge cannot check, all at the cost of one derivation.
 */
export async function checkPassword(
  ctx: Ctx,
  target: Target,
  counts: readonly Counted[],
  user: User | null,
  password: string,
  captcha: CaptchaFields,
): Promise<User> {
  const { db, now } = ctx;
  const keys = attemptKeys(target, user, clientKey(ctx.clientIp));
  const before = new Tally(keys, counts);
  const refused = before.refusal(now);
  if (refused) throw refused;
  const captchaOn = ctx.settings.CAPTCHA_PROVIDER !== 'none';
  const captchaChecked = captchaOn && before.wantsCaptcha;
  if (captchaChecked) await requireCaptcha(ctx, captcha);
  // Without a verified captcha, the account's captcha threshold also stops this guess.
  const captchaGate = captchaOn && !captchaChecked;

  const candidate = user?.isActive ? user : null;
  const right = await verifyPassword(password, candidate?.passwordHash ?? DUMMY_HASH);
  if (right && candidate !== null) {
    // A read, so a right password writes nothing (unless it forgives this client's typos).
    const at = new Tally(keys, await countersOfKeysQuery(db, keys, now));
    const late = at.refusal(now) ?? (captchaGate && at.wantsCaptcha ? new AppError('invalid_captcha') : null);
    if (late) throw late;
    if (at.count('pair') > 0) await forgivePairQuery(db, keys);
    if (needsRehash(candidate.passwordHash)) ctx.waitUntil(upgradeHash(ctx, candidate, password));
    return candidate;
  }
  const [counted, after] = await db.batch([countFailureQuery(db, keys, now, captchaGate), countersOfKeysQuery(db, keys, now)]);
  if (counted.length > 0) throw new AppError('invalid_credentials');
  // Not counted: a limit was reached meanwhile, and a right password would have met it too.
  const tally = new Tally(keys, after);
  throw tally.refusal(now) ?? (captchaGate && tally.wantsCaptcha ? new AppError('invalid_captcha') : new AppError('too_many_attempts', { retryAfter: 1 }));
}

/** Accounts from older Django shops get today's iteration count once their password is known. */
async function upgradeHash(ctx: Ctx, user: User, password: string): Promise<void> {
  try {
    const passwordHash = await hashPassword(password);
    // Only over the hash just verified: a password changed or reset meanwhile stays.
    await ctx.db
      .update(users)
      .set({ passwordHash, updatedAt: seconds(ctx.now) })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
  } catch (err) {
    logWarning('password hash upgrade failed', err);
  }
}

/**
 * `PUT /users/me/password`: the current password is checked like a login; the new one
 * replaces it and every earlier token is revoked. Answers a login with a fresh token.
 */
export async function changePassword(
  ctx: Ctx,
  claims: TokenClaims,
  input: { currentPassword: string; newPassword: string; captcha: CaptchaFields },
): Promise<LoggedIn> {
  const target = { userId: claims.userId };
  const [rows, counts] = await ctx.db.batch([userByIdQuery(ctx.db, claims.userId), attemptCountsQuery(ctx, target)]);
  const user = currentUser(rows[0], claims);
  await checkPassword(ctx, target, counts, user, input.currentPassword, input.captcha);
  const passwordHash = await hashPassword(input.newPassword);
  // Only while the token still stands: a logout meanwhile wins.
  const [changed] = await revokeTokensQuery(ctx.db, tokenHolder(claims), { passwordHash, now: seconds(ctx.now) });
  if (changed === undefined) throw new AppError('unauthorized');
  return loggedIn(ctx, changed);
}

/**
 * `POST /users/password/reset`: the SMS code proves the mobile; the account with that
 * mobile gets the new password and every earlier token is revoked. The code is consumed
 * only on success, and whether an account has the mobile is said only once it checked out.
 */
export async function resetPassword(ctx: Ctx, input: { mobile: string; smsCode: string; newPassword: string }): Promise<LoggedIn> {
  const { db } = ctx;
  const guess = await guessOf(ctx.settings, input.mobile, input.smsCode);
  const [found, ...checked] = await db.batch([accountByMobileQuery(db, input.mobile), ...checkCodeQueries(db, ctx.settings, guess, ctx.now)]);
  codeVerdict(checked, ctx.settings, ctx.now);
  const account = found[0]?.user;
  if (account === undefined || !account.isActive) throw new AppError('invalid_credentials');
  const passwordHash = await hashPassword(input.newPassword);
  // The code must still be there when the password changes: of two uses, one wins.
  const codeLive = sql`EXISTS (SELECT 1 FROM ${smsCodes} WHERE ${and(
    eq(smsCodes.mobile, guess.mobile),
    eq(smsCodes.codeHash, guess.hash),
    gt(smsCodes.expiresAt, seconds(ctx.now)),
  )})`;
  const [changed] = await db.batch([
    revokeTokensQuery(db, and(eq(users.id, account.id), eq(users.isActive, true), codeLive), { passwordHash, now: seconds(ctx.now) }),
    consumeCodeQuery(db, guess),
  ]);
  const user = changed[0];
  if (user === undefined) throw new AppError('invalid_sms_code');
  return loggedIn(ctx, user);
}
