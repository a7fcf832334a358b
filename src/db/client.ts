import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { onePer } from '../memo';
import * as schema from './schema';

export type Database = DrizzleD1Database<typeof schema>;

/** The drizzle handle for a D1 binding, made once per binding. */
export const database = onePer((d1: D1Database): Database => drizzle(d1, { schema }));

/** `table.column` of the UNIQUE constraint a failed write broke, or null for any other failure. */
export function brokenUniqueConstraint(err: unknown): string | null {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const match = /UNIQUE constraint failed: ([\w.]+)/.exec(e.message);
    if (match?.[1]) return match[1];
  }
  return null;
}

