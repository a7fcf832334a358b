/**
 * Bind tickets: what a first QQ login hands the client so it can finish binding.
 * KV key `ticket:<sha256(ticket)>`, value {@link TicketPayload}, TTL BIND_TICKET_TTL_SECONDS.
 * Single use is enforced in D1 (`spent_bind_tickets`, inserted in the bind's own batch);
 * the KV entry is deleted after a successful bind.
 */
import * as z from 'zod/mini';
import { randomToken, sha256 } from '../crypto';
import { parseJson } from '../json';
import { once } from '../memo';

// Built on the first bind, not at startup.
const payloadSchema = once(() =>
  z.object({
    appId: z.string(),
    openid: z.string(),
    unionid: z.nullable(z.string()),
    nickname: z.nullable(z.string()),
    avatar: z.nullable(z.string()),
    /** Sealed (src/crypto.ts `Sealer`). */
    accessToken: z.string(),
    refreshToken: z.nullable(z.string()),
    tokenExpiresAt: z.nullable(z.number().check(z.int())),
    /** Absent for native app logins. */
    next: z.nullable(z.string()),
  }),
);

export type TicketPayload = z.infer<ReturnType<typeof payloadSchema>>;

export interface Ticket {
  hash: string;
  payload: TicketPayload;
}

export async function issueTicket(kv: KVNamespace, payload: TicketPayload, ttlSeconds: number): Promise<string> {
  const ticket = randomToken(32);
  await kv.put(`ticket:${await sha256(ticket)}`, JSON.stringify(payload), { expirationTtl: ttlSeconds });
  return ticket;
}

/** The ticket's payload, or null when unknown or expired. Does not spend it. */
export async function readTicket(kv: KVNamespace, ticket: string): Promise<Ticket | null> {
  const hash = await sha256(ticket);
  const raw = await kv.get(`ticket:${hash}`);
  if (raw === null) return null;
  const parsed = payloadSchema().safeParse(parseJson(raw));
  return parsed.success ? { hash, payload: parsed.data } : null;
}

export async function forgetTicket(kv: KVNamespace, hash: string): Promise<void> {
  await kv.delete(`ticket:${hash}`);
}
