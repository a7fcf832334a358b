/**
 * Decides an import: every conflict in the dump or against D1 is found first (and
 * reported by name), then the writes are laid out as SQL statements within D1's limits.
 */
import { maskMobile } from '../../src/log.ts';
import type { Dump, ImportBinding, ImportUser, UserRef } from './dump.ts';

/** The key columns of what D1 already holds. */
export interface D1User {
  id: number;
  username: string;
  mobile: string | null;
  nickname: string | null;
}
export interface D1Binding {
  user_id: number;
  openid: string;
}

export interface PlannedBinding {
  userId: number;
  openid: string;
  createdAt: number;
  updatedAt: number;
}

export interface Plan {
  createUsers: ImportUser[];
  updateUsers: ImportUser[];
  createBindings: PlannedBinding[];
  updateBindings: PlannedBinding[];
  /** renran bindings marked `is_deleted`: not imported. */
  deletedBindings: number;
  /** Bindings whose QQ access token was left out. */
  droppedTokens: number;
  inactive: number;
  /** Hashes the edge cannot check, by kind (`md5`, `pbkdf2_sha256 over 100,000 iterations`…). */
  uncheckable: Record<string, number>;
  /** The highest account id once imported: accounts created at the edge get ids above it. */
  highestId: number;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; conflicts: string[] };

/** The Workers runtime checks PBKDF2 up to this many iterations (src/auth/password.ts). */
export const EDGE_MAX_ITERATIONS = 100_000;

/** D1 refuses statements over 100,000 bytes; each statement stays well below. */
export const MAX_STATEMENT_BYTES = 90_000;
const MAX_ROWS_PER_STATEMENT = 500;

/** A dump whose users and bindings agree with each other: each binding has its user. */
export interface CheckedDump {
  users: ImportUser[];
  bindings: { binding: ImportBinding; user: ImportUser }[];
  deletedBindings: number;
}

/** The conflicts within the dump itself; they need no look at D1. */
export function checkDump(dump: Dump): { ok: true; checked: CheckedDump } | { ok: false; conflicts: string[] } {
  const conflicts: string[] = [];
  const byPk = new Map<number, ImportUser>();
  for (const user of dump.users) {
    const other = byPk.get(user.id);
    if (other !== undefined) conflicts.push(`pk ${user.id}: two users in the dump (${other.username}, ${user.username})`);
    else byPk.set(user.id, user);
  }
  const users = [...byPk.values()];
  for (const [column, key, show] of UNIQUE_COLUMNS) {
    for (const [value, holders] of groupBy(users, key)) {
      if (holders.length > 1) conflicts.push(`${column} ${show(value)}: held by ${holders.length} users in the dump (${holders.map(named).join(', ')})`);
    }
  }

  const byUsername = new Map(users.map((u) => [u.username, u]));
  const live = dump.bindings.filter((b) => !b.deleted);
  const bindings: CheckedDump['bindings'] = [];
  for (const binding of live) {
    const user = typeof binding.user === 'number' ? byPk.get(binding.user) : byUsername.get(binding.user[0]);
    if (user === undefined) conflicts.push(`${binding.name}: its user ${refText(binding.user)} is not in the dump (bindings are imported with their users)`);
    else bindings.push({ binding, user });
  }
  for (const [openid, holders] of groupBy(bindings, (b) => b.binding.openid)) {
    if (holders.length > 1) conflicts.push(`openid ${openid}: ${holders.length} bindings in the dump (${holders.map((h) => named(h.user)).join(', ')})`);
  }
  for (const [, holders] of groupBy(bindings, (b) => b.user.id)) {
    if (holders.length > 1) {
      const user = holders[0]!.user;
      conflicts.push(`${named(user)}: ${holders.length} QQ identities in the dump (openids ${holders.map((h) => h.binding.openid).join(', ')}); an account has one`);
    }
  }
  if (conflicts.length > 0) return { ok: false, conflicts };
  return { ok: true, checked: { users, bindings, deletedBindings: dump.bindings.length - live.length } };
}

