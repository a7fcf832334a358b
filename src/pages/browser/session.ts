/** The login token /account works with, kept in this tab's sessionStorage until it expires. */
import { hasNumber, hasString, KEYS, load, save } from './storage';

export function saveToken(token: string, expiresIn: number): void {
  save(KEYS.token, { token, expiresAt: Date.now() + expiresIn * 1000 });
}

export function savedToken(): string | null {
  const saved = load(KEYS.token);
  if (hasString(saved, 'token') && hasNumber(saved, 'expiresAt') && saved.expiresAt > Date.now()) return saved.token;
  forgetToken();
  return null;
}

export function forgetToken(): void {
  save(KEYS.token, null);
}
