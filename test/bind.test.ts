import { describe, expect, it } from 'vitest';
import { Browser, freshMobile, harness } from './harness';

describe('POST /oauth/qq/bind (mobile + SMS)', () => {
  it('creates an account for a new mobile, binds it and logs in', async () => {
    const h = harness();
    const mobile = freshMobile();
    const user = h.qq.addUser({ nickname: '新用户' });
    const browser = new Browser();
    const first = await h.qqLogin(user.openid, browser, '/orders');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'bind_required', expires_in: 600, next: '/orders', qq: { nickname: '新用户' } });
    const code = await h.smsCode(mobile);
    const bound = await h.call('POST', '/oauth/qq/bind', {
      json: { bind_ticket: first.body.bind_ticket, mobile, sms_code: code, password: 'password123' },
    });
    expect(bound.status).toBe(201);
    expect(bound.body).toMatchObject({
      status: 'logged_in',
      token_type: 'Bearer',
      expires_in: 86400,
      created: true,
      next: '/orders',
      user: { username: mobile, nickname: null, avatar: null },
    });
    const again = await h.qqLogin(user.openid, browser, '/cart');
    expect(again.body).toMatchObject({ status: 'logged_in', next: '/cart', user: { username: mobile } });
  });
});
