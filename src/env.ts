import type { Settings } from './settings';
import type { Deps } from './deps';
import type { EventNote } from './http/events';

/** Bindings and settings as the runtime hands them over (see wrangler.toml and .dev.vars). */
export interface Env {
  DB: D1Database;
  KV: KVNamespace;
  [setting: string]: unknown;
}

export interface AppVariables {
  settings: Settings;
  deps: Deps;
  userId: number;
  /** The `ver` of the request's Bearer token, checked against the user row by each route's read. */
  tokenVersion: number;
  /** What the request's event line says (see http/events.ts). */
  event?: EventNote;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
