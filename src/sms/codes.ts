/**
 * SMS verification codes, one row per mobile in D1 (`sms_codes`). Every rule that must
 * hold under concurrent requests is a single conditional statement: the resend window is
 * claimed by an upsert, a guess is counted by an update, consumption is part of the
 * caller's success batch.
 */
import { and, eq, gt, isNotNull, sql } from 'drizzle-orm';
import { base64url, deriveHmacKey, randomDigits } from '../crypto';
import { logWarning } from '../log';
import { onePer } from '../memo';
import type { Database } from '../db/client';
import { seconds } from '../time';
import { smsCodes } from '../db/schema';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import { SmsSendError, type SmsProvider } from './provider';

export interface SentCode {
  expiresIn: number;
  resendAfter: number;
}

export async function sendCode(
  db: Database,
  provider: SmsProvider,
  settings: Settings,
  mobile: string,
  nowMs: number,
): Promise<SentCode> {
  const now = seconds(nowMs);
  const ttl = settings.SMS_CODE_TTL_SECONDS;
  const code = randomDigits(6);
  const hash = await codeHash(settings, mobile, code);
  const fresh = { codeHash: hash, expiresAt: now + ttl, attempts: 0, sentAt: now };
  const claimed = await db
    .insert(smsCodes)
    .values({ mobile, ...fresh })
    .onConflictDoUpdate({
      target: smsCodes.mobile,
      set: fresh,
      setWhere: sql`${smsCodes.sentAt} <= ${now - settings.SMS_RESEND_SECONDS}`,
    })
    .returning({ mobile: smsCodes.mobile });
  if (claimed.length === 0) {
    const last = await db.select({ sentAt: smsCodes.sentAt }).from(smsCodes).where(eq(smsCodes.mobile, mobile)).get();
    const wait = Math.max(1, (last?.sentAt ?? now) + settings.SMS_RESEND_SECONDS - now);
    throw new AppError('sms_too_frequent', { retryAfter: wait });
  }
  try {
    await provider.send({ mobile, code, ttlSeconds: ttl });
  } catch (err) {
    if (err instanceof SmsSendError && err.failure === 'unreachable') {
      // The message may still arrive: the code stays valid and the window stays spent, so
      // a slow gateway cannot be hammered without a cooldown.
      logWarning('SMS provider did not answer; the code stays active', err);
      throw new AppError('sms_send_failed');
    }
    // Refused: undo the claim, so no code is active and no resend window is spent. The
    // window was open when we claimed it, so deleting the row restores what was there.
    await db.delete(smsCodes).where(and(eq(smsCodes.mobile, mobile), eq(smsCodes.codeHash, hash)));
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
 * Counts a guess atomically (a wrong one adds an attempt) without consuming the code. Put
 * it in a batch and pass its rows to {@link codeVerdict}.
 */
export function checkCodeQuery(db: Database, guess: CodeGuess, nowMs: number) {
  const matches = sql`${smsCodes.codeHash} = ${guess.hash}`;
  return db
    .update(smsCodes)
    .set({ attempts: sql`${smsCodes.attempts} + CASE WHEN ${matches} THEN 0 ELSE 1 END` })
    .where(and(eq(smsCodes.mobile, guess.mobile), isNotNull(smsCodes.codeHash), gt(smsCodes.expiresAt, seconds(nowMs))))
    .returning({ attempts: smsCodes.attempts, matched: sql<number>`${matches}` });
}

/** Throws unless the checked guess was right and the code is not locked. */
export function codeVerdict(rows: readonly { attempts: number; matched: number }[], settings: Settings): void {
  const row = rows[0];
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
