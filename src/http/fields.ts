/** The contract's field rules (api.md "Field rules"), shared by every route. */
import * as z from 'zod/mini';

/** Mainland China mobile, after removing spaces, dashes and a leading +86 / 86. */
export const mobile = z.pipe(z.pipe(z.string(), z.transform(normalizeMobile)), z.string().check(z.regex(/^1[3-9]\d{9}$/)));

export function normalizeMobile(value: string): string {
  const compact = value.replace(/[\s-]/g, '');
  return compact.replace(/^(?:\+86|86)(?=1\d{10}$)/, '');
}

const codePoints = (v: string): number => [...v].length;

/** A string trimmed, then checked by `rule`. */
const trimmed = (rule: (v: string) => boolean) =>
  z.pipe(z.pipe(z.string(), z.transform((v) => v.trim())), z.string().check(z.refine(rule)));

export const password = z.string().check(z.refine((v) => codePoints(v) >= 8 && codePoints(v) <= 64));

export const smsCode = z.string().check(z.regex(/^\d{6}$/));

export const nickname = trimmed(
  // eslint-disable-next-line no-control-regex
  (v) => codePoints(v) >= 2 && codePoints(v) <= 20 && !/[\u0000-\u001f\u007f-\u009f]/.test(v),
);

export const username = trimmed((v) => codePoints(v) >= 1 && codePoints(v) <= 64);

/** Opaque as issued: base64url, bounded so no one stores megabytes under our key. */
export const bindTicket = z.string().check(z.regex(/^[A-Za-z0-9_-]{20,200}$/));

/** A username or a mobile (normalized when it is one), for logins. */
export const login = z.pipe(
  username,
  z.transform((v: string) => {
    const m = normalizeMobile(v);
    return /^1[3-9]\d{9}$/.test(m) ? m : v;
  }),
);
