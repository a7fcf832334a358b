/**
 * OAuth `state`: random, single-use, ten minutes, and bound to the browser that asked by
 * an HttpOnly cookie. KV key `state:<sha256(state "." browser cookie)>`, value `{ next }`:
 * only the browser that asked can even find its state, so nobody else can spend it.
 */
import { parseJson } from '../json';
import * as z from 'zod/mini';
import { randomToken, sha256 } from '../crypto';

export const STATE_TTL_SECONDS = 600;
export const BROWSER_COOKIE = 'qq_login_browser';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const recordSchema = z.object({ next: z.string() });

export interface StateRecord {
  next: string;
}

/** Issues a state for `browserId` (the cookie value). */
export async function issueState(kv: KVNamespace, browserId: string, next: string): Promise<string> {
  const state = randomToken(32);
  await kv.put(await key(state, browserId), JSON.stringify({ next }), { expirationTtl: STATE_TTL_SECONDS });
  return state;
}

/**
 * Reads and deletes the state; null when unknown, expired, used, or issued to another
 * browser. QQ's authorization codes are themselves single-use, so a state replayed within
 * KV's propagation window still cannot complete a second login.
 */
export async function consumeState(kv: KVNamespace, state: string, browserId: string | undefined): Promise<StateRecord | null> {
  if (!TOKEN_PATTERN.test(state) || browserId === undefined || !TOKEN_PATTERN.test(browserId)) return null;
  const k = await key(state, browserId);
  const raw = await kv.get(k);
  if (raw === null) return null;
  await kv.delete(k);
  const parsed = recordSchema.safeParse(parseJson(raw));
  return parsed.success ? { next: parsed.data.next } : null;
}

/** A browser id from the cookie when it looks like one of ours, else a new one. */
export function browserIdFrom(cookie: string | undefined): string {
  return cookie !== undefined && TOKEN_PATTERN.test(cookie) ? cookie : randomToken(32);
}

async function key(state: string, browserId: string): Promise<string> {
  return `state:${await sha256(`${state}.${browserId}`)}`;
}

