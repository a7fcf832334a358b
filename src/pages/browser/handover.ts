/**
 * Handing a login to `next` in the URL fragment (never sent to a server), with the site's
 * `state` beside it. A login started on /login is recorded in this tab's sessionStorage
 * with a random nonce; the worker's own /account accepts a fragment token only when the
 * fragment's `state` is that nonce, so a link carrying someone else's token cannot sign a
 * visitor in to the wrong account.
 */
import type { LoggedIn } from '../../contract';
import { hasString, KEYS, load, save } from './storage';

export interface LoginStart {
  next: string;
  /** The site's own `state`, handed back untouched. */
  state: string | null;
  nonce: string;
}

function isLoginStart(value: unknown): value is LoginStart {
  return hasString(value, 'next') && hasString(value, 'nonce');
}

function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Records a login this browser starts; what a later page needs to finish it. */
export function startLogin(next: string, state: string | null): LoginStart {
  const start = { next, state, nonce: newNonce() };
  save(KEYS.login, start);
  return start;
}

/** The login this tab started, if any. */
export function loginStart(): LoginStart | null {
  const saved = load(KEYS.login);
  return isLoginStart(saved) ? { next: saved.next, state: typeof saved.state === 'string' ? saved.state : null, nonce: saved.nonce } : null;
}

/** `next` is this worker's own /account page. */
export function isAccountPage(next: string): boolean {
  const url = new URL(next, location.origin);
  return url.origin === location.origin && url.pathname === '/account';
}

/** Goes to `next` with the token, its lifetime and the state in the fragment. */
export function handOver(next: string, login: LoggedIn): void {
  const start = loginStart() ?? startLogin(next, null);
  const state = isAccountPage(next) ? start.nonce : start.state;
  const fragment = new URLSearchParams({ token: login.token, expires_in: String(login.expires_in) });
  if (state !== null) fragment.set('state', state);
  const url = new URL(next, location.origin);
  url.hash = fragment.toString();
  // replace: Back must not return to a page whose code or ticket is spent.
  location.replace(url.href);
}

/**
 * On /account: the fragment's token, when this browser started that login (its nonce
 * comes back as `state`); `refused` when it did not. The fragment leaves the address bar.
 */
export function takeFragmentLogin(): { token: string; expiresIn: number } | 'refused' | null {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('token');
  if (!token) return null;
  // The token must not stay in the address bar, the history or a bookmark.
  history.replaceState(null, '', location.pathname + location.search);
  const start = loginStart();
  save(KEYS.login, null);
  if (start === null || fragment.get('state') !== start.nonce) return 'refused';
  return { token, expiresIn: Number(fragment.get('expires_in')) || 3600 };
}
