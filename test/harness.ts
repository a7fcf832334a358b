/**
 * Drives the real worker (`createApp().fetch` with the pool's real D1 and KV) with its
 * outbound traffic sent to fakes: the fake QQ for QQ, an SMS outbox for the webhook.
 * Bindings are wrapped to count D1 round trips and KV operations.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { vi } from 'vitest';
import { createFakes } from '../fakes/app';
import type { ProviderFakesOptions } from '../fakes/providers';
import type { FakeQQ } from '../fakes/qq/app';
import type { FakeQQOptions } from '../fakes/qq/state';
import { createApp } from '../src/app';
import { hmacSha256, toHex } from '../src/crypto';
import type { Deps } from '../src/deps';
import { hashPassword } from '../src/auth/password';
import { errorBody, type ErrorBody, type ErrorCode, type FieldMessage } from '../src/errors';
import type { Lang } from '../src/lang';
import { TEST_SETTINGS, TURNSTILE_ON } from './settings';

export const QQ_BASE = TEST_SETTINGS.QQ_API_BASE;
export const WEBHOOK_URL = TEST_SETTINGS.SMS_WEBHOOK_URL;
export const REDIRECT_URI = TEST_SETTINGS.QQ_REDIRECT_URI;

export interface Counts {
  /** D1 round trips (a batch is one). */
  d1: number;
  /** D1 statements that may write (anything but a SELECT), batched ones included. */
  d1Writes: number;
  /** Rows D1 reports written (meta.rows_written, indexes included) by batches. */
  d1BatchRowsWritten: number;
  /** Each D1 round trip: where it ran (`binding` without a session, else the session's constraint or bookmark) and whether it may write. */
  d1Log: { on: string; kind: 'read' | 'write' }[];
  /** `withSession` calls, with their constraint or bookmark. */
  sessions: string[];
  kv: { get: number; put: number; delete: number };
  pbkdf2: number;
}

/** Counts with nothing counted yet. */
export function noCounts(): Counts {
  return { d1: 0, d1Writes: 0, d1BatchRowsWritten: 0, d1Log: [], sessions: [], kv: { get: 0, put: 0, delete: 0 }, pbkdf2: 0 };
}

/** Receives the webhook SMS provider's POSTs, checking their signature like a real receiver. */
export class SmsOutbox {
  readonly sent: { mobile: string; code: string; ttl: number }[] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';

  async receive(request: Request): Promise<Response> {
    const body = await request.text();
    const expected = `sha256=${toHex(await hmacSha256(TEST_SETTINGS.SMS_WEBHOOK_SECRET, body))}`;
    if (request.headers.get('x-signature') !== expected) return new Response('bad signature', { status: 401 });
    if (this.mode === 'fail') return new Response('provider down', { status: 500 });
    if (this.mode === 'hang') await new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return new Response('bad body', { status: 400 });
    const { mobile, code, ttl } = parsed as { mobile: string; code: string; ttl: number };
    this.sent.push({ mobile, code, ttl });
    return new Response(null, { status: 202 });
  }

  /** The last code sent to `mobile`. */
  codeFor(mobile: string): string {
    const found = this.sent.findLast((m) => m.mobile === mobile);
    if (!found) throw new Error(`no SMS was sent to ${mobile}`);
    return found.code;
  }
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A browser: keeps the cookies the worker sets. */
export class Browser {
  readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      if (attributes.some((a) => a.trim().toLowerCase() === 'max-age=0')) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(i + 1).trim());
    }
  }
}

export interface HarnessOptions {
  settings?: Record<string, string | undefined>;
  qq?: FakeQQOptions;
  /** The fake SMS gateways and captcha service (reached at the hosts fakes/providers.ts names). */
  providers?: ProviderFakesOptions;
  deps?: Partial<Deps>;
}

