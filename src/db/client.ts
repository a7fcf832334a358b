import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import * as schema from './schema';

export type Database = DrizzleD1Database<typeof schema>;

const cache = new WeakMap<D1Database, Database>();

/** The drizzle handle for a D1 binding, made once per binding. */
export function database(d1: D1Database): Database {
  let db = cache.get(d1);
  if (db === undefined) {
    db = drizzle(d1, { schema });
    cache.set(d1, db);
  }
  return db;
}

/** `table.column` of the UNIQUE constraint a failed write broke, or null for any other failure. */
export function brokenUniqueConstraint(err: unknown): string | null {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const match = /UNIQUE constraint failed: ([\w.]+)/.exec(e.message);
    if (match?.[1]) return match[1];
  }
  return null;
}

/** Unix seconds. */
export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
