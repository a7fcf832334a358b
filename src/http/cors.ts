import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';

/** CORS with credentials, for the origins in CORS_ORIGINS only. */
export const corsForConfiguredOrigins = createMiddleware<AppEnv>(async (c, next) => {
  const allowed = c.var.settings.CORS_ORIGINS;
  if (allowed.length === 0 || !c.req.header('origin')) return next();
  return cors({
    origin: (origin) => (allowed.includes(origin) ? origin : null),
    credentials: true,
    allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'Accept-Language'],
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
  })(c, next);
});
