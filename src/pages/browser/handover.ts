/** Hands a login to `next` in the URL fragment, which is never sent to a server. */
import type { LoggedIn } from '../../contract';

export function handOver(next: string, login: LoggedIn): void {
  const url = new URL(next, location.origin);
  url.hash = `token=${encodeURIComponent(login.token)}&expires_in=${encodeURIComponent(String(login.expires_in))}`;
  // replace: Back must not return to a page whose code or ticket is spent.
  location.replace(url.href);
}
