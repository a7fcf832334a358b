import type { Settings } from './settings';
import type { Deps } from './deps';
import type { EventNote } from './http/events';
import type { RequestDb } from './db/client';

/** Bindings and settings as the runtime hands them over (see wrangler.toml and .dev.vars). */
export interface Env {
  DB: D1Database;
  KV: KVNamespace;
  [setting: string]: unknown;
}

export interface AppVariables {
  settings: Settings;
  deps: Deps;
  /** The request's D1 sessions (src/http/bookmark.ts). */
  d1: RequestDb;
  userId: number;
  /** What the request's event line says (see http/events.ts). */
  event?: EventNote;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
