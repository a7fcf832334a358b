/**
 * Every log line of the worker goes through this module. Free text is scrubbed before it
 * is printed: drizzle's `params:` (hashes, sealed tokens), long opaque strings (tokens,
 * tickets, keys, signatures), password hashes, SMS codes and full mobiles never reach the
 * log, whatever an error message happens to hold.
 */

/** One line per auth request (api.md "Logs"); printed as an object so Workers Logs indexes it. */
export interface AuthEvent {
  event: EventName;
  outcome: string;
  user_id?: number;
  mobile?: string;
}

export type EventName =
  | 'authorization'
  | 'callback'
  | 'app_login'
  | 'bind'
  | 'bind_account'
  | 'bind_register'
  | 'sms_send'
  | 'password_login'
  | 'logout'
  | 'password_change'
  | 'password_reset'
  | 'unbind';

export function logEvent(event: AuthEvent): void {
  const line: AuthEvent = { event: event.event, outcome: event.outcome };
  if (event.user_id !== undefined) line.user_id = event.user_id;
  if (event.mobile !== undefined) line.mobile = maskMobile(event.mobile);
  console.log(line);
}

/** Something went wrong that the worker handled: `what` is ours, `err` is scrubbed. */
export function logWarning(what: string, err?: unknown): void {
  console.warn(err === undefined ? scrub(what) : `${scrub(what)}: ${describeError(err)}`);
}

/** Something the operator must fix, or an unexpected failure. */
export function logError(what: string, err?: unknown): void {
  console.error(err === undefined ? scrub(what) : `${scrub(what)}: ${describeError(err)}`);
}

/** `138****8000`; anything that is not a mainland mobile is fully hidden. */
export function maskMobile(mobile: string): string {
  return /^1\d{10}$/.test(mobile) ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : '***';
}

/** The innermost message of an error, scrubbed. */
export function describeError(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : 'non-error thrown';
  return scrub(text);
}

const SCRUBBERS: [RegExp, string | ((match: string) => string)][] = [
  // drizzle appends the statement's parameters after `params:`; nothing after it is safe.
  [/\bparams:[\s\S]*$/, 'params: [hidden]'],
  [/\b(pbkdf2_sha256|argon2|bcrypt\w*|md5|sha1)\$\S*/gi, '[password hash]'],
  [/\bv1\.[\w-]+/g, '[sealed]'],
  // Opaque values (tokens, tickets, signatures, keys): 20 or more token characters.
  [/[\w+/=.~-]{20,}/g, (m) => (/^[a-z_.-]+$/i.test(m) && !/\d/.test(m) ? m : '[redacted]')],
  [/(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)/g, (m) => maskMobile(m.slice(-11))],
  // Six digits may be an SMS code; a 容联云 error (`statusCode 160038`) is kept readable.
  [/(?<!\d)(?<!statusCode )\d{6}(?!\d)/g, '[digits]'],
];

export function scrub(text: string): string {
  let out = text.slice(0, 2000);
  for (const [pattern, replacement] of SCRUBBERS) {
    out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return out.slice(0, 500);
}
