import type { Context } from 'hono';
import type { AppEnv } from '../env';
let served: string | null = null;

/**
 * `GET /openapi.json`: the document `npm run openapi` generated from the routes' own
 * schemas (test/openapi.test.ts keeps it current), so the worker carries neither the
 * generator nor zod's JSON Schema code. Serialized on first request, once per isolate.
 */
export async function serveOpenapi(c: Context<AppEnv>): Promise<Response> {
  // Imported on first request: the bundle then builds the document's objects only here, not at startup.
  served ??= JSON.stringify((await import('./openapi.json')).default);
  return c.body(served, 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' });
}
