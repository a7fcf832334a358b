/**
 * Reads what `python manage.py dumpdata users.User oauth.OAuthQQUser` writes: a JSON list
 * of `{ "model", "pk", "fields" }`. Every record is checked (zod) before anything is
 * decided, and every problem is reported with the record it is in.
 *
 * Users: meiduo's and renran's `users.user` (AbstractUser + `mobile`; renran's may carry
 * `nickname` and `avatar`). QQ bindings: meiduo's `oauth.oauthqquser` (`user`, `openid`,
 * `create_time`, `update_time`) or renran's (`qq_user`, `qq_openid`, `qq_access_token`,
 * `created_time`, `updated_time`, `is_deleted`), told apart by their fields.
 */
import * as z from 'zod/mini';
// The worker's own mobile rule: spaces, dashes and +86/86 removed.
import { normalizeMobile } from '../../src/http/fields.ts';
import { parseDjangoTime } from './times.ts';

export interface Labels {
  user: string;
  qq: string;
}

/** The seeds' model labels (both shops use the same two). */
export const DEFAULT_LABELS: Labels = { user: 'users.user', qq: 'oauth.oauthqquser' };

export type QQShape = 'meiduo' | 'renran';

export interface ImportUser {
  id: number;
  username: string;
  /** Byte for byte as Django stored it. */
  passwordHash: string;
  mobile: string | null;
  nickname: string | null;
  avatar: string | null;
  isActive: boolean;
  createdAt: number | null;
}

/** A user reference: the pk, or the natural key `[username]` of `dumpdata --natural-foreign`. */
export type UserRef = number | readonly [string];

export interface ImportBinding {
  /** How messages name it: `oauth.oauthqquser pk 3`. */
  name: string;
  user: UserRef;
  openid: string;
  createdAt: number | null;
  updatedAt: number | null;
  /** The dump carried a QQ access token (never imported). */
  hadAccessToken: boolean;
  /** renran's soft delete: the shop treats the binding as gone, so it is not imported. */
  deleted: boolean;
  shape: QQShape;
}

export interface Dump {
  users: ImportUser[];
  bindings: ImportBinding[];
}

export type DumpResult = { ok: true; dump: Dump } | { ok: false; problems: string[] };

const MOBILE = /^1[3-9]\d{9}$/;

const noNul = z.refine<string>((v) => !v.includes('\u0000'), 'contains a NUL character');
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max), noNul);
const blankIsNull = (max: number) =>
  z.pipe(
    z.optional(z.nullable(z.string().check(z.maxLength(max), noNul))),
    z.transform((v) => (v === undefined || v === null || v.trim() === '' ? null : v)),
  );

const mobile = z.pipe(
  blankIsNull(32),
  z.pipe(
    z.transform((v: string | null) => (v === null ? null : normalizeMobile(v))),
    z.nullable(z.string().check(z.regex(MOBILE, 'not a mainland China mobile (1[3-9] and 9 digits)'))),
  ),
);

const time = z.pipe(
  z.optional(z.nullable(z.string())),
  z.transform((v, ctx): number | null => {
    if (v === undefined || v === null) return null;
    const parsed = parseDjangoTime(v);
    if (parsed === null) ctx.issues.push({ code: 'custom', message: 'not a Django datetime', input: v });
    return parsed;
  }),
);

const pk = z.int('expected a positive integer pk').check(z.positive('expected a positive integer pk'));
const userRef = z.union([pk, z.tuple([z.string()])], 'expected a user pk or a natural key [username]');
const openid = text(64);

const userRecord = z.object({
  pk,
  fields: z.looseObject({
    username: text(150),
    password: z.string().check(z.maxLength(500), noNul),
    mobile,
    nickname: blankIsNull(64),
    avatar: blankIsNull(500),
    is_active: z.optional(z.boolean()),
    is_deleted: z.optional(z.boolean()),
    date_joined: time,
  }),
});

const meiduoQQ = z.looseObject({ user: userRef, openid, create_time: time, update_time: time });
const renranQQ = z.looseObject({
  qq_user: userRef,
  qq_openid: openid,
  qq_access_token: z.optional(z.nullable(z.string())),
  created_time: time,
  updated_time: time,
  is_deleted: z.optional(z.boolean()),
});

const envelope = z.object({ model: z.string(), fields: z.record(z.string(), z.unknown()) });