/** The conflicts against what D1 holds; without any, what to write. */
export function planImport(checked: CheckedDump, d1: { users: readonly D1User[]; bindings: readonly D1Binding[] }, now: number): PlanResult {
  const { users, bindings } = checked;
  const conflicts: string[] = [];
  // Against D1: the same pk must be the same person, and no value may move off another account.
  const d1ById = new Map(d1.users.map((u) => [u.id, u]));
  for (const user of users) {
    const row = d1ById.get(user.id);
    if (row !== undefined && !sameAccount(row, user)) {
      conflicts.push(`${named(user)}: account ${row.id} in D1 is someone else (${shown(row.username)})`);
    }
  }
  for (const [column, key, show] of UNIQUE_COLUMNS) {
    const held = new Map(d1.users.filter((u) => key(u) !== null).map((u) => [key(u), u]));
    for (const user of users) {
      const holder = key(user) === null ? undefined : held.get(key(user));
      if (holder !== undefined && holder.id !== user.id) {
        conflicts.push(`${column} ${show(key(user)!)}: held in D1 by account ${holder.id} (${shown(holder.username)}), the dump gives it to ${named(user)}`);
      }
    }
  }
  const d1ByOpenid = new Map(d1.bindings.map((b) => [b.openid, b]));
  const d1ByUser = new Map(d1.bindings.map((b) => [b.user_id, b]));
  for (const { binding, user } of bindings) {
    const sameOpenid = d1ByOpenid.get(binding.openid);
    if (sameOpenid !== undefined && sameOpenid.user_id !== user.id) {
      conflicts.push(`openid ${binding.openid}: bound in D1 to account ${sameOpenid.user_id}, the dump binds it to ${named(user)}`);
    }
    const userBinding = d1ByUser.get(user.id);
    if (userBinding !== undefined && userBinding.openid !== binding.openid) {
      conflicts.push(`${named(user)}: bound in D1 to another QQ identity (openid ${userBinding.openid})`);
    }
  }
  if (conflicts.length > 0) return { ok: false, conflicts };

  const planned = bindings.map(({ binding, user }): PlannedBinding => {
    const createdAt = binding.createdAt ?? now;
    return { userId: user.id, openid: binding.openid, createdAt, updatedAt: binding.updatedAt ?? createdAt };
  });
  const uncheckable: Record<string, number> = {};
  for (const user of users) {
    const kind = uncheckableKind(user.passwordHash);
    if (kind !== null) uncheckable[kind] = (uncheckable[kind] ?? 0) + 1;
  }
  return {
    ok: true,
    plan: {
      createUsers: users.filter((u) => !d1ById.has(u.id)),
      updateUsers: users.filter((u) => d1ById.has(u.id)),
      createBindings: planned.filter((b) => !d1ByOpenid.has(b.openid)),
      updateBindings: planned.filter((b) => d1ByOpenid.has(b.openid)),
      deletedBindings: checked.deletedBindings,
      droppedTokens: bindings.filter((b) => b.binding.hadAccessToken).length,
      inactive: users.filter((u) => !u.isActive).length,
      uncheckable,
      highestId: [...users, ...d1.users].reduce((max, u) => Math.max(max, u.id), 0),
    },
  };
}

/**
 * Null when the worker can check this hash at login; else what kind of hash it is. The
 * worker checks Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 of 32 bytes>` with at
 * most 100,000 iterations.
 */
export function uncheckableKind(hash: string): string | null {
  if (hash === '' || hash.startsWith('!')) return 'unusable (no password set)';
  const parts = hash.split('$');
  const algorithm = parts.length > 1 ? parts[0]! : 'unknown format';
  if (algorithm !== 'pbkdf2_sha256' || parts.length !== 4) return algorithm;
  // Digits only, as the worker reads them (src/auth/password.ts).
  const iterations = /^\d+$/.test(parts[1]!) ? Number(parts[1]) : NaN;
  if (!Number.isInteger(iterations) || iterations < 1 || !parts[2] || !/^[A-Za-z0-9+/]{43}=$/.test(parts[3]!)) return 'malformed pbkdf2_sha256';
  return iterations > EDGE_MAX_ITERATIONS ? `pbkdf2_sha256 over ${EDGE_MAX_ITERATIONS.toLocaleString('en')} iterations` : null;
}

