/**
 * The cron trigger (wrangler.toml [triggers]) runs the worker's `scheduled` handler, which
 * deletes expired rows in bounded batches. The run's clock is the controller's
 * scheduledTime, pinned here.
 */
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../src/index';
import { BATCH_ROWS, ROUNDS } from '../src/housekeeping';
import { MAX_BIND_TICKET_TTL_SECONDS } from '../src/settings';
import { freshMobile, harness } from './harness';
import { TEST_SETTINGS } from './settings';

const NOW = 1_900_000_000; // pinned: 2030-03-17T17:46:40Z
const RESEND = Number(TEST_SETTINGS.SMS_RESEND_SECONDS);
const TABLES = ['sms_codes', 'counters', 'spent_bind_tickets'] as const;

/** The bindings the cron gets, with every D1 statement's SQL recorded. */
function cronEnv(overrides: Record<string, unknown> = {}, failOn?: RegExp) {
  const statements: string[] = [];
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (query: string) => {
          statements.push(query);
          if (failOn?.test(query)) throw new Error('D1_ERROR: no such table');
          return target.prepare(query);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { bindings: { ...env, DB: db, ...overrides } as unknown as Env, statements };
}

async function runCron(bindings: Env, at = NOW): Promise<void> {
  const controller = createScheduledController({ scheduledTime: at * 1000, cron: '*/15 * * * *' });
  await worker.scheduled(controller, bindings);
}

async function keys(table: (typeof TABLES)[number]): Promise<string[]> {
  const column = { sms_codes: 'mobile', counters: 'key', spent_bind_tickets: 'ticket_hash' }[table];
  const { results } = await env.DB.prepare(`SELECT ${column} AS k FROM ${table} ORDER BY ${column}`).all<{ k: string }>();
  return results.map((r) => r.k);
}

async function clearAll(): Promise<void> {
  await env.DB.batch(TABLES.map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
}

beforeEach(clearAll);
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the scheduled housekeeping', () => {
  it('deletes exactly the rows past their windows, at the pinned time', async () => {
    const code = (mobile: string, expiresAt: number, sentAt: number) =>
      env.DB.prepare('INSERT INTO sms_codes (mobile, code_hash, expires_at, attempts, sent_at) VALUES (?, ?, ?, 0, ?)').bind(mobile, 'h', expiresAt, sentAt);
    const counter = (key: string, endsAt: number) => env.DB.prepare('INSERT INTO counters (key, count, window_ends_at) VALUES (?, 1, ?)').bind(key, endsAt);
    const spent = (hash: string, at: number) => env.DB.prepare('INSERT INTO spent_bind_tickets (ticket_hash, spent_at) VALUES (?, ?)').bind(hash, at);
    await env.DB.batch([
      code('13900000001', NOW - 1, NOW - RESEND), // expired, resend window over: deleted
      code('13900000002', NOW, NOW - RESEND - 300), // expires this second: deleted
      code('13900000003', NOW - 1, NOW - RESEND + 1), // expired, but its resend window still runs: kept
      code('13900000004', NOW + 1, NOW - 400), // still valid: kept
      counter('over', NOW),
      counter('live', NOW + 1),
      spent('old', NOW - MAX_BIND_TICKET_TTL_SECONDS - 1),
      spent('young', NOW - MAX_BIND_TICKET_TTL_SECONDS),
    ]);

    await runCron(cronEnv().bindings);

    expect(await keys('sms_codes')).toEqual(['13900000003', '13900000004']);
    expect(await keys('counters')).toEqual(['live']);
    expect(await keys('spent_bind_tickets')).toEqual(['young']);
  });

  it('clears a flood over several runs, at most BATCH_ROWS rows per statement and ROUNDS statements per table', async () => {
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const perRun = BATCH_ROWS * ROUNDS;
    const flood = 2 * perRun + 123;
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO counters (key, count, window_ends_at) SELECT 'junk:' || i, 1, ? FROM n`,
    )
      .bind(flood, NOW - 60)
      .run();
    await env.DB.prepare("INSERT INTO counters (key, count, window_ends_at) VALUES ('live', 3, ?)").bind(NOW + 3600).run();
    const count = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM counters').first<{ n: number }>())?.n;

    const first = cronEnv();
    await runCron(first.bindings);
    expect(await count()).toBe(flood + 1 - perRun);
    // ROUNDS deletes for the flooded table, one for each of the two others.
    expect(first.statements.filter((s) => s.startsWith('DELETE'))).toHaveLength(ROUNDS + 2);
    expect(warnings.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringContaining('counters has more expired rows')]);

    await runCron(cronEnv().bindings, NOW + 900);
    expect(await count()).toBe(flood + 1 - 2 * perRun);
    const third = cronEnv();
    await runCron(third.bindings, NOW + 1800);
    expect(await keys('counters')).toEqual(['live']);
    expect(third.statements.filter((s) => s.startsWith('DELETE'))).toHaveLength(3);
    expect(warnings).toHaveBeenCalledTimes(2);
  });

  it('keeps sweeping the other tables when one cannot be swept', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    await env.DB.batch([
      env.DB.prepare("INSERT INTO counters (key, count, window_ends_at) VALUES ('over', 1, ?)").bind(NOW - 1),
      env.DB.prepare("INSERT INTO sms_codes (mobile, code_hash, expires_at, attempts, sent_at) VALUES ('13900000009', 'h', ?, 0, ?)").bind(NOW - 3600, NOW - 3900),
      env.DB.prepare("INSERT INTO spent_bind_tickets (ticket_hash, spent_at) VALUES ('old', ?)").bind(NOW - 7200),
    ]);
    await runCron(cronEnv({}, /^DELETE FROM "sms_codes"/).bindings);
    expect(await keys('counters')).toEqual([]);
    expect(await keys('spent_bind_tickets')).toEqual([]);
    expect(await keys('sms_codes')).toEqual(['13900000009']);
    expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringContaining('housekeeping of sms_codes failed')]);
  });

  it('deletes nothing and says why when the settings are invalid', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    await env.DB.prepare("INSERT INTO counters (key, count, window_ends_at) VALUES ('over', 1, ?)").bind(NOW - 1).run();
    const run = cronEnv({ JWT_SECRET: 'short' });
    await runCron(run.bindings);
    expect(await keys('counters')).toEqual(['over']);
    expect(run.statements).toEqual([]);
    expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/housekeeping skipped.*JWT_SECRET/)]);
  });

  it('leaves what live requests wrote alone: a code just sent still blocks a resend after the cron', async () => {
    const h = harness();
    const mobile = freshMobile();
    await h.smsCode(mobile);
    await runCron(cronEnv().bindings, Math.floor(Date.now() / 1000));
    expect(await keys('sms_codes')).toEqual([mobile]);
    expect((await h.call('POST', '/sms/codes', { json: { mobile } })).status).toBe(429);
  });

  it('lets a bind spend its ticket without sweeping other spent tickets itself', async () => {
    const old = Math.floor(Date.now() / 1000) - MAX_BIND_TICKET_TTL_SECONDS - 10;
    await env.DB.prepare("INSERT INTO spent_bind_tickets (ticket_hash, spent_at) VALUES ('old', ?)").bind(old).run();
    const h = harness();
    await h.signUp(freshMobile());
    expect(await keys('spent_bind_tickets')).toHaveLength(2);
    await runCron(cronEnv().bindings, Math.floor(Date.now() / 1000));
    expect(await keys('spent_bind_tickets')).toHaveLength(1);
    expect(await keys('spent_bind_tickets')).not.toContain('old');
  });
});
