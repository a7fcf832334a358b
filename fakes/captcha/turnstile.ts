// A fake Cloudflare Turnstile (challenges.cloudflare.com): siteverify with Cloudflare's
// checks and error codes, the api.js widget and its challenge iframe, and test controls.
// Paths are the real ones (/turnstile/v0/...); the fake is reached at any host or prefix.
import { Hono } from 'hono';
import { challengeRoutes } from './challenge';
import { signalOf } from '../kit';
import { failureAnswer, isServiceMode, SERVICE_MODES, type ServiceMode } from './modes';
import { CaptchaTickets } from './tickets';
import { TURNSTILE_SCRIPT } from './widgets';

export const FAKE_TURNSTILE_SITE_KEY = '0xFAKE0000000000000000AA';
export const FAKE_TURNSTILE_SECRET = 'dev-only-turnstile-secret';

export interface FakeTurnstileOptions {
  siteKey?: string;
  secret?: string;
  now?: () => number;
}

/** One siteverify request as received (the secret is only said to be right or not). */
export interface SiteverifyCall {
  readonly response: string | null;
  readonly remoteip: string | null;
  readonly secretOk: boolean;
}

export interface FakeTurnstile {
  /** Drop-in for the global fetch: rejects like fetch on abort and in `unreachable` mode. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  readonly siteKey: string;
  readonly secret: string;
  /** A token for the site key, as a visitor solving the widget gets it. */
  issueToken(): string;
  /** How siteverify answers: normally, or failing (`down`, `garbage`, `hang`, `unreachable`). */
  setMode(mode: ServiceMode): void;
  /** siteverify requests received, oldest first; in `unreachable` mode none arrive. */
  readonly calls: SiteverifyCall[];
  reset(): void;
}

export function createFakeTurnstile(options: FakeTurnstileOptions = {}): FakeTurnstile {
  const siteKey = options.siteKey ?? FAKE_TURNSTILE_SITE_KEY;
  const secret = options.secret ?? FAKE_TURNSTILE_SECRET;
  const now = options.now ?? Date.now;
  const tickets = new CaptchaTickets({ ttlSeconds: 300, now });
  const calls: SiteverifyCall[] = [];
  let mode: ServiceMode = 'normal';

  const app = new Hono<{ Bindings: { signal: AbortSignal } }>();
  app.route('/turnstile/v0', challengeRoutes({ script: { name: 'api.js', text: TURNSTILE_SCRIPT }, appIds: [siteKey], tickets, ticketPrefix: '0.' }));

  app.post('/turnstile/v0/siteverify', async (c) => {
    const params = await readParams(c.req.raw);
    const response = params.get('response');
    calls.push({ response, remoteip: params.get('remoteip'), secretOk: params.get('secret') === secret });
    const failed = await failureAnswer(mode, c.env.signal);
    if (failed !== null) return failed;
    const refuse = (code: string) => c.json({ success: false, 'error-codes': [code], messages: [] });
    const given = params.get('secret');
    if (!given) return refuse('missing-input-secret');
    if (given !== secret) return refuse('invalid-input-secret');
    if (!response) return refuse('missing-input-response');
    if (response.length > 2048) return refuse('invalid-input-response');
    const verdict = tickets.redeem({ ticket: response, appId: siteKey });
    if (verdict === 'used' || verdict === 'expired') return refuse('timeout-or-duplicate');
    if (verdict !== 'ok') return refuse('invalid-input-response');
    return c.json({
      success: true,
      challenge_ts: new Date(now()).toISOString(),
      hostname: 'localhost',
      'error-codes': [],
      action: '',
      cdata: '',
      metadata: { ephemeral_id: `x:${crypto.randomUUID().replaceAll('-', '')}` },
    });
  });

  // `{ count }` asks for that many at once (the bench's pools): `{ tokens }`.
  app.post('/__fake/tokens', async (c) => {
    const body: unknown = await c.req.json().catch(() => null);
    const count: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'count') : undefined;
    if (count === undefined) return c.json({ token: fake.issueToken() });
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 50_000) return c.json({ error: 'count must be 1 to 50000' }, 400);
    return c.json({ tokens: Array.from({ length: count }, () => fake.issueToken()) });
  });
  app.post('/__fake/mode', async (c) => {
    const body: unknown = await c.req.json().catch(() => null);
    const wanted: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'mode') : undefined;
    if (!isServiceMode(wanted)) return c.json({ error: `mode must be one of ${SERVICE_MODES.join(', ')}` }, 400);
    mode = wanted;
    return c.json({ mode });
  });
  app.get('/__fake/calls', (c) => c.json(calls));
  app.post('/__fake/reset', (c) => {
    fake.reset();
    return c.json({ ok: true });
  });
  app.onError((err, c) => {
    if (c.env.signal.aborted) throw err; // reject like fetch does when the caller aborts
    return c.text(`fake turnstile: ${err.message}`, 500);
  });

  const fake: FakeTurnstile = {
    async fetch(input, init) {
      const signal = signalOf(input, init);
      signal.throwIfAborted();
      const request = new Request(input, init);
      if (mode === 'unreachable' && new URL(request.url).pathname.endsWith('/siteverify')) throw new TypeError('fetch failed');
      return app.fetch(request, { signal });
    },
    siteKey,
    secret,
    issueToken: () => tickets.issue(siteKey, '0.').ticket,
    setMode(next) {
      mode = next;
    },
    calls,
    reset() {
      tickets.clear();
      calls.length = 0;
      mode = 'normal';
    },
  };
  return fake;
}

/** siteverify takes a form (what the worker sends) or JSON, as Cloudflare's does. */
async function readParams(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get('content-type') ?? '';
  const json = async (): Promise<[string, unknown][]> => Object.entries((await request.json().catch(() => null)) ?? {});
  const form = async (): Promise<[string, unknown][]> =>
    type.includes('form') ? [...(await request.formData())] : [...new URLSearchParams(await request.text())];
  const entries = type.includes('application/json') ? await json() : await form();
  return new URLSearchParams(entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
