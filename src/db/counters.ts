/**
 * Fixed-window counters in D1 (`counters`): a row counts events until `window_ends_at`;
 * once that has passed the row counts as zero and its next event starts a new window.
 * Every statement here is meant for a `batch()`, which D1 runs as one transaction, in
 * order, with no other write in between: a condition written in SQL sees exactly what
 * the statements before it did, so a check and the counting it guards cannot be split
 * by a concurrent request.
 */
import { and, eq, gt, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client';
import { counters } from './schema';

export interface CounterRule {
  key: string;
  limit: number;
  windowSeconds: number;
}

/** SQL that is true while none of `rules` has reached its limit in a live window. */
export function underLimits(rules: readonly CounterRule[], now: number): SQL {
  const reached = or(...rules.map((r) => and(eq(counters.key, r.key), sql`${counters.count} >= ${r.limit}`)));
  return sql`NOT EXISTS (SELECT 1 FROM ${counters} WHERE ${counters.windowEndsAt} > ${now} AND (${reached}))`;
}

/**
 * Counts one event for `rule.key` when `condition` holds, whatever the limit (check it
 * with {@link underLimits} first). Returns the count and window end, or no row when
 * `condition` was false.
 */
export function countWhen(db: Database, rule: CounterRule, now: number, condition: SQL) {
  return db
    .insert(counters)
    .select(sql`SELECT ${rule.key}, 1, ${now + rule.windowSeconds} WHERE ${condition}`)
    .onConflictDoUpdate({ target: counters.key, set: oneMoreEvent(now) })
    .returning({ key: counters.key, count: counters.count, windowEndsAt: counters.windowEndsAt });
}

/**
 * The update of an upsert that counts one event into an existing row: a row past its
 * window starts a new one (at the inserted row's `window_ends_at`), else it counts on.
 */
export function oneMoreEvent(now: number) {
  const ended = sql`${counters.windowEndsAt} <= ${now}`;
  return {
    count: sql`CASE WHEN ${ended} THEN 1 ELSE ${counters.count} + 1 END`,
    windowEndsAt: sql`CASE WHEN ${ended} THEN excluded.window_ends_at ELSE ${counters.windowEndsAt} END`,
  };
}

export interface Counted {
  key: string;
  count: number;
  windowEndsAt: number;
}

/**
 * The counts of `keys` in their live windows (a key without a row, or past its window, is
 * absent). A key may be SQL, computed in the same statement (the password throttle's keys
 * name the account the batch looks up).
 */
export function liveCountsQuery(db: Database, keys: readonly (string | SQL)[], now: number) {
  const list = keys.map((key) => (typeof key === 'string' ? sql`${key}` : key));
  return db
    .select({ key: counters.key, count: counters.count, windowEndsAt: counters.windowEndsAt })
    .from(counters)
    .where(and(sql`${counters.key} IN (${sql.join(list, sql`, `)})`, gt(counters.windowEndsAt, now)));
}

/** Gives one event back to the window it was counted in (never to a later one). */
export function giveBackQuery(db: Database, counted: Counted) {
  return db
    .update(counters)
    .set({ count: sql`MAX(${counters.count} - 1, 0)` })
    .where(and(eq(counters.key, counted.key), eq(counters.windowEndsAt, counted.windowEndsAt)));
}

/** Seconds until every rule of `rules` that has reached its limit lets events through again; null when none has. */
export function waitForLimits(rules: readonly CounterRule[], live: readonly Counted[], now: number): number | null {
  let wait: number | null = null;
  for (const row of live) {
    const rule = rules.find((r) => r.key === row.key);
    if (rule === undefined || row.count < rule.limit) continue;
    wait = Math.max(wait ?? 0, row.windowEndsAt - now);
  }
  return wait;
}
