import type { Settings } from './settings';
import type { Deps } from './deps';

/** Bindings and settings as the runtime hands them over (see wrangler.toml and .dev.vars). */
export interface Env {
  DB: D1Database;
  KV: KVNamespace;
  /** The hosted pages' static assets (wrangler.toml [assets]); only the pages need it. */
  ASSETS?: Fetcher;
  [setting: string]: unknown;
}

export interface AppVariables {
  settings: Settings;
  deps: Deps;
  userId: number;
}

export type { Lang } from './lang';

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
