/**
 * The cron trigger's work (api.md "Housekeeping"): deletes rows that can no longer matter,
 * in bounded batches, so tables that grow with traffic stay the size of their live rows.
 * Each statement deletes at most BATCH_ROWS rows and each table gets at most ROUNDS
 * statements per run, so a flood of junk is cleared over a few runs, each well inside
 * D1's per-query time and per-invocation query limits, without holding the database long.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { drizzle } from 'drizzle-orm/d1';
import type { Database } from './db/client';
import { counters, smsCodes, spentBindTickets } from './db/schema';
import { logError, logWarning } from './log';
import { MAX_BIND_TICKET_TTL_SECONDS, settingsOf, type Settings } from './settings';
import { seconds } from './time';

export const BATCH_ROWS = 1000;
export const ROUNDS = 10;

interface Sweep {
  table: SQLiteTable;
  name: string;
  /** Rows that can no longer matter at `now` (Unix seconds). */
  expired: (now: number, settings: Settings) => SQL;
}

const SWEEPS: Sweep[] = [
  {
    // A code past its expiry still holds the resend window until that ends too.
    table: smsCodes,
    name: 'sms_codes',
    expired: (now, s) => sql`${smsCodes.expiresAt} <= ${now} AND ${smsCodes.sentAt} <= ${now - s.SMS_RESEND_SECONDS}`,
  },
  {
    // SMS sending and guessing limits and password failures: a counter whose window has
    // ended counts as zero (src/db/schema.ts).
    table: counters,
    name: 'counters',
    expired: (now) => sql`${counters.windowEndsAt} <= ${now}`,
  },
  {
    // Older than the longest ticket lifetime: the ticket itself has expired from KV.
    table: spentBindTickets,
    name: 'spent_bind_tickets',
    expired: (now) => sql`${spentBindTickets.spentAt} < ${now - MAX_BIND_TICKET_TTL_SECONDS}`,
  },
];

/** Rows deleted per table in one run. */
export type SweepResult = Record<string, number>;

/** One housekeeping run at `nowMs`; every table is swept even when another fails. */
export async function housekeep(env: Env, nowMs: number): Promise<SweepResult> {
  let settings: Settings;
  try {
    settings = settingsOf(env);
  } catch (err) {
    // The worker refuses to serve too, so nothing is being written meanwhile.
    logError('housekeeping skipped: the settings are invalid', err);
    return {};
  }
  // Housekeeping only writes, on the primary: no session is needed.
  const db: Database = drizzle(env.DB);
  const now = seconds(nowMs);
  const deleted: SweepResult = {};
  for (const sweep of SWEEPS) {
    try {
      deleted[sweep.name] = await sweepTable(db, sweep.table, sweep.expired(now, settings), sweep.name);
    } catch (err) {
      logError(`housekeeping of ${sweep.name} failed`, err);
    }
  }
  return deleted;
}

async function sweepTable(db: Database, table: SQLiteTable, expired: SQL, name: string): Promise<number> {
  let total = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const result = await db.run(sql`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${expired} LIMIT ${BATCH_ROWS})`);
    const changes = result.meta.changes;
    total += changes;
    if (changes < BATCH_ROWS) return total;
  }
  logWarning(`housekeeping: ${name} has more expired rows than one run deletes; the next runs continue`);
  return total;
}
