/**
 * OAuth `state` without storage. Each login gets its own cookie holding a random secret,
 * the login's expiry and its `next`; the state is the MAC of that cookie under a key
 * derived from TOKEN_ENCRYPTION_KEY. So:
 *
 * - only the browser holding the cookie can complete the login (the secret never leaves
 *   it: HttpOnly, and not in the state, so a leaked state is useless elsewhere);
 * - nobody can change `next` or the expiry without breaking the MAC;
 * - the callback clears the cookie, so the same state cannot complete a second time in
 *   that browser, while logins started in other tabs keep their own cookies;
 * - a replay from anywhere else lacks the cookie, and QQ spends its codes on first use.
 *
 * The cookie's name carries a prefix of the state so the callback finds it among others.
 */
import { base64url, deriveHmacKey, fromBase64url, randomToken } from '../crypto';
import { onePer } from '../memo';
import type { Settings } from '../settings';
import { seconds } from '../time';

export const STATE_TTL_SECONDS = 600;

/** `qq_login_<first 16 characters of the state>`; `__Host-`-prefixed over https. */
const COOKIE_PREFIX = 'qq_login_';
const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** `<secret>.<expiry, Unix seconds>.<base64url(next)>` */
const COOKIE_PATTERN = /^([A-Za-z0-9_-]{43})\.(\d{1,12})\.([A-Za-z0-9_-]{1,2731})$/;
/** UTF-8 bytes of `next` that fit a cookie (browsers keep up to 4096 bytes per cookie). */
const MAX_NEXT_BYTES = 2048;

const encoder = new TextEncoder();

export interface IssuedState {
  state: string;
  cookieName: string;
  cookieValue: string;
}

/**
 * A new state for a login that returns to `next`; the browser keeps the cookie. Null when
 * `next` is too long to fit in a cookie.
 */
export async function issueState(settings: Settings, next: string, nowMs: number): Promise<IssuedState | null> {
  const nextBytes = encoder.encode(next);
  if (nextBytes.byteLength > MAX_NEXT_BYTES) return null;
  const secret = randomToken(32);
  const expiresAt = seconds(nowMs) + STATE_TTL_SECONDS;
  const cookieValue = `${secret}.${expiresAt}.${base64url(nextBytes)}`;
  const mac = await crypto.subtle.sign('HMAC', await stateKey(settings), macInput(secret, expiresAt, next));
  const state = base64url(new Uint8Array(mac));
  return { state, cookieName: stateCookieName(state), cookieValue };
}

/** The name of the cookie that goes with `state`, or null when `state` cannot be one of ours. */
export function cookieNameFor(state: string): string | null {
  return STATE_PATTERN.test(state) ? stateCookieName(state) : null;
}

/**
 * The login's `next` when `cookie` is the one issued with `state` and has not expired;
 * null otherwise (forged, altered, expired, or another login's cookie).
 */
export async function openState(settings: Settings, state: string, cookie: string | undefined, nowMs: number): Promise<{ next: string } | null> {
  const mac = STATE_PATTERN.test(state) ? fromBase64url(state) : null;
  const parts = cookie === undefined ? null : COOKIE_PATTERN.exec(cookie);
  if (mac === null || !parts) return null;
  const [, secret = '', expiry = '', encodedNext = ''] = parts;
  const expiresAt = Number(expiry);
  const nextBytes = fromBase64url(encodedNext);
  if (nextBytes === null || seconds(nowMs) >= expiresAt) return null;
  const next = new TextDecoder().decode(nextBytes);
  // HMAC verification compares in constant time.
  const genuine = await crypto.subtle.verify('HMAC', await stateKey(settings), mac, macInput(secret, expiresAt, next));
  return genuine ? { next } : null;
}

function stateCookieName(state: string): string {
  return `${COOKIE_PREFIX}${state.slice(0, 16)}`;
}

// `next` holds no whitespace (safeNext refuses it), so newlines separate the fields unambiguously.
function macInput(secret: string, expiresAt: number, next: string): Uint8Array {
  return encoder.encode(`qq-login-state\n${secret}\n${expiresAt}\n${next}`);
}

// Derived once per isolate (settings are parsed once per isolate), under a label of its own.
const stateKey = onePer((settings: Settings) =>
  deriveHmacKey(settings.TOKEN_ENCRYPTION_KEY, 'qq-login-worker oauth-state v1', ['sign', 'verify']),
);
