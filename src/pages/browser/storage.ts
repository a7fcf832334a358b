/** sessionStorage, which may be disabled: the page then still works for this visit. */

export const KEYS = {
  /** `{ token, expiresAt }` of /account. */
  token: 'qq-login.token',
  /** The login this browser started on /login: `{ next, state, nonce }` (see handover.ts). */
  login: 'qq-login.start',
  /** The binding choices of a first QQ login, for a reload or a language switch. */
  bind: 'qq-login.bind',
} as const;

type Key = (typeof KEYS)[keyof typeof KEYS];

/** Stores `value` as JSON; null removes it. */
export function save(key: Key, value: unknown): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage unavailable
  }
}

/** What `save` stored, unchecked: callers check its shape. */
export function load(key: Key): unknown {
  try {
    const text = sessionStorage.getItem(key);
    return text === null ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

/** `value` is an object whose `name` is a string. */
export function hasString<K extends string>(value: unknown, name: K): value is Record<K, string> {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[name] === 'string';
}

/** `value` is an object whose `name` is a number. */
export function hasNumber<K extends string>(value: unknown, name: K): value is Record<K, number> {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[name] === 'number';
}
