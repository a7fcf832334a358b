import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import { ctxOf } from '../context';
import type { AppEnv } from '../env';
import { captchaFields } from '../http/auth';
import { jsonBody } from '../http/body';
import { authEvent, noteEvent, noteLogin } from '../http/events';
import { bindTicket, login, mobile, nickname, password, smsCode } from '../http/fields';
import { validate } from '../http/validate';
import { bindByMobile, bindToAccount, registerAndBind, type Bound } from '../services/bind';

export const bind = new Hono<AppEnv>();

function answer(c: Context<AppEnv>, bound: Bound) {
  noteLogin(c, bound);
  return c.json(bound, bound.created ? 201 : 200);
}

bind.post(
  '/',
  authEvent('bind'),
  jsonBody,
  validate('json', () => z.object({ bind_ticket: bindTicket, mobile, sms_code: smsCode, password, ...captchaFields })),
  async (c) => {
    const { bind_ticket, mobile, sms_code, password, ...captcha } = c.req.valid('json');
    noteEvent(c, { mobile });
    return answer(c, await bindByMobile(ctxOf(c), { bindTicket: bind_ticket, mobile, smsCode: sms_code, password, captcha }));
  },
);

bind.post(
  '/account',
  authEvent('bind_account'),
  jsonBody,
  validate('json', () => z.object({ bind_ticket: bindTicket, username: login, password, ...captchaFields })),
  async (c) => {
    const { bind_ticket, username, password, ...captcha } = c.req.valid('json');
    return answer(c, await bindToAccount(ctxOf(c), { bindTicket: bind_ticket, username, password, captcha }));
  },
);

bind.post(
  '/register',
  authEvent('bind_register'),
  jsonBody,
  validate('json', () => z.object({ bind_ticket: bindTicket, nickname, mobile, sms_code: smsCode, password })),
  async (c) => {
    const b = c.req.valid('json');
    noteEvent(c, { mobile: b.mobile });
    return answer(
      c,
      await registerAndBind(ctxOf(c), {
        bindTicket: b.bind_ticket,
        nickname: b.nickname,
        mobile: b.mobile,
        smsCode: b.sms_code,
        password: b.password,
      }),
    );
  },
);
