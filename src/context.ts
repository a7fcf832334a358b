import type { Context } from 'hono';
import { Sealer } from './crypto';
import type { Database, RequestDb } from './db/client';
import type { Deps } from './deps';
import { onePer } from './memo';
import type { AppEnv } from './env';
import type { QQConfig } from './qq/client';
import type { Settings } from './settings';

/** What a service needs for one request; handlers build it, services never see Hono. */
export interface Ctx {
  settings: Settings;
  deps: Deps;
  /** drizzle on the primary: writes, and the reads that decide them. Opened on first use. */
  readonly db: Database;
  /** The request's D1 sessions, for reads a read replica may answer (src/db/client.ts). */
  d1: RequestDb;
  kv: KVNamespace;
  qq: QQConfig;
  sealer: Sealer;
  /** Runs work after the response is sent. */
  waitUntil: (work: Promise<unknown>) => void;
  /** The client's address where Cloudflare gives it; null in local development. */
  clientIp: string | null;
  /** Milliseconds, fixed for the whole request. */
  now: number;
}

// The AES key is imported once per isolate (settings are parsed once per isolate too).
const sealerOf = onePer((settings: Settings) => new Sealer(settings.TOKEN_ENCRYPTION_KEY));

export function ctxOf(c: Context<AppEnv>): Ctx {
  const { settings, deps, d1 } = c.var;
  return {
    settings,
    deps,
    // A getter, so that requests that never write open no session on the primary.
    get db() {
      return d1.primary;
    },
    d1,
    kv: c.env.KV,
    qq: {
      appId: settings.QQ_APP_ID,
      appKey: settings.QQ_APP_KEY,
      redirectUri: settings.QQ_REDIRECT_URI,
      apiBase: settings.QQ_API_BASE,
      fetch: deps.fetch,
      timeoutMs: deps.timeoutMs,
    },
    sealer: sealerOf(settings),
    waitUntil: (work) => c.executionCtx.waitUntil(work),
    clientIp: c.req.header('cf-connecting-ip') ?? null,
    now: deps.now(),
  };
}
