/**
 * Passwords in Django's format, `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`, so
 * accounts move between this worker and the Django shops in both directions.
 */
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
 * Checks `password` against `encoded`. Costs exactly one PBKDF2 derivation whatever the
 * hash is: a hash the edge cannot check (another algorithm such as argon2, bcrypt or md5,
 * Django's unusable `!` password, more than {@link MAX_ITERATIONS} iterations, or anything
 * malformed) never matches, after a derivation against {@link DUMMY_HASH}, so the answer's
 * timing does not single such accounts out. Their owners set a new password by SMS.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (parsed === null) {
    await matches(password, DUMMY);
    return false;
  }
  return matches(password, parsed);
}

/** True when {@link verifyPassword} can match this hash at the edge. */
export function canVerify(encoded: string): boolean {
  return parseHash(encoded) !== null;
}

interface ParsedHash {
  iterations: number;
  salt: string;
  expected: Uint8Array;
}

function parseHash(encoded: string): ParsedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 4) return null;
  const [algorithm, iterationsText = '', salt = '', hashText = ''] = parts;
  const iterations = Number(iterationsText);
  const expected = fromBase64(hashText);
  // A shorter hash would compare only its few bytes (an empty one matches any password).
  if (algorithm !== ALGORITHM || !/^\d+$/.test(iterationsText) || iterations < 1 || !salt || expected?.byteLength !== HASH_BYTES) {
    return null;
  }
  // Hashes made by newer Django versions (600,000+ iterations) cannot be checked at the edge.
  return iterations > MAX_ITERATIONS ? null : { iterations, salt, expected };
}

async function matches(password: string, hash: ParsedHash): Promise<boolean> {
  const actual = await derive(password, hash.salt, hash.iterations, HASH_BYTES);
  return crypto.subtle.timingSafeEqual(actual, hash.expected);
}

/** True for a hash made with fewer iterations than new hashes get (older Django versions). */
export function needsRehash(encoded: string): boolean {
  const iterations = Number(encoded.split('$')[1]);
  return Number.isInteger(iterations) && iterations < ITERATIONS;
}

/** A well-formed hash of no password anyone knows: checked when an account does not exist or cannot log in. */
export const DUMMY_HASH = 'pbkdf2_sha256$100000$qqloginworkerdummy$ANur7dDMUkp/82YPSLh/ry0u+PB3whW+u0+iqrQsOCI=';
/** {@link DUMMY_HASH}, parsed. */
const DUMMY: ParsedHash = parseHash(DUMMY_HASH) ?? { iterations: ITERATIONS, salt: 'dummy', expected: new Uint8Array(HASH_BYTES) };

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
