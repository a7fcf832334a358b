/** Reads and writes of accounts and their QQ bindings. */
import { and, eq, exists, or, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { TokenClaims } from '../auth/jwt';
import { onePer } from '../memo';
import type { Database, RequestDb, Session } from './client';
import { qqBindings, users, type QQBinding, type User } from './schema';
import type { SQL } from 'drizzle-orm';

export interface Account {
  user: User;
  binding: QQBinding | null;
}

/**
 * The hot lookups. drizzle builds each once per D1 binding (its SQL and the mapping of its
 * rows); they run on whichever session of the request is asked for (src/db/client.ts).
 */
const lookups = onePer((d1: D1Database) => {
  const db = drizzle(d1);
  return {
    byOpenid: db
      .select({ user: users, binding: qqBindings })
      .from(qqBindings)
      .innerJoin(users, eq(users.id, qqBindings.userId))
      .where(eq(qqBindings.openid, sql.placeholder('openid')))
      .prepare(),
    byId: db
      .select({ user: users, binding: qqBindings })
      .from(users)
      .leftJoin(qqBindings, eq(qqBindings.userId, users.id))
      .where(eq(users.id, sql.placeholder('id')))
      .prepare(),
  };
});

/** The account a QQ openid is bound to, with its binding: one query, on `on`. */
export async function findAccountByOpenid(db: RequestDb, on: Session, openid: string): Promise<{ user: User; binding: QQBinding } | null> {
  return (await db.first(on, lookups(db.binding).byOpenid, { openid })) ?? null;
}

/** The account with this id, with its QQ binding if any: one query, on `on`. */
export async function findAccountById(db: RequestDb, on: Session, id: number): Promise<Account | null> {
  return (await db.first(on, lookups(db.binding).byId, { id })) ?? null;
}

/**
 * Which account a login name means: the account with that username, else the one with that
 * mobile. The one rule for password logins and their attempt counts.
 */
const namesLogin = (login: string) => or(eq(users.username, login), eq(users.mobile, login));
const preferUsername = (login: string) => sql`${users.username} = ${login} DESC`;

/** The id of the account `login` names, as an SQL expression (NULL when none). */
export function accountIdByLogin(login: string) {
  return sql`(SELECT ${users.id} FROM ${users} WHERE ${namesLogin(login)} ORDER BY ${preferUsername(login)} LIMIT 1)`;
}

/** The id of the account whose mobile this is, as an SQL expression (NULL when none). */
export function accountIdByMobile(mobile: string) {
  return sql`(SELECT ${users.id} FROM ${users} WHERE ${users.mobile} = ${mobile})`;
}

/** The query for the user row with this id; for batches. */
export function userByIdQuery(db: Database, id: number) {
  return db.select().from(users).where(eq(users.id, id)).limit(1);
}

/** The rows (one or none) whose user a token with these claims still stands for: active, and not revoked. */
export function tokenHolder(claims: TokenClaims) {
  return and(eq(users.id, claims.userId), eq(users.isActive, true), eq(users.tokenVersion, claims.version));
}

/** True in SQL while a token with these claims still stands for its user. */
export function tokenStillValid(db: Database, claims: TokenClaims) {
  return exists(db.select({ one: sql`1` }).from(users).where(tokenHolder(claims)));
}

/**
 * Revokes every token issued so far to the user `where` picks (raises its token version),
 * setting a new password hash too when given. Answers the updated row: none when `where`
 * matched nothing.
 */
export function revokeTokensQuery(db: Database, where: SQL | undefined, change: { passwordHash: string; now: number } | null = null) {
  const password = change === null ? {} : { passwordHash: change.passwordHash, updatedAt: change.now };
  return db
    .update(users)
    .set({ tokenVersion: sql`${users.tokenVersion} + 1`, ...password })
    .where(where)
    .returning();
}

/**
 * The query for an account by username or mobile, with the id of its QQ binding; for
 * batches. D1 answers batched rows as objects keyed by column name, so a joined column
 * named like one of `users` (id, created_at…) would overwrite it: only the binding's id
 * is selected, under its own name.
 */
export function accountByLoginQuery(db: Database, login: string) {
  return accountQuery(db).where(namesLogin(login)).orderBy(preferUsername(login)).limit(1);
}

/** The query for the account whose mobile this is (never a username match), with its binding id. */
export function accountByMobileQuery(db: Database, mobile: string) {
  return accountQuery(db).where(eq(users.mobile, mobile)).limit(1);
}

/** The query for whether a mobile (as mobile or username) or a nickname is in use; for batches. */
export function takenQuery(db: Database, mobile: string, nickname: string) {
  return db
    .select({
      mobile: sql<number>`${eq(users.mobile, mobile)} OR ${eq(users.username, mobile)}`,
      nickname: sql<number>`${eq(users.nickname, nickname)}`,
    })
    .from(users)
    .where(or(eq(users.mobile, mobile), eq(users.username, mobile), eq(users.nickname, nickname)));
}

function accountQuery(db: Database) {
  return db
    .select({ user: users, bindingId: sql<number | null>`${qqBindings.id}`.as('binding_id') })
    .from(users)
    .leftJoin(qqBindings, eq(qqBindings.userId, users.id))
    .$dynamic();
}

export interface NewBinding {
  appId: string;
  openid: string;
  unionid: string | null;
  nickname: string | null;
  avatar: string | null;
  accessToken: string;
  refreshToken: string | null;
  tokenExpiresAt: number | null;
  now: number;
}

/** Insert of a binding for the user with `mobile` (or `userId`), usable in the batch that creates that user. */
export function insertBindingQuery(db: Database, owner: { userId: number } | { mobile: string }, b: NewBinding) {
  const userId = 'userId' in owner ? sql`${owner.userId}` : sql`(SELECT ${users.id} FROM ${users} WHERE ${users.mobile} = ${owner.mobile})`;
  return db.insert(qqBindings).values({
    userId,
    appId: b.appId,
    openid: b.openid,
    unionid: b.unionid,
    nickname: b.nickname,
    avatar: b.avatar,
    accessToken: b.accessToken,
    refreshToken: b.refreshToken,
    tokenExpiresAt: b.tokenExpiresAt,
    profileUpdatedAt: b.now,
    createdAt: b.now,
    updatedAt: b.now,
  });
}
