/** The contract's field rules (api.md "Field rules"), shared by every route. */
import * as z from 'zod';

/** Mainland China mobile, after removing spaces, dashes and a leading +86 / 86. */
export const mobile = z
  .string()
  .transform((v) => normalizeMobile(v))
  .pipe(z.string().regex(/^1[3-9]\d{9}$/));

export function normalizeMobile(value: string): string {
  const compact = value.replace(/[\s-]/g, '');
  return compact.replace(/^(?:\+86|86)(?=1\d{10}$)/, '');
}

const codePoints = (v: string): number => [...v].length;

export const password = z.string().refine((v) => codePoints(v) >= 8 && codePoints(v) <= 64);

export const smsCode = z.string().regex(/^\d{6}$/);

export const nickname = z
  .string()
  .transform((v) => v.trim())
  // eslint-disable-next-line no-control-regex
  .pipe(z.string().refine((v) => codePoints(v) >= 2 && codePoints(v) <= 20 && !/[\u0000-\u001f\u007f-\u009f]/.test(v)));

export const username = z
  .string()
  .transform((v) => v.trim())
  .pipe(z.string().refine((v) => codePoints(v) >= 1 && codePoints(v) <= 64));

/** Opaque as issued: base64url, bounded so no one stores megabytes under our key. */
export const bindTicket = z.string().regex(/^[A-Za-z0-9_-]{20,200}$/);

/** A username or a mobile (normalized when it is one), for logins. */
export const login = username.transform((v) => {
  const m = normalizeMobile(v);
  return /^1[3-9]\d{9}$/.test(m) ? m : v;
});