export function harness(options: HarnessOptions = {}) {
  const fakes = createFakes({
    qq: { appId: TEST_SETTINGS.QQ_APP_ID, appKey: TEST_SETTINGS.QQ_APP_KEY, ...options.qq },
    providers: options.providers,
    turnstile: { siteKey: TURNSTILE_ON.TURNSTILE_SITE_KEY, secret: TURNSTILE_ON.TURNSTILE_SECRET_KEY, now: options.deps?.now },
  });
  const qq: FakeQQ = fakes.qq;
  const providers = fakes.providers;
  const sms = new SmsOutbox();
  const counts: Counts = noCounts();
  const outbound: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.href === WEBHOOK_URL) return sms.receive(new Request(input, init));
    const fake = fakes.byHost(url);
    if (fake !== null) return fake.fetch(input, init);
    throw new TypeError(`unexpected outbound fetch to ${url.origin}`);
  };
  const app = createApp({ fetch: outbound, timeoutMs: 200, ...options.deps });
  const bindings: Record<string, unknown> = { ...env, DB: countingD1(env.DB, counts), KV: countingKV(env.KV, counts) };
  for (const [k, v] of Object.entries(options.settings ?? {})) {
    if (v === undefined) delete bindings[k];
    else bindings[k] = v;
  }
  const pending: ExecutionContext[] = [];

  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    init: { json?: unknown; body?: BodyInit; headers?: Record<string, string>; browser?: Browser; token?: string; https?: boolean } = {},
  ): Promise<Answer<T>> {
    const headers = new Headers(init.headers);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    if (init.browser && init.browser.cookies.size) headers.set('cookie', init.browser.header());
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    const ctx = createExecutionContext();
    pending.push(ctx);
    const response = await app.fetch(new Request(`${init.https ? 'https' : 'http'}://localhost:8787${path}`, { method, headers, body }), bindings, ctx);
    init.browser?.keep(response);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as T };
  }

  /** Waits for work the worker left running after its responses (waitUntil). */
  async function settle(): Promise<void> {
    await Promise.all(pending.splice(0).map((ctx) => waitOnExecutionContext(ctx)));
  }

  /** Counts during `work` only. */
  async function measure<T>(work: () => Promise<T>): Promise<{ result: T; counts: Counts; qqCalls: string[] }> {
    Object.assign(counts, noCounts());
    qq.calls.clear();
    const { result, pbkdf2 } = await countPbkdf2(work);
    counts.pbkdf2 = pbkdf2;
    return { result, counts: structuredClone(counts), qqCalls: qq.calls.map((c) => c.endpoint) };
  }

  /** The QQ redirect: authorization, the user picks `openid` at QQ, the callback. */
  async function qqLogin(openid: string, browser = new Browser(), next?: string) {
    const start = await call<{ state: string }>('GET', `/oauth/qq/authorization${next ? `?next=${encodeURIComponent(next)}` : ''}`, { browser });
    if (start.status !== 200) throw new Error(`authorization answered ${start.status}`);
    const code = qq.issueCode({ openid, redirectUri: REDIRECT_URI });
    return call<Record<string, unknown>>('GET', `/oauth/qq/callback?code=${code}&state=${start.body.state}`, { browser });
  }

  async function bindTicketFor(openid: string): Promise<string> {
    const answer = await qqLogin(openid);
    const ticket = answer.body.bind_ticket;
    if (answer.status !== 200 || typeof ticket !== 'string') throw new Error(`expected bind_required, got ${JSON.stringify(answer.body)}`);
    return ticket;
  }

  async function smsCode(mobile: string): Promise<string> {
    const sent = await call('POST', '/sms/codes', { json: { mobile } });
    if (sent.status !== 202) throw new Error(`SMS send answered ${sent.status}: ${JSON.stringify(sent.body)}`);
    return sms.codeFor(mobile);
  }

  /** A new QQ user bound by mobile + SMS; returns the login answer. */
  async function signUp(mobile: string, password = 'correct horse 1', nickname = `QQ用户${mobile.slice(-4)}`) {
    const user = qq.addUser({ nickname });
    const ticket = await bindTicketFor(user.openid);
    const code = await smsCode(mobile);
    const bound = await call<{ token: string; user: { id: number } }>('POST', '/oauth/qq/bind', {
      json: { bind_ticket: ticket, mobile, sms_code: code, password },
    });
    if (bound.status !== 201) throw new Error(`bind answered ${bound.status}: ${JSON.stringify(bound.body)}`);
    return { openid: user.openid, token: bound.body.token, userId: bound.body.user.id, password };
  }

  return {
    qq,
    providers,
    turnstile: fakes.turnstile,
    tencentWidget: fakes.tencentWidget,
    sms,
    counts,
    env: bindings,
    call,
    settle,
    measure,
    qqLogin,
    bindTicketFor,
    smsCode,
    signUp,
    db: env.DB,
    kv: env.KV,
  };
}

/**
 * An account made outside the QQ flows (say, moved over from a Django shop), without a QQ
 * binding; written straight to D1. Returns its id.
 */
export async function addAccount(account: { username: string; password: string; mobile?: string | null; nickname?: string | null }): Promise<number> {
  const row = await env.DB.prepare('INSERT INTO users (username, mobile, nickname, password_hash) VALUES (?, ?, ?, ?) RETURNING id')
    .bind(account.username, account.mobile ?? null, account.nickname ?? null, await hashPassword(account.password))
    .first<{ id: number }>();
  if (row === null) throw new Error('account insert returned no row');
  return row.id;
}

