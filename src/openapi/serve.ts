import type { Context } from 'hono';
import type { AppEnv } from '../env';
import document from './openapi.json';

let served: string | null = null;

/**
 * `GET /openapi.json`: the document `npm run openapi` generated from the routes' own
 * schemas (test/openapi.test.ts keeps it current), so the worker carries neither the
 * generator nor zod's JSON Schema code. Serialized on first request, once per isolate.
 */
export function serveOpenapi(c: Context<AppEnv>): Response {
  served ??= JSON.stringify(document);
  return c.body(served, 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' });
}
