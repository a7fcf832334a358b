import { sign, verify } from 'hono/jwt';
import { onePer } from '../memo';
import type { Settings } from '../settings';

// Imported once per isolate: hono/jwt would import the raw secret on every call.
const keyOf = onePer(
  (settings: Settings): Promise<CryptoKey> =>
    crypto.subtle.importKey('raw', new TextEncoder().encode(settings.JWT_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]),
);

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** Who a token was issued to, and the account's token version at the time. */
export interface TokenClaims {
  userId: number;
  /** `ver`: the user's `token_version` when issued; raising that column revokes the token. */
  version: number;
}

export async function issueToken(settings: Settings, user: { id: number; tokenVersion: number }, nowMs: number): Promise<IssuedToken> {
  const iat = Math.floor(nowMs / 1000);
  const expiresIn = settings.JWT_TTL_SECONDS;
  const token = await sign(
    { sub: String(user.id), iat, exp: iat + expiresIn, iss: settings.JWT_ISSUER, ver: user.tokenVersion },
    await keyOf(settings),
    'HS256',
  );
  return { token, expiresIn };
}

/**
 * The claims of a token, or null when it is malformed, tampered with, signed with another
 * algorithm, from another issuer, expired or without `exp`. Whether it was revoked is
 * decided against the user row (see services/session.ts `currentUser`). A token without
 * `ver` (issued before tokens carried one) counts as version 0, so the first revocation
 * of its account ends it.
 */
export async function verifyToken(settings: Settings, token: string): Promise<TokenClaims | null> {
  try {
    const payload = await verify(token, await keyOf(settings), { alg: 'HS256', iss: settings.JWT_ISSUER, exp: true });
    if (typeof payload.exp !== 'number' || typeof payload.sub !== 'string' || !/^[1-9]\d{0,15}$/.test(payload.sub)) {
      return null;
    }
    const version = payload.ver ?? 0;
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return null;
    return { userId: Number(payload.sub), version };
  } catch {
    return null;
  }
}
