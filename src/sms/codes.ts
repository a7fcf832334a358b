/**
 * SMS verification codes, one row per mobile in D1 (`sms_codes`). Every rule that must
 * hold under concurrent requests is a single conditional statement: the resend window is
 * claimed by an upsert, a guess is counted by an update, consumption is part of the
 * caller's success batch.
 */
import { and, eq, gt, isNotNull, sql } from 'drizzle-orm';
import { base64url, hmacSha256, randomDigits } from '../crypto';
import { seconds, type Database } from '../db/client';
import { smsCodes } from '../db/schema';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import type { SmsProvider } from './provider';

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
    throw new AppError('sms_too_frequent', undefined, { 'Retry-After': String(wait) });
  }
  try {
    await provider.send({ mobile, code, ttlSeconds: ttl });
  } catch (err) {
    // Undo the claim: no active code, no resend window spent. The window was open when we
    // claimed it, so deleting the row restores exactly what was there for resending.
    await db.delete(smsCodes).where(and(eq(smsCodes.mobile, mobile), eq(smsCodes.codeHash, hash)));
    console.warn(`SMS send failed: ${err instanceof Error ? err.message : 'unknown error'}`);
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
  return base64url(await hmacSha256(settings.JWT_SECRET, `sms-code:${mobile}:${code}`));
}
