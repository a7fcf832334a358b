import { fillPlaceholders } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import type { PreparedQueryConfig, SQLitePreparedQuery } from 'drizzle-orm/sqlite-core';

/** No relational queries (`db.query`) are used, so drizzle is built without the schema: cheap per request. */
export type Database = DrizzleD1Database;

/** Where a query of the request runs: see {@link RequestDb}. */
export type Session = 'primary' | 'replica';

/**
 * The D1 sessions of one request, each opened on first use.
 *
 * - `primary` ('first-primary'): writes, and reads that decide writes. Writes go to the
 *   primary whatever the session; starting at the primary also makes the first read see
 *   every committed write. Its bookmark after the request's writes goes back to the
 *   browser in a cookie (src/http/bookmark.ts).
 * - `replica` ('first-unconstrained', or the browser's bookmark when it sent one): reads
 *   that a read replica near the user may answer. Anchored at the bookmark of the
 *   browser's last write, a replica that has not caught up with that write cannot answer,
 *   so a flow that reads right after its own write (bind → /users/me) sees it. Clients
 *   without cookies (native apps) have no bookmark: /users/me reads the primary when the
 *   replica does not know the account yet (src/services/accounts.ts).
 *
 * drizzle has no API for D1 sessions: a session is wrapped in the part of the D1Database
 * interface drizzle uses (prepare and batch) and handed to drizzle as a database.
 */
export class RequestDb {
  #sessions: Partial<Record<Session, D1DatabaseSession>> = {};
  #primary: Database | null = null;

  constructor(
    readonly binding: D1Database,
    /** The bookmark of the browser's last write, when it sent one. */
    readonly bookmark: string | null,
  ) {}

  /** drizzle on the primary session. */
  get primary(): Database {
    this.#primary ??= drizzle(sessionAsDatabase(this.session('primary')));
    return this.#primary;
  }

  /**
   * The first row of a query drizzle prepared once per isolate, run on session `on` and
   * mapped by drizzle as its own `.get()` would (rows as arrays, so joined columns of the
   * same name stay apart).
   */
  async first<C extends PreparedQueryConfig>(on: Session, query: SQLitePreparedQuery<C>, values: Record<string, unknown>): Promise<C['get']> {
    const { sql, params } = query.getQuery();
    const bound = fillPlaceholders(params, values);
    let rows: unknown[][];
    try {
      rows = await this.session(on).prepare(sql).bind(...bound).raw();
    } catch (err) {
      // A bookmark D1 refuses (another database's, or one it no longer knows) is the
      // browser's stale cookie, not a fault: the primary has every write it could anchor.
      if (on !== 'replica' || this.bookmark === null) throw err;
      rows = await this.session('primary').prepare(sql).bind(...bound).raw();
    }
    const mapped = query.mapResult(rows, false);
    return Array.isArray(mapped) ? mapped[0] : undefined;
  }

  /** The primary session's bookmark after this request's queries, or null when it ran none. */
  writtenBookmark(): string | null {
    return this.#sessions.primary?.getBookmark() ?? null;
  }

  private session(on: Session): D1DatabaseSession {
    let session = this.#sessions[on];
    if (session === undefined) {
      session = this.binding.withSession(on === 'primary' ? 'first-primary' : (this.bookmark ?? 'first-unconstrained'));
      this.#sessions[on] = session;
    }
    return session;
  }
}

/** D1 bookmarks look like `00000000-00000006-00000000-<32 hex>`; anything else is not used. */
export function bookmarkOrNull(value: string | undefined): string | null {
  return value !== undefined && /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/.test(value) ? value : null;
}

function sessionAsDatabase(session: D1DatabaseSession): D1Database {
  return {
    prepare: (query) => session.prepare(query),
    batch: (statements) => session.batch(statements),
    exec: () => Promise.reject(new Error('exec is not available on a D1 session')),
    withSession: () => {
      throw new Error('a D1 session cannot open another');
    },
    dump: () => Promise.reject(new Error('dump is not available on a D1 session')),
  };
}

/** `table.column` of the UNIQUE constraint a failed write broke, or null for any other failure. */
export function brokenUniqueConstraint(err: unknown): string | null {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const match = /UNIQUE constraint failed: ([\w.]+)/.exec(e.message);
    if (match?.[1]) return match[1];
  }
  return null;
}
