/**
 * The worker's own cookies: HttpOnly, SameSite=Lax, Path=/, and over https `Secure` and
 * `__Host-`-prefixed, so no sibling subdomain can plant or read one. Over plain http (local
 * development) they go without the prefix, which browsers refuse there.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

function overHttps(c: Context): boolean {
  return c.req.url.startsWith('https:');
}

export function readCookie(c: Context, name: string): string | undefined {
  return overHttps(c) ? getCookie(c, name, 'host') : getCookie(c, name);
}

export function writeCookie(c: Context, name: string, value: string, maxAgeSeconds: number): void {
  const https = overHttps(c);
  setCookie(c, name, value, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    maxAge: maxAgeSeconds,
    ...(https ? { secure: true, prefix: 'host' as const } : {}),
  });
}

export function clearCookie(c: Context, name: string): void {
  writeCookie(c, name, '', 0);
}
