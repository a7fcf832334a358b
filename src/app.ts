import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { defaultDeps, type Deps } from './deps';
import type { AppEnv } from './env';
import type { Lang } from './lang';
import { AppError, ERRORS, errorBody, type ErrorCode } from './errors';
import { preferredLang } from './lang';
import { d1Sessions } from './http/bookmark';
import { corsForConfiguredOrigins } from './http/cors';
import { pages } from './pages';
import { bind } from './routes/bind';
import { oauth } from './routes/oauth';
import { sms } from './routes/sms';
import { usersRoutes } from './routes/users';
import { logError } from './log';
import { serveOpenapi } from './openapi/serve';
import { SettingsError, settingsOf } from './settings';

/** The worker, with its outside world (`fetch`, clock, SMS provider) replaceable for tests. */
export function createApp(overrides: Partial<Deps> = {}): Hono<AppEnv> {
  const deps: Deps = { ...defaultDeps, ...overrides };
  const app = new Hono<AppEnv>();

  // Answers without settings, D1, KV or QQ, so it stays up when they are not.
  app.get('/healthz', (c) => c.json({ ok: true }));

  app.use(async (c, next) => {
    c.set('deps', deps);
    c.set('settings', settingsOf(c.env));
    await next();
  });
  app.use(corsForConfiguredOrigins);
  app.use(d1Sessions);

  app.route('/oauth/qq', oauth);
  app.route('/oauth/qq/bind', bind);
  app.route('/sms', sms);
  app.route('/users', usersRoutes);
  app.route('/', pages);
  app.get('/openapi.json', serveOpenapi);

  const paths = new Map<string, Set<string>>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    const path = r.path.length > 1 ? r.path.replace(/\/$/, '') : r.path;
    paths.set(path, (paths.get(path) ?? new Set()).add(r.method));
  }

  app.notFound((c) => {
    const methods = paths.get(c.req.path.length > 1 ? c.req.path.replace(/\/$/, '') : c.req.path);
    if (methods === undefined) return fail(c, 'not_found');
    c.header('Allow', [...methods, ...(methods.has('GET') ? ['HEAD'] : [])].join(', '));
    return fail(c, 'method_not_allowed');
  });

  app.onError((err, c) => {
    if (err instanceof AppError) {
      if (err.retryAfter !== undefined) c.header('Retry-After', String(err.retryAfter));
      return c.json(errorBody(err.code, langOf(c), err.fields), { status: statusOf(err.code) });
    }
    // Hono's own body parsing and limits: a malformed request, never a server fault.
    const honoCode = err instanceof HTTPException ? HONO_ERRORS[err.status] : undefined;
    if (honoCode !== undefined) return fail(c, honoCode);
    if (err instanceof SettingsError) logError(`refusing to serve: ${err.message}`);
    else logError(`unexpected error on ${c.req.method} ${c.req.path}`, err);
    return fail(c, 'internal_error');
  });

  return app;
}

/** The HTTPExceptions Hono itself throws for a bad request; any other is internal. */
const HONO_ERRORS: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_json',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

function fail(c: Context<AppEnv>, code: ErrorCode): Response {
  return c.json(errorBody(code, langOf(c)), { status: statusOf(code) });
}

/** Only errors and pages speak to people, so the language is worked out only for them. */
function langOf(c: Context<AppEnv>): Lang {
  return preferredLang(c.req.header('accept-language'));
}

function statusOf(code: ErrorCode) {
  return ERRORS[code].status;
}