/**
 * The writes, in order (users before the bindings that point at them). New rows are plain
 * INSERTs: should another writer take one of their ids, mobiles or openids after the
 * check, the statement fails and nothing is written. Rows seen in D1 are upserted by id
 * (users) or openid (bindings). A changed hash or activity raises `token_version`, which
 * revokes the account's earlier tokens.
 */
export function importStatements(plan: Plan, appId: string, now: number): string[] {
  const userRow = (u: ImportUser) =>
    row([u.id, u.username, u.mobile, u.nickname, u.avatar, u.passwordHash, u.isActive, u.createdAt ?? now, now]);
  const bindingRow = (b: PlannedBinding) => row([b.userId, appId, b.openid, 0, b.createdAt, b.updatedAt]);
  const users = 'INSERT INTO users (id, username, mobile, nickname, avatar, password_hash, is_active, created_at, updated_at) VALUES\n';
  // profile_updated_at 0: the first QQ login at the edge fetches the QQ nickname and avatar.
  const qq = 'INSERT INTO qq_bindings (user_id, app_id, openid, profile_updated_at, created_at, updated_at) VALUES\n';
  return [
    ...chunked(users, plan.createUsers.map(userRow), ''),
    ...chunked(
      users,
      plan.updateUsers.map(userRow),
      '\nON CONFLICT (id) DO UPDATE SET username = excluded.username, mobile = excluded.mobile, nickname = excluded.nickname,' +
        ' avatar = excluded.avatar, password_hash = excluded.password_hash, is_active = excluded.is_active,' +
        ' token_version = users.token_version + (users.password_hash IS NOT excluded.password_hash OR users.is_active IS NOT excluded.is_active),' +
        ' created_at = excluded.created_at, updated_at = excluded.updated_at',
    ),
    ...chunked(qq, plan.createBindings.map(bindingRow), ''),
    ...chunked(
      qq,
      plan.updateBindings.map(bindingRow),
      '\nON CONFLICT (openid) DO UPDATE SET app_id = excluded.app_id, created_at = excluded.created_at, updated_at = excluded.updated_at',
    ),
  ];
}

/** An SQL literal. Anything beyond a plain token goes in as UTF-8 hex, so no text can alter the statement. */
export function sqlValue(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    return String(value);
  }
  if (/^[\w@.+/:=$!-]*$/.test(value)) return `'${value}'`;
  const hex = [...new TextEncoder().encode(value)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `CAST(X'${hex}' AS TEXT)`;
}

function row(values: (string | number | boolean | null)[]): string {
  return `(${values.map(sqlValue).join(', ')})`;
}

function chunked(head: string, rows: string[], tail: string): string[] {
  const statements: string[] = [];
  let batch: string[] = [];
  let size = head.length + tail.length + 1;
  for (const r of rows) {
    if (batch.length > 0 && (size + r.length + 2 > MAX_STATEMENT_BYTES || batch.length >= MAX_ROWS_PER_STATEMENT)) {
      statements.push(`${head}${batch.join(',\n')}${tail};`);
      batch = [];
      size = head.length + tail.length + 1;
    }
    batch.push(r);
    size += r.length + 2;
  }
  if (batch.length > 0) statements.push(`${head}${batch.join(',\n')}${tail};`);
  return statements;
}

type Keyed = Pick<D1User, 'username' | 'mobile' | 'nickname'>;
const UNIQUE_COLUMNS: [string, (u: Keyed) => string | null, (v: string) => string][] = [
  ['username', (u) => u.username, shown],
  ['mobile', (u) => u.mobile, maskMobile],
  ['nickname', (u) => u.nickname, (v) => v],
];

/** The D1 account with this id is the dump's user when the username or the mobile agrees. */
function sameAccount(row: D1User, user: ImportUser): boolean {
  return row.username === user.username || (row.mobile !== null && row.mobile === user.mobile);
}

function named(user: ImportUser): string {
  return `pk ${user.id} (${shown(user.username)})`;
}

function refText(ref: UserRef): string {
  return typeof ref === 'number' ? `pk ${ref}` : `[${JSON.stringify(shown(ref[0]))}]`;
}

/** A username as messages show it: accounts made at the edge are named by their mobile, which is masked. */
function shown(username: string): string {
  return /^1\d{10}$/.test(username) ? maskMobile(username) : username;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K | null): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}
