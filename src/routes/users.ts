import { Hono } from 'hono';
import * as z from 'zod/mini';
import { ctxOf } from '../context';
import type { AppEnv } from '../env';
import { requireUser } from '../http/auth';
import { jsonBody } from '../http/body';
import { authEvent, noteEvent, noteLogin } from '../http/events';
import { login, password } from '../http/fields';
import { validate } from '../http/validate';
import { me, passwordLogin, unbindQQ } from '../services/accounts';

export const usersRoutes = new Hono<AppEnv>();

usersRoutes.post('/login', authEvent('password_login'), jsonBody, validate('json', z.object({ username: login, password })), async (c) => {
  const { username, password } = c.req.valid('json');
  const answer = await passwordLogin(ctxOf(c), username, password);
  noteLogin(c, answer);
  return c.json(answer);
});

usersRoutes.get('/me', requireUser, async (c) => {
  c.header('Cache-Control', 'no-store');
  return c.json(await me(ctxOf(c), c.var.userId));
});

usersRoutes.delete('/me/bindings/qq', authEvent('unbind'), requireUser, async (c) => {
  noteEvent(c, { userId: c.var.userId });
  await unbindQQ(ctxOf(c), c.var.userId);
  return c.body(null, 204);
});
