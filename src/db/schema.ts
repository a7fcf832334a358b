/**
 * D1 tables. Times are Unix seconds. The storage schema, KV included, is described in
 * docs/storage.md.
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(unixepoch())`;

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    mobile: text('mobile'),
    nickname: text('nickname'),
    avatar: text('avatar'),
    /** Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`. */
    passwordHash: text('password_hash').notNull(),
    /** False for accounts kept from a Django shop as inactive: they cannot log in. */
    isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
    /**
     * Carried in every login token (`ver`); raising it revokes every token issued before.
     * Logout, password change and password reset raise it; logging in never writes it.
     */
    tokenVersion: integer('token_version').notNull().default(0),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('users_username_unique').on(t.username),
    uniqueIndex('users_mobile_unique').on(t.mobile),
    uniqueIndex('users_nickname_unique').on(t.nickname),
  ],
);

/** One QQ identity per account and one account per QQ identity. */
export const qqBindings = sqliteTable(
  'qq_bindings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** QQ's openid is per app: the app it belongs to is kept beside it. */
    appId: text('app_id').notNull(),
    openid: text('openid').notNull(),
    unionid: text('unionid'),
    nickname: text('nickname'),
    avatar: text('avatar'),
    /** AES-GCM sealed (src/crypto.ts `Sealer`), never plaintext. */
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    tokenExpiresAt: integer('token_expires_at'),
    profileUpdatedAt: integer('profile_updated_at').notNull().default(now),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('qq_bindings_openid_unique').on(t.openid),
    uniqueIndex('qq_bindings_user_unique').on(t.userId),
    uniqueIndex('qq_bindings_unionid_unique').on(t.unionid),
  ],
);

/**
 * The SMS code of each mobile: its keyed hash, expiry, wrong-guess count and when it was
 * sent. Kept in D1, not KV, because the resend window, the guess count and consumption
 * must be atomic.
 */
export const smsCodes = sqliteTable(
  'sms_codes',
  {
    mobile: text('mobile').primaryKey(),
    /** Null once consumed or when no code is active. */
    codeHash: text('code_hash'),
    expiresAt: integer('expires_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    sentAt: integer('sent_at').notNull(),
  },
  (t) => [index('sms_codes_expires_at').on(t.expiresAt)],
);

/**
 * Fixed-window counters that must be exact under concurrency (SMS sending and guessing
 * limits, password failures): one upsert counts and answers the new count atomically. A
 * row whose window has ended counts as zero and is restarted by the next upsert; the
 * housekeeping cron deletes such rows.
 */
export const counters = sqliteTable(
  'counters',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    windowEndsAt: integer('window_ends_at').notNull(),
  },
  (t) => [index('counters_window_ends_at').on(t.windowEndsAt)],
);

/** Bind tickets that have been used: the atomic half of "single-use". */
export const spentBindTickets = sqliteTable(
  'spent_bind_tickets',
  {
    ticketHash: text('ticket_hash').primaryKey(),
    spentAt: integer('spent_at').notNull(),
  },
  (t) => [index('spent_bind_tickets_spent_at').on(t.spentAt)],
);

export type User = typeof users.$inferSelect;
export type QQBinding = typeof qqBindings.$inferSelect;
