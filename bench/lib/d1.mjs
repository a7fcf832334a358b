// The bench's D1 contents: the migrations, other people's accounts, and a copy of the
// seeded accounts from the worker's database to the floor's.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Applies drizzle/*.sql in order, statement by statement (drizzle's `--> statement-breakpoint`).
 * @param {D1Database} db
 * @param {string} dir
 */
export async function applyMigrations(db, dir) {
  /** @type {string[]} */
  const files = readdirSync(dir)
    .filter((/** @type {string} */ f) => f.endsWith('.sql'))
    .sort();
  for (const file of files) {
    /** @type {string[]} */
    const statements = readFileSync(path.join(dir, file), 'utf8')
      .split('--> statement-breakpoint')
      .map((/** @type {string} */ s) => s.trim())
      .filter(Boolean);
    for (const sql of statements) await db.prepare(sql).run();
  }
  return files;
}

/**
 * Other people's accounts: `count` users with a QQ binding each, so lookups run against a
 * table of realistic size rather than a single row. Same rows in every database it is
 * applied to. Their mobiles are 177xxxxxxxx, never used by the bench's own requests.
 * @param {D1Database} db
 * @param {number} count
 */
export async function insertFiller(db, count) {
  if (count <= 0) return;
  const now = 1_790_000_000;
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO users (id, username, mobile, nickname, avatar, password_hash, created_at, updated_at)
       SELECT i, printf('177%08d', i), printf('177%08d', i), NULL, NULL,
              'pbkdf2_sha256$100000$fillerfillerfiller$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', ?2, ?2 FROM n`,
    )
    .bind(count, now)
    .run();
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO qq_bindings (user_id, app_id, openid, unionid, nickname, avatar, access_token, refresh_token,
                                token_expires_at, profile_updated_at, created_at, updated_at)
       SELECT i, '101000001', printf('F1%030X', i), printf('UID_F1%026X', i), 'filler', NULL, NULL, NULL, NULL, ?2, ?2, ?2 FROM n`,
    )
    .bind(count, now)
    .run();
}

/**
 * Copies users and their QQ bindings with ids above `afterId` from one D1 to another.
 * @param {D1Database} from
 * @param {D1Database} to
 * @param {number} afterId
 */
export async function copyAccounts(from, to, afterId) {
  let copied = 0;
  for (const table of ['users', 'qq_bindings']) {
    const { results } = await from.prepare(`SELECT * FROM ${table} WHERE id > ?`).bind(afterId).all();
    for (const row of results) {
      const cols = Object.keys(row);
      await to
        .prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
        .bind(...cols.map((c) => row[c]))
        .run();
      copied++;
    }
  }
  return copied;
}