/** Parses and checks a whole dump; `onRecord` is told each record as it is checked. */
export function parseDump(textOfFile: string, labels: Labels = DEFAULT_LABELS, onRecord?: (done: number) => void): DumpResult {
  let data: unknown;
  try {
    data = JSON.parse(textOfFile);
  } catch (err) {
    return { ok: false, problems: [`not valid JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  if (!Array.isArray(data)) return { ok: false, problems: ['not a Django dump: expected a JSON list of { "model", "pk", "fields" }'] };

  const problems: string[] = [];
  const unknown = new Map<string, number[]>();
  const dump: Dump = { users: [], bindings: [] };
  const userLabel = labels.user.toLowerCase();
  const qqLabel = labels.qq.toLowerCase();

  data.forEach((raw: unknown, index) => {
    onRecord?.(index + 1);
    const where = `record ${index + 1}`;
    const outer = envelope.safeParse(raw);
    if (!outer.success) {
      problems.push(...issuesOf(where, outer.error.issues, raw));
      return;
    }
    const label = outer.data.model.toLowerCase();
    const name = `${label} pk ${describePk(raw)} (${where})`;
    if (label === userLabel) {
      const parsed = userRecord.safeParse(raw);
      if (!parsed.success) return problems.push(...issuesOf(name, parsed.error.issues, raw));
      dump.users.push(toUser(parsed.data));
    } else if (label === qqLabel) {
      const binding = toBinding(name, outer.data.fields, raw);
      if (typeof binding === 'string') problems.push(binding);
      else if (Array.isArray(binding)) problems.push(...binding);
      else dump.bindings.push(binding);
    } else {
      const records = unknown.get(label) ?? [];
      records.push(index + 1);
      unknown.set(label, records);
    }
  });

  for (const [label, records] of unknown) {
    const shown = records.slice(0, 5).join(', ') + (records.length > 5 ? `, … (${records.length} records)` : '');
    problems.push(`unknown model "${label}" (records ${shown}): users are "${userLabel}", QQ bindings "${qqLabel}" (--user-model, --qq-model)`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, dump };
}

function toUser({ pk: id, fields: f }: z.output<typeof userRecord>): ImportUser {
  return {
    id,
    username: f.username,
    passwordHash: f.password,
    mobile: f.mobile,
    nickname: f.nickname,
    avatar: f.avatar,
    // A soft-deleted user is kept but cannot log in.
    isActive: (f.is_active ?? true) && f.is_deleted !== true,
    createdAt: f.date_joined,
  };
}

function toBinding(name: string, fields: Record<string, unknown>, raw: unknown): ImportBinding | string | string[] {
  const shape: QQShape = 'qq_openid' in fields || 'qq_user' in fields ? 'renran' : 'meiduo';
  if (shape === 'meiduo' && !('openid' in fields) && !('user' in fields)) {
    return `${name}: neither meiduo's fields (user, openid) nor renran's (qq_user, qq_openid)`;
  }
  if (shape === 'meiduo') {
    const parsed = meiduoQQ.safeParse(fields);
    if (!parsed.success) return issuesOf(name, parsed.error.issues, (raw as { fields: unknown }).fields, 'fields.');
    const f = parsed.data;
    return { name, user: f.user, openid: f.openid, createdAt: f.create_time, updatedAt: f.update_time, hadAccessToken: false, deleted: false, shape };
  }
  const parsed = renranQQ.safeParse(fields);
  if (!parsed.success) return issuesOf(name, parsed.error.issues, (raw as { fields: unknown }).fields, 'fields.');
  const f = parsed.data;
  return {
    name,
    user: f.qq_user,
    openid: f.qq_openid,
    createdAt: f.created_time,
    updatedAt: f.updated_time,
    hadAccessToken: typeof f.qq_access_token === 'string' && f.qq_access_token !== '',
    deleted: f.is_deleted === true,
    shape,
  };
}

function describePk(raw: unknown): string {
  const value = (raw as { pk?: unknown }).pk;
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** `users.user pk 7 (record 3): fields.mobile: not a mainland China mobile` — never the value itself. */
function issuesOf(name: string, issues: readonly z.core.$ZodIssue[], input: unknown, prefix = ''): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String);
    const missing = valueAt(input, path) === undefined;
    const message =
      missing && issue.code !== 'custom'
        ? path.join('.') === 'pk'
          ? 'no pk (dump without --natural-primary: the pk becomes the account id)'
          : 'missing'
        : issue.code === 'invalid_type' && issue.message === 'Invalid input'
          ? `expected ${issue.expected}`
          : issue.message;
    return `${name}: ${path.length > 0 ? prefix + path.join('.') + ': ' : ''}${message}`;
  });
}

function valueAt(input: unknown, path: string[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