/** The error body the worker answers for `code`, built from src/errors.ts (never restated). */
export function expectedError(code: ErrorCode, lang: Lang = 'zh', fields?: Record<string, FieldMessage>): ErrorBody {
  return errorBody(code, lang, fields);
}

const original = crypto.subtle.deriveBits.bind(crypto.subtle);

/** Runs `work`, counting the PBKDF2 derivations it makes (the one spy on deriveBits). */
export async function countPbkdf2<T>(work: () => Promise<T>): Promise<{ result: T; pbkdf2: number }> {
  let pbkdf2 = 0;
  const spy = vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation((algorithm, key, length) => {
    if (typeof algorithm === 'object' && algorithm.name === 'PBKDF2') pbkdf2++;
    return original(algorithm, key, length);
  });
  try {
    return { result: await work(), pbkdf2 };
  } finally {
    spy.mockRestore();
  }
}

let mobileSeq = 0;
/** A mobile number no other test in this file uses. */
/** What the worker printed while {@link captureConsole} listened. */
export interface Logs {
  /** Every line printed, on any level, as text (an Error with its message and stack). */
  lines: string[];
  /** The event lines (objects with an `event`) printed since the last call. */
  take(): unknown[];
}

/** Every console line from now on, kept instead of printed (vi.restoreAllMocks() ends it). */
export function captureConsole(): Logs {
  const lines: string[] = [];
  let events: unknown[] = [];
  for (const level of ['log', 'info', 'debug', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      if (level === 'log' && typeof args[0] === 'object' && args[0] !== null && 'event' in args[0]) events.push(args[0]);
      lines.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
  }
  return {
    lines,
    take: () => {
      const taken = events;
      events = [];
      return taken;
    },
  };
}

/**
 * A harness on a clock the test moves (`clock.now += …`); the worker reads it through
 * `deps.now`. It starts an hour back unless told otherwise, so windows can be crossed.
 */
export function clockedHarness(options: Omit<HarnessOptions, 'deps'> = {}, start = Date.now() - 3_600_000) {
  const clock = { now: start };
  return { h: harness({ ...options, deps: { now: () => clock.now } }), clock };
}

/** A name no other test of the run has used: `<prefix><digits>_<n>`. */
export function freshName(prefix: string): string {
  nameSeq++;
  return `${prefix}${Date.now() % 100000}_${nameSeq}`;
}
let nameSeq = 0;

export function freshMobile(): string {
  mobileSeq++;
  return `139${String(Date.now() % 100000).padStart(5, '0')}${String(mobileSeq).padStart(3, '0')}`;
}

/** D1 with every round trip counted and logged with its session, and every `withSession` call recorded. */
function countingD1(db: D1Database, counts: Counts): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const writes = new WeakSet<object>();
  const note = (on: string, written: number) => {
    counts.d1++;
    counts.d1Writes += written;
    counts.d1Log.push({ on, kind: written > 0 ? 'write' : 'read' });
  };
  const wrapStatement = (stmt: D1PreparedStatement, write: boolean, on: string): D1PreparedStatement => {
    const wrapped = new Proxy(stmt, {
      get(target, prop) {
        if (prop === 'bind') return (...values: unknown[]) => wrapStatement(target.bind(...values), write, on);
        if (prop === 'first' || prop === 'all' || prop === 'run' || prop === 'raw') {
          const method = Reflect.get(target, prop);
          return (...args: unknown[]) => {
            note(on, write ? 1 : 0);
            return Reflect.apply(method, target, args);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    real.set(wrapped, stmt);
    if (write) writes.add(wrapped);
    return wrapped;
  };
  const wrap = <T extends D1Database | D1DatabaseSession>(target: T, on: string): T =>
    new Proxy(target, {
      get(t, prop) {
        if (prop === 'prepare') return (sql: string) => wrapStatement(t.prepare(sql), !/^\s*select\b/i.test(sql), on);
        if (prop === 'batch') {
          return (statements: D1PreparedStatement[]) => {
            note(on, statements.filter((s) => writes.has(s)).length);
            return t.batch(statements.map((s) => real.get(s) ?? s)).then((results) => {
              for (const r of results) counts.d1BatchRowsWritten += r.meta.rows_written;
              return results;
            });
          };
        }
        if (prop === 'withSession' && 'withSession' in t) {
          return (constraintOrBookmark?: string) => {
            const label = constraintOrBookmark ?? 'first-unconstrained';
            counts.sessions.push(label);
            return wrap(t.withSession(constraintOrBookmark), label);
          };
        }
        const value = Reflect.get(t, prop);
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
  return wrap(db, 'binding');
}

function countingKV(kv: KVNamespace, counts: Counts): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop === 'get' || prop === 'put' || prop === 'delete') counts.kv[prop]++;
        return Reflect.apply(value, target, args);
      };
    },
  });
}
