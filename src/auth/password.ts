/**
 * Passwords in Django's format, `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`, so
 * accounts move between this worker and the Django shops in both directions.
 */
import { logWarning } from '../log';
import { fromBase64, toBase64 } from '../crypto';

/** The Workers runtime refuses more than 100,000 PBKDF2 iterations in production. */
export const MAX_ITERATIONS = 100_000;
export const ITERATIONS = 100_000;

const ALGORITHM = 'pbkdf2_sha256';
/** Django's pbkdf2_sha256 hash is the full SHA-256 output. */
const HASH_BYTES = 32;
const SALT_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const encoder = new TextEncoder();

export async function hashPassword(password: string, iterations = ITERATIONS): Promise<string> {
  const salt = randomSalt();
  const hash = await derive(password, salt, iterations);
  return `${ALGORITHM}$${iterations}$${salt}$${toBase64(hash)}`;
}

/**
 * Checks `password` against `encoded`; a malformed or foreign hash never matches. Costs
 * exactly one PBKDF2 derivation whenever the hash is well formed.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 4) return false;
  const [algorithm, iterationsText = '', salt = '', hashText = ''] = parts;
  const iterations = Number(iterationsText);
  const expected = fromBase64(hashText);
  // A shorter hash would compare only its few bytes (an empty one matches any password).
  if (algorithm !== ALGORITHM || !Number.isInteger(iterations) || iterations < 1 || !salt || expected?.byteLength !== HASH_BYTES) {
    return false;
  }
  if (iterations > MAX_ITERATIONS) {
    // Hashes made by newer Django versions (600,000+ iterations) cannot be checked at the
    // edge; such accounts sign in with SMS or have their password reset.
    logWarning('password hash over the runtime PBKDF2 limit; cannot verify');
    // Same cost as a real check, so the answer's timing does not single such accounts out.
    await verifyPassword(password, DUMMY_HASH);
    return false;
  }
  const actual = await derive(password, salt, iterations, HASH_BYTES);
  return crypto.subtle.timingSafeEqual(actual, expected);
}

/** True for a hash made with fewer iterations than new hashes get (older Django versions). */
export function needsRehash(encoded: string): boolean {
  const iterations = Number(encoded.split('$')[1]);
  return Number.isInteger(iterations) && iterations < ITERATIONS;
}

/** A well-formed hash of no password anyone knows: checked when an account does not exist. */
export const DUMMY_HASH = 'pbkdf2_sha256$100000$qqloginworkerdummy$ANur7dDMUkp/82YPSLh/ry0u+PB3whW+u0+iqrQsOCI=';

async function derive(password: string, salt: string, iterations: number, length = 32): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode(salt), iterations },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}

function randomSalt(length = 22): string {
  // 62 symbols: reject bytes >= 248 so each symbol is equally likely.
  let out = '';
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length))) {
      if (b < 248 && out.length < length) out += SALT_ALPHABET[b % 62];
    }
  }
  return out;
}
