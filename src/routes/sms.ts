import { Hono } from 'hono';
import * as z from 'zod/mini';
import { ctxOf } from '../context';
import type { SmsSent } from '../contract';
import type { AppEnv } from '../env';
import { jsonBody } from '../http/body';
import { captchaFields } from '../http/auth';
import { authEvent, noteEvent } from '../http/events';
import { mobile } from '../http/fields';
import { validate } from '../http/validate';
import { sendSmsCode } from '../services/sms';

export const sms = new Hono<AppEnv>();

sms.post('/codes', authEvent('sms_send'), jsonBody, validate('json', () => z.object({ mobile, ...captchaFields })), async (c) => {
  const body = c.req.valid('json');
  noteEvent(c, { mobile: body.mobile });
  const sent = await sendSmsCode(ctxOf(c), body);
  noteEvent(c, { outcome: 'sent' });
  return c.json({ expires_in: sent.expiresIn, resend_after: sent.resendAfter } satisfies SmsSent, 202);
});
