/**
 * D1 bookmarks round-trip through the browser: the bookmark after a request's writes goes
 * back in a cookie, and the browser's next reads near the user start from it, so they see
 * those writes even on a read replica (src/db/client.ts).
 */
import { createMiddleware } from 'hono/factory';
import { bookmarkOrNull, RequestDb } from '../db/client';
import type { AppEnv } from '../env';
import { readCookie, writeCookie } from './cookies';

const BOOKMARK_COOKIE = 'd1_bookmark';
/** Far longer than replicas take to catch up; after that any session sees the write. */
const BOOKMARK_MAX_AGE_SECONDS = 300;

export const d1Sessions = createMiddleware<AppEnv>(async (c, next) => {
  const d1 = new RequestDb(c.env.DB, bookmarkOrNull(readCookie(c, BOOKMARK_COOKIE)));
  c.set('d1', d1);
  await next();
  const written = d1.writtenBookmark();
  if (written !== null) writeCookie(c, BOOKMARK_COOKIE, written, BOOKMARK_MAX_AGE_SECONDS);
});
