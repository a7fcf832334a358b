import { Hono } from 'hono';
import * as z from 'zod';
import { ctxOf } from '../context';
import type { AppEnv } from '../env';
import { requireUser } from '../http/auth';
import { jsonBody } from '../http/body';
import { login, password } from '../http/fields';
import { validate } from '../http/validate';
import { me, passwordLogin, unbindQQ } from '../services/accounts';

export const usersRoutes = new Hono<AppEnv>();

usersRoutes.post('/login', jsonBody, validate('json', z.object({ username: login, password })), async (c) => {
  const { username, password } = c.req.valid('json');
  return c.json(await passwordLogin(ctxOf(c), username, password));
});

usersRoutes.get('/me', requireUser, async (c) => {
  c.header('Cache-Control', 'no-store');
  return c.json(await me(ctxOf(c), c.var.userId));
});

usersRoutes.delete('/me/bindings/qq', requireUser, async (c) => {
  await unbindQQ(ctxOf(c), c.var.userId);
  return c.body(null, 204);
});
