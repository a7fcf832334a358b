import { Hono } from 'hono';
import * as z from 'zod/mini';
import { ctxOf } from '../context';
import type { AppEnv } from '../env';
import { captchaFields, claimsOf, requireUser } from '../http/auth';
import { jsonBody } from '../http/body';
import { authEvent, noteEvent, noteLogin } from '../http/events';
import { login, mobile, password, smsCode } from '../http/fields';
import { validate } from '../http/validate';
import { logout, me, passwordLogin, unbindQQ } from '../services/accounts';
import { changePassword, resetPassword } from '../services/passwords';

export const usersRoutes = new Hono<AppEnv>();

usersRoutes.post(
  '/login',
  authEvent('password_login'),
  jsonBody,
  validate('json', () => z.object({ username: login, password, ...captchaFields })),
  async (c) => {
    const { username, password, ...captcha } = c.req.valid('json');
    const answer = await passwordLogin(ctxOf(c), username, password, captcha);
    noteLogin(c, answer);
    return c.json(answer);
  },
);

usersRoutes.post('/logout', authEvent('logout'), requireUser, async (c) => {
  noteEvent(c, { userId: c.var.userId });
  await logout(ctxOf(c), claimsOf(c));
  return c.body(null, 204);
});

usersRoutes.post(
  '/password/reset',
  authEvent('password_reset'),
  jsonBody,
  validate('json', () => z.object({ mobile, sms_code: smsCode, new_password: password })),
  async (c) => {
    const b = c.req.valid('json');
    noteEvent(c, { mobile: b.mobile });
    const answer = await resetPassword(ctxOf(c), { mobile: b.mobile, smsCode: b.sms_code, newPassword: b.new_password });
    noteLogin(c, answer);
    return c.json(answer);
  },
);

usersRoutes.get('/me', requireUser, async (c) => {
  c.header('Cache-Control', 'no-store');
  return c.json(await me(ctxOf(c), claimsOf(c)));
});

usersRoutes.put(
  '/me/password',
  authEvent('password_change'),
  requireUser,
  jsonBody,
  validate('json', () => z.object({ current_password: password, new_password: password, ...captchaFields })),
  async (c) => {
    noteEvent(c, { userId: c.var.userId });
    const { current_password, new_password, ...captcha } = c.req.valid('json');
    const answer = await changePassword(ctxOf(c), claimsOf(c), { currentPassword: current_password, newPassword: new_password, captcha });
    noteLogin(c, answer);
    return c.json(answer);
  },
);

usersRoutes.delete('/me/bindings/qq', authEvent('unbind'), requireUser, async (c) => {
  noteEvent(c, { userId: c.var.userId });
  await unbindQQ(ctxOf(c), claimsOf(c));
  return c.body(null, 204);
});
