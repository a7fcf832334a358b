import { Hono } from 'hono';
import * as z from 'zod/mini';
import { ctxOf } from '../context';
import type { AuthorizationStarted } from '../contract';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { jsonBody } from '../http/body';
import { clearCookie, readCookie, writeCookie } from '../http/cookies';
import { authEvent, noteLogin } from '../http/events';
import { validate } from '../http/validate';
import { safeNext } from '../oauth/next';
import { STATE_TTL_SECONDS, cookieNameFor } from '../oauth/state';
import { finishAppLogin, finishWebLogin, startLogin } from '../services/qq-login';

export const oauth = new Hono<AppEnv>();

oauth.get(
  '/authorization',
  authEvent('authorization'),
  validate('query', () => z.object({ next: z.optional(z.string()), display: z.optional(z.string()) })),
  async (c) => {
    const query = c.req.valid('query');
    if (query.display !== undefined && query.display !== 'mobile') throw new AppError('invalid_request', { fields: { display: 'invalid' } });
    const next = safeNext(query.next, c.var.settings.ALLOWED_REDIRECT_ORIGINS);
    if (next === null) throw new AppError('invalid_next');
    const { loginUrl, state, cookie } = await startLogin(ctxOf(c), next, query.display);
    writeCookie(c, cookie.name, cookie.value, STATE_TTL_SECONDS);
    c.header('Cache-Control', 'no-store');
    return c.json({ login_url: loginUrl, state });
  },
);

oauth.get('/callback', authEvent('callback'), async (c) => {
  const { code, state } = c.req.query();
  if (!state) throw new AppError('invalid_state');
  if (!code || code.length > 512) throw new AppError('invalid_request', { fields: { code: code ? 'code' : 'required' } });
  const cookieName = cookieNameFor(state);
  if (cookieName === null) throw new AppError('invalid_state');
  const cookie = readCookie(c, cookieName);
  // Spent whatever happens next: this login cannot complete a second time in this browser.
  if (cookie !== undefined) clearCookie(c, cookieName);
  const outcome = await finishWebLogin(ctxOf(c), code, state, cookie);
  noteLogin(c, outcome);
  c.header('Cache-Control', 'no-store');
  return c.json(outcome);
});

oauth.post(
  '/app-login',
  authEvent('app_login'),
  jsonBody,
  validate('json', () => z.object({ access_token: z.string().check(z.regex(/^[\w.~+/=-]{8,512}$/)) })),
  async (c) => {
    const outcome = await finishAppLogin(ctxOf(c), c.req.valid('json').access_token);
    noteLogin(c, outcome);
    c.header('Cache-Control', 'no-store');
    return c.json(outcome);
  },
);
