// What every fake provider (SMS gateways, captcha) shares: the in-process fetch the tests
// call, the failure modes, the outbox of delivered messages and the /__fake/ controls.
import { Hono } from 'hono';
import * as z from 'zod/mini';

export type FakeEnv = { Bindings: { signal: AbortSignal } };

/**
 * `normal`; `refuse`: a business refusal in the service's own shape; `fail`: the service's
 * internal error; `hang`: no answer until the caller gives up (504 after 60 s as a safety
 * net); `garbage`: HTTP 200 with an HTML page that is none of the service's forms.
 */
export const MODES = ['normal', 'refuse', 'fail', 'hang', 'garbage'] as const;
export type FakeMode = (typeof MODES)[number];

export const GARBAGE_HTML = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>';

// 'hang' needs a pending timer: workerd cancels a request whose promise can never settle.
const HANG_LIMIT_MS = 60_000;

/** Resolves after `ms`, rejects with the signal's reason as soon as it aborts; leaves no timer behind. */
export function waitFor(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits for the caller to give up (rejecting as fetch does), or answers 504 after a minute. */
export async function hang(signal: AbortSignal): Promise<Response> {
  await waitFor(signal, HANG_LIMIT_MS);
  return new Response('gateway timeout', { status: 504 });
}

/** The signal a fetch-shaped call was given, or one that never aborts. */
export function signalOf(input: RequestInfo | URL, init?: RequestInit): AbortSignal {
  return init?.signal ?? (input instanceof Request ? input.signal : null) ?? new AbortController().signal;
}

/** A drop-in for fetch that calls the fake's app in-process and rejects like fetch when the caller aborts. */
export function inProcess(app: Hono<FakeEnv>): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  app.onError((err, c) => {
    if (c.env.signal.aborted) throw err;
    return c.json({ error: err instanceof Error ? err.message : 'fake failed' }, 500);
  });
  return async (input, init) => {
    const signal = signalOf(input, init);
    signal.throwIfAborted();
    return app.fetch(new Request(input, init), { signal });
  };
}

export interface Delivered {
  /** 11 digits, as the worker was asked to send to. */
  readonly mobile: string;
  /** The verification code (the template's first parameter). */
  readonly code: string;
  /** Every template parameter as received. */
  readonly params: readonly string[];
}

/** Messages a fake gateway accepted, oldest first. */
export class Outbox {
  readonly sent: Delivered[] = [];

  constructor(private readonly log: ((line: string) => void) | undefined, private readonly name: string) {}

  deliver(message: Delivered): void {
    this.sent.push(message);
    // Development only: the fake stands in for the phone, so it shows the code.
    this.log?.(`[fake ${this.name}] SMS to ${message.mobile}: ${message.params.join(', ')}`);
  }

  /** The last code delivered to `mobile`. */
  codeFor(mobile: string): string {
    const found = this.sent.findLast((m) => m.mobile === mobile);
    if (found === undefined) throw new Error(`no SMS was delivered to ${mobile}`);
    return found.code;
  }

  clear(): void {
    this.sent.length = 0;
  }
}

/** The part of a fake that `/__fake/` drives over HTTP. */
export interface Controllable {
  mode: FakeMode;
  readonly outbox?: Outbox;
  reset(): void;
}

/** `GET /__fake/outbox`, `POST /__fake/mode {mode}`, `POST /__fake/reset`, for the dev server. */
export function controls(fake: Controllable): Hono<FakeEnv> {
  const dev = new Hono<FakeEnv>();
  dev.get('/outbox', (c) => c.json({ sent: fake.outbox?.sent ?? [] }));
  dev.post('/mode', async (c) => {
    const parsed = z.object({ mode: z.enum(MODES) }).safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: `mode is one of ${MODES.join(', ')}` }, 400);
    fake.mode = parsed.data.mode;
    return c.json({ mode: fake.mode });
  });
  dev.post('/reset', (c) => {
    fake.reset();
    return c.json({ ok: true });
  });
  return dev;
}

export function requestId(): string {
  return crypto.randomUUID();
}

/** `defaults` overridden by the options that are set (an explicit `undefined` keeps the default). */
export function withDefaults<T extends object>(defaults: T, options: { [K in keyof T]?: T[K] | undefined }): T {
  const out = { ...defaults };
  for (const key of Object.keys(options) as (keyof T)[]) {
    const value = options[key];
    if (value !== undefined) out[key] = value as T[keyof T];
  }
  return out;
}
