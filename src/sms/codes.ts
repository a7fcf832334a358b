/**
 * SMS verification codes, one row per mobile in D1 (`sms_codes`), and the limits around
 * them (src/sms/limits.ts, counted in `counters`). Every rule that must hold under
 * concurrent requests is decided inside one batch (one transaction): sending claims the
 * resend window and counts the sending limits together, a guess counts against its code
 * and its mobile's day together, consumption is part of the caller's success batch.
 */
import { and, eq, gt, isNotNull, ne, sql } from 'drizzle-orm';
import { base64url, deriveHmacKey, randomDigits } from '../crypto';
import { countWhen, giveBackQuery, liveCountsQuery, underLimits, waitForLimits, type Counted } from '../db/counters';
import { logWarning } from '../log';
import { onePer } from '../memo';
import type { Database } from '../db/client';
import { seconds } from '../time';
import { smsCodes } from '../db/schema';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import { guessRule, sendingRules } from './limits';
import { SmsSendError, type SmsProvider } from './provider';

export interface SentCode {
  expiresIn: number;
  resendAfter: number;
}

export interface SendRequest {
  mobile: string;
  /** The sender's clientKey(), or null where no address is known. */
  client: string | null;
}

export async function sendCode(db: Database, provider: SmsProvider, settings: Settings, request: SendRequest, nowMs: number): Promise<SentCode> {
  const { mobile } = request;
  const now = seconds(nowMs);
  const ttl = settings.SMS_CODE_TTL_SECONDS;
  const code = randomDigits(6);
  const hash = await codeHash(settings, mobile, code);
  const rules = sendingRules(settings, mobile, request.client);
  const fresh = { codeHash: hash, expiresAt: now + ttl, attempts: 0, sentAt: now };
  // The code is claimed only while no limit is reached and the resend window has passed;
  // the limits are counted only when this request's code was claimed. One transaction,
  // so a refusal writes nothing and concurrent requests cannot pass a limit together.
  const claim = db
    .insert(smsCodes)
    .select(sql`SELECT ${mobile}, ${hash}, ${now + ttl}, 0, ${now} WHERE ${underLimits(rules, now)}`)
    .onConflictDoUpdate({
      target: smsCodes.mobile,
      set: fresh,
      setWhere: sql`${smsCodes.sentAt} <= ${now - settings.SMS_RESEND_SECONDS}`,
    })
    .returning({ mobile: smsCodes.mobile });
  const claimed = sql`EXISTS (SELECT 1 FROM ${smsCodes} WHERE ${smsCodes.mobile} = ${mobile} AND ${smsCodes.codeHash} = ${hash} AND ${smsCodes.sentAt} = ${now})`;
  const [won, last, live, ...counted] = await db.batch([
    claim,
    db.select({ sentAt: smsCodes.sentAt }).from(smsCodes).where(eq(smsCodes.mobile, mobile)),
    liveCountsQuery(db, rules.map((r) => r.key), now),
    ...rules.map((rule) => countWhen(db, rule, now, claimed)),
  ]);
  if (won.length === 0) {
    const resendWait = (last[0]?.sentAt ?? now) + settings.SMS_RESEND_SECONDS - now;
    throw new AppError('sms_too_frequent', { retryAfter: Math.max(1, resendWait, waitForLimits(rules, live, now) ?? 0) });
  }
  try {
    await provider.send({ mobile, code, ttlSeconds: ttl });
  } catch (err) {
    if (err instanceof SmsSendError && err.failure === 'unreachable') {
      // The message may still arrive: the code stays valid and the window and limits stay
      // spent, so a slow gateway cannot be hammered without a cooldown.
      logWarning('SMS provider did not answer; the code stays active', err);
      throw new AppError('sms_send_failed');
    }
    // Refused: undo the claim and give back every count, so no code is active and no
    // window is spent. The window was open when we claimed it, so deleting the row
    // restores what was there.
    await db.batch([
      db.delete(smsCodes).where(and(eq(smsCodes.mobile, mobile), eq(smsCodes.codeHash, hash))),
      ...counted.flat().map((row: Counted) => giveBackQuery(db, row)),
    ]);
    logWarning('SMS provider refused the message', err);
    throw new AppError('sms_send_failed');
  }
  return { expiresIn: ttl, resendAfter: settings.SMS_RESEND_SECONDS };
}

