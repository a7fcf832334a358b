import { Hono } from 'hono';
import * as z from 'zod';
import { ctxOf } from '../context';
import type { SmsSent } from '../contract';
import type { AppEnv } from '../env';
import { jsonBody } from '../http/body';
import { mobile } from '../http/fields';
import { validate } from '../http/validate';
import { sendCode } from '../sms/codes';
import { smsProviderFor } from '../sms/provider';

export const sms = new Hono<AppEnv>();

sms.post('/codes', jsonBody, validate('json', z.object({ mobile })), async (c) => {
  const ctx = ctxOf(c);
  const sent = await sendCode(ctx.db, smsProviderFor(ctx.settings, ctx.deps), ctx.settings, c.req.valid('json').mobile, ctx.now);
  return c.json({ expires_in: sent.expiresIn, resend_after: sent.resendAfter } satisfies SmsSent, 202);
});
