import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { onePer } from '../memo';
import type { Settings } from '../settings';

// Built once per isolate from the (once-parsed) settings.
const corsFor = onePer((settings: Settings) => {
  const allowed = settings.CORS_ORIGINS;
  return cors({
    origin: (origin) => (allowed.includes(origin) ? origin : null),
    credentials: true,
    allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'Accept-Language'],
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
  });
});

/** CORS with credentials, for the origins in CORS_ORIGINS only. */
export const corsForConfiguredOrigins = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.settings.CORS_ORIGINS.length === 0 || !c.req.header('origin')) return next();
  return corsFor(c.var.settings)(c, next);
});
