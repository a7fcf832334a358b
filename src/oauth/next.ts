import { originOf } from '../http/url';

/**
 * `next` as given when it is a path on this site or a URL on an allowed origin; null
 * otherwise. Whitespace and control characters are refused because browsers drop them
 * (`/\t/evil.example` becomes `//evil.example`).
 */
export function safeNext(next: string | undefined, allowedOrigins: readonly string[]): string | null {
  if (next === undefined || next === '') return '/';
  if (next.length > 2048 || /[\s\u0000-\u001f\u007f\\]/.test(next)) return null;
  if (next.startsWith('/')) return next.startsWith('//') ? null : next;
  const origin = originOf(next);
  return origin !== null && allowedOrigins.includes(origin) ? next : null;
}
