import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import * as z from 'zod/mini';
import { ctxOf } from '../context';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { jsonBody } from '../http/body';
import { authEvent, noteLogin } from '../http/events';
import { validate } from '../http/validate';
import { safeNext } from '../oauth/next';
import { BROWSER_COOKIE, STATE_TTL_SECONDS, browserIdFrom } from '../oauth/state';
import { finishAppLogin, finishWebLogin, startLogin } from '../services/qq-login';

export const oauth = new Hono<AppEnv>();

oauth.get('/authorization', authEvent('authorization'), validate('query', z.object({ next: z.optional(z.string()) })), async (c) => {
  const next = safeNext(c.req.valid('query').next, c.var.settings.ALLOWED_REDIRECT_ORIGINS);
  if (next === null) throw new AppError('invalid_next');
  const browserId = browserIdFrom(getCookie(c, BROWSER_COOKIE));
  const { loginUrl, state } = await startLogin(ctxOf(c), browserId, next);
  setCookie(c, BROWSER_COOKIE, browserId, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/',
    maxAge: STATE_TTL_SECONDS,
  });
  c.header('Cache-Control', 'no-store');
  return c.json({ login_url: loginUrl, state });
});

oauth.get('/callback', authEvent('callback'), async (c) => {
  const { code, state } = c.req.query();
  if (!state) throw new AppError('invalid_state');
  if (!code || code.length > 512) throw new AppError('invalid_request', { fields: { code: code ? 'code' : 'required' } });
  const outcome = await finishWebLogin(ctxOf(c), code, state, getCookie(c, BROWSER_COOKIE));
  noteLogin(c, outcome);
  c.header('Cache-Control', 'no-store');
  return c.json(outcome);
});

oauth.post(
  '/app-login',
  authEvent('app_login'),
  jsonBody,
  validate('json', z.object({ access_token: z.string().check(z.regex(/^[\w.~+/=-]{8,512}$/)) })),
  async (c) => {
    const outcome = await finishAppLogin(ctxOf(c), c.req.valid('json').access_token);
    noteLogin(c, outcome);
    c.header('Cache-Control', 'no-store');
    return c.json(outcome);
  },
);