export interface CodeGuess {
  mobile: string;
  hash: string;
}

export async function guessOf(settings: Settings, mobile: string, code: string): Promise<CodeGuess> {
  return { mobile, hash: await codeHash(settings, mobile, code) };
}

/**
 * Counts a guess without consuming the code: a wrong one adds an attempt to the code and
 * one to its mobile's wrong guesses of the day. Spread these at the end of a batch and
 * pass their results, in order, to {@link codeVerdict}.
 */
export function checkCodeQueries(db: Database, settings: Settings, guess: CodeGuess, nowMs: number) {
  const now = seconds(nowMs);
  const rule = guessRule(settings, guess.mobile);
  const matches = sql`${smsCodes.codeHash} = ${guess.hash}`;
  const live = and(eq(smsCodes.mobile, guess.mobile), isNotNull(smsCodes.codeHash), gt(smsCodes.expiresAt, now));
  const wrong = sql`EXISTS (SELECT 1 FROM ${smsCodes} WHERE ${and(live, ne(smsCodes.codeHash, guess.hash))})`;
  return [
    db
      .update(smsCodes)
      .set({ attempts: sql`${smsCodes.attempts} + CASE WHEN ${matches} THEN 0 ELSE 1 END` })
      .where(live)
      .returning({ attempts: smsCodes.attempts, matched: sql<number>`${matches}` }),
    countWhen(db, rule, now, wrong),
    liveCountsQuery(db, [rule.key], now),
  ] as const;
}

type CheckedCode = readonly [readonly { attempts: number; matched: number }[], readonly Counted[], readonly Counted[]];

/**
 * Throws unless the checked guess was right and neither the code nor the mobile is
 * locked. After SMS_DAILY_GUESS_LIMIT wrong guesses for the mobile, every guess is locked
 * until that window ends, whatever code it is made against.
 */
export function codeVerdict([code, , today]: CheckedCode, settings: Settings, nowMs: number): void {
  const row = code[0];
  const wrongNow = row !== undefined && !row.matched;
  const day = today[0];
  if (day !== undefined && day.count - (wrongNow ? 1 : 0) >= settings.SMS_DAILY_GUESS_LIMIT) {
    throw new AppError('sms_code_locked', { retryAfter: day.windowEndsAt - seconds(nowMs) });
  }
  if (row === undefined) throw new AppError('invalid_sms_code');
  const max = settings.SMS_MAX_ATTEMPTS;
  if (row.matched ? row.attempts >= max : row.attempts > max) throw new AppError('sms_code_locked');
  if (!row.matched) throw new AppError('invalid_sms_code');
}

/** Consumes the code; belongs in the batch that completes the request. */
export function consumeCodeQuery(db: Database, guess: CodeGuess) {
  return db
    .update(smsCodes)
    .set({ codeHash: null })
    .where(and(eq(smsCodes.mobile, guess.mobile), eq(smsCodes.codeHash, guess.hash)));
}

async function codeHash(settings: Settings, mobile: string, code: string): Promise<string> {
  // Keyed, so a leaked table does not give the codes away to a million-guess search.
  const key = await codeKey(settings);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${mobile}:${code}`))));
}

/**
 * The code-hashing key, derived (HKDF-SHA256) from TOKEN_ENCRYPTION_KEY under its own
 * label. It does not depend on JWT_SECRET, so rotating JWT_SECRET to revoke every token
 * leaves live SMS codes valid; and knowing it reveals neither the JWT key nor the
 * AES key that seals QQ tokens. Derived once per isolate.
 */
const codeKey = onePer((settings: Settings) => deriveHmacKey(settings.TOKEN_ENCRYPTION_KEY, 'qq-login-worker sms-code-hash v1'));
