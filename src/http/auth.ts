import { createMiddleware } from 'hono/factory';
import { verifyToken } from '../auth/jwt';
import type { AppEnv } from '../env';
import { AppError } from '../errors';

/** Requires `Authorization: Bearer <jwt>`; sets `userId`. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(c.req.header('authorization') ?? '');
  const userId = match?.[1] ? await verifyToken(c.var.settings, match[1]) : null;
  if (userId === null) throw new AppError('unauthorized');
  c.set('userId', userId);
  await next();
});
