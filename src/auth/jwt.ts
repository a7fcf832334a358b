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

export async function issueToken(settings: Settings, userId: number, nowMs: number): Promise<IssuedToken> {
  const iat = Math.floor(nowMs / 1000);
  const expiresIn = settings.JWT_TTL_SECONDS;
  const token = await sign(
    { sub: String(userId), iat, exp: iat + expiresIn, iss: settings.JWT_ISSUER },
    await keyOf(settings),
    'HS256',
  );
  return { token, expiresIn };
}

/**
 * The user id a token was issued to, or null when it is malformed, tampered with, signed
 * with another algorithm, from another issuer, expired or without `exp`.
 */
export async function verifyToken(settings: Settings, token: string): Promise<number | null> {
  try {
    const payload = await verify(token, await keyOf(settings), { alg: 'HS256', iss: settings.JWT_ISSUER, exp: true });
    if (typeof payload.exp !== 'number' || typeof payload.sub !== 'string' || !/^[1-9]\d{0,15}$/.test(payload.sub)) {
      return null;
    }
    return Number(payload.sub);
  } catch {
    return null;
  }
}
