/**
 * Export: D1's accounts and QQ bindings as a Django fixture that `python manage.py loaddata`
 * accepts, in meiduo's model shapes or renran's.
 */
import { DEFAULT_LABELS, type Labels } from './dump.ts';
import { formatDjangoTime } from './times.ts';

export type Format = 'meiduo' | 'renran';

/** The columns export reads, as D1 answers them. */
export interface UserRow {
  id: number;
  username: string;
  mobile: string | null;
  nickname: string | null;
  avatar: string | null;
  password_hash: string;
  is_active: number | boolean;
  created_at: number;
}
export interface BindingRow {
  id: number;
  user_id: number;
  openid: string;
  created_at: number;
  updated_at: number;
}

export const USER_COLUMNS = 'id, username, mobile, nickname, avatar, password_hash, is_active, created_at';
export const BINDING_COLUMNS = 'id, user_id, openid, created_at, updated_at';

export interface FixtureRecord {
  model: string;
  pk: number;
  fields: Record<string, string | number | boolean | null>;
}

/**
 * Users first, then bindings. Django's `mobile` columns are NOT NULL, so an account
 * without one gets `""`; times are naive China Standard Time (see times.ts).
 */
export function toFixture(users: readonly UserRow[], bindings: readonly BindingRow[], format: Format, labels: Labels = DEFAULT_LABELS): FixtureRecord[] {
  const userRecords = users.map((u): FixtureRecord => {
    const fields: FixtureRecord['fields'] = {
      username: u.username,
      password: u.password_hash,
      mobile: u.mobile ?? '',
      is_active: Boolean(u.is_active),
      date_joined: formatDjangoTime(u.created_at),
    };
    if (format === 'renran') Object.assign(fields, { nickname: u.nickname, avatar: u.avatar });
    return { model: labels.user, pk: u.id, fields };
  });
  const bindingRecords = bindings.map((b): FixtureRecord => {
    const [created, updated] = [formatDjangoTime(b.created_at), formatDjangoTime(b.updated_at)];
    const fields: FixtureRecord['fields'] =
      format === 'renran'
        ? { qq_user: b.user_id, qq_openid: b.openid, created_time: created, updated_time: updated }
        : { user: b.user_id, openid: b.openid, create_time: created, update_time: updated };
    return { model: labels.qq, pk: b.id, fields };
  });
  return [...userRecords, ...bindingRecords];
}
