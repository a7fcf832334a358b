import { describe, expect, it, vi } from 'vitest';
import { Sealer } from '../src/crypto';
import { freshMobile, harness } from './harness';
import { TEST_SETTINGS } from './settings';

type H = ReturnType<typeof harness>;

const DAY = 24 * 60 * 60;
const sealer = new Sealer(TEST_SETTINGS.TOKEN_ENCRYPTION_KEY);

interface BindingRow {
  id: number;
  unionid: string | null;
  nickname: string | null;
  avatar: string | null;
  access_token: string;
  refresh_token: string | null;
  profile_updated_at: number;
  updated_at: number;
}

async function bindingOf(h: H, openid: string): Promise<BindingRow | null> {
  return h.db.prepare('SELECT * FROM qq_bindings WHERE openid = ?').bind(openid).first<BindingRow>();
}

/** Makes the stored profile `ageSeconds` old and gives it an outdated nickname. */
async function ageProfile(h: H, openid: string, ageSeconds = DAY + 60): Promise<void> {
  const past = Math.floor(Date.now() / 1000) - ageSeconds;
  await h.db
    .prepare("UPDATE qq_bindings SET nickname = '旧昵称', profile_updated_at = ?, updated_at = ? WHERE openid = ?")
    .bind(past, past, openid)
    .run();
}

function lastAccessToken(h: H): string {
  const token = h.qq.calls.findLast((c) => c.endpoint === 'me')?.params.access_token;
  if (token === undefined) throw new Error('QQ /oauth2.0/me was not called');
  return token;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

describe('QQ profile on the binding', () => {
  it('stores the QQ nickname and the https avatar on the binding at the first login', async () => {
    const h = harness();
    const before = nowSeconds();
    const { openid } = await h.signUp(freshMobile(), undefined, '头像测试');
    const row = await bindingOf(h, openid);
    expect(row).toMatchObject({ nickname: '头像测试', avatar: `https://thirdqq.qlogo.cn/g?b=oidb&k=${openid}&s=100` });
    expect(row?.profile_updated_at).toBeGreaterThanOrEqual(before);
  });

  it('falls back to the 40 px https avatar when QQ has no 100 px one', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '小头像', hasLargeAvatar: false });
    const first = await h.qqLogin(user.openid);
    expect(first.body).toMatchObject({
      status: 'bind_required',
      qq: { nickname: '小头像', avatar: `https://thirdqq.qlogo.cn/g?b=oidb&k=${user.openid}&s=40` },
    });
  });

  it('makes exactly 2 QQ calls (token, me) and writes nothing for a returning login with a fresh profile', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    const before = await bindingOf(h, openid);
    const { result, counts, qqCalls } = await h.measure(async () => {
      const answer = await h.qqLogin(openid);
      await h.settle();
      return answer;
    });
    expect(result.body).toMatchObject({ status: 'logged_in' });
    expect(qqCalls).toEqual(['token', 'me']);
    expect(counts.d1).toBe(1);
    expect(await bindingOf(h, openid)).toEqual(before);
  });

  it('refreshes a profile older than a day after the answer: new nickname, new sealed tokens, fresh profile_updated_at', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile(), undefined, '新昵称');
    await ageProfile(h, openid);
    const old = await bindingOf(h, openid);
    h.qq.calls.clear();
    const answer = await h.qqLogin(openid);
    expect(answer.body).toMatchObject({ status: 'logged_in' });
    const accessToken = lastAccessToken(h);
    const started = nowSeconds();
    await h.settle();
    expect(h.qq.calls.map((c) => c.endpoint)).toEqual(['token', 'me', 'userinfo']);
    const row = await bindingOf(h, openid);
    expect(row?.nickname).toBe('新昵称');
    expect(row?.access_token).not.toBe(old?.access_token);
    expect(row?.access_token).toMatch(/^v1\./);
    expect(await sealer.open(row?.access_token ?? '', openid)).toBe(accessToken);
    expect(row?.refresh_token).not.toBe(old?.refresh_token);
    expect(await sealer.open(row?.refresh_token ?? '', openid)).toMatch(/^[0-9A-F]{32}$/);
    expect(row?.profile_updated_at).toBeGreaterThanOrEqual(started - 1);
  });

  it('leaves a profile just under a day old alone', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    await ageProfile(h, openid, DAY - 60);
    const before = await bindingOf(h, openid);
    h.qq.calls.clear();
    await h.qqLogin(openid);
    await h.settle();
    expect(h.qq.calls.map((c) => c.endpoint)).toEqual(['token', 'me']);
    expect(await bindingOf(h, openid)).toEqual(before);
  });

  it('refreshes after a day has passed on the worker clock', async () => {
    const clock = { now: Date.now() };
    const h = harness({ deps: { now: () => clock.now } });
    const { openid } = await h.signUp(freshMobile());
    clock.now += (DAY + 60) * 1000;
    h.qq.calls.clear();
    await h.qqLogin(openid);
    await h.settle();
    expect(h.qq.calls.map((c) => c.endpoint)).toEqual(['token', 'me', 'userinfo']);
    expect((await bindingOf(h, openid))?.profile_updated_at).toBe(Math.floor(clock.now / 1000));
  });

  it('answers a returning login with a stale profile before a hanging get_user_info resolves', async () => {
    const h = harness();
    const { openid, userId } = await h.signUp(freshMobile(), undefined, '挂起');
    await ageProfile(h, openid);
    h.qq.setMode('userinfo', 'hang');
    const answer = await h.qqLogin(openid);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'logged_in', user: { id: userId } });
    // The answer is here while the profile call is under way (logged by the fake) and
    // still hanging: the login was never held up by it.
    let refreshed = false;
    const settled = h.settle().then(() => {
      refreshed = true;
    });
    await vi.waitFor(() => expect(h.qq.calls.map((c) => c.endpoint)).toContain('userinfo'));
    expect(refreshed).toBe(false);
    await settled;
    // The refresh gave up at the timeout and kept the old profile.
    expect((await bindingOf(h, openid))?.nickname).toBe('旧昵称');
  });

  it('stores the unionid when QQ_UNIONID is true', async () => {
    const h = harness({ settings: { QQ_UNIONID: 'true' } });
    const user = h.qq.addUser({ nickname: '有unionid' });
    const ticket = await h.bindTicketFor(user.openid);
    expect(h.qq.calls.find((c) => c.endpoint === 'me')?.params.unionid).toBe('1');
    const mobile = freshMobile();
    const bound = await h.call('POST', '/oauth/qq/bind', {
      json: { bind_ticket: ticket, mobile, sms_code: await h.smsCode(mobile), password: 'correct horse 1' },
    });
    expect(bound.status).toBe(201);
    expect((await bindingOf(h, user.openid))?.unionid).toBe(user.unionid);
  });

  it('does not ask for the unionid when QQ_UNIONID is false', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    expect(h.qq.calls.filter((c) => c.endpoint === 'me').map((c) => c.params.unionid)).toEqual([undefined]);
    expect((await bindingOf(h, openid))?.unionid).toBeNull();
  });

  it('answers bind_required with qq null when get_user_info refuses (no permission) at the first login', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '没权限' });
    h.qq.setMode('userinfo', 'no-permission');
    const answer = await h.qqLogin(user.openid);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'bind_required', bind_ticket: expect.any(String), expires_in: 600, qq: null, next: '/' });
    const mobile = freshMobile();
    const bound = await h.call('POST', '/oauth/qq/bind', {
      json: { bind_ticket: answer.body.bind_ticket, mobile, sms_code: await h.smsCode(mobile), password: 'correct horse 1' },
    });
    expect(bound.status).toBe(201);
    expect(await bindingOf(h, user.openid)).toMatchObject({ nickname: null, avatar: null });
  });

  it('answers bind_required with qq null when get_user_info is down at the first login', async () => {
    const h = harness();
    const user = h.qq.addUser({ nickname: '资料宕机' });
    h.qq.setMode('userinfo', 'down');
    const answer = await h.qqLogin(user.openid);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'bind_required', qq: null });
  });

  // Last: after QQ refuses the unionid once, this isolate stops asking for it.
  it('still logs in when QQ_UNIONID is true but QQ refuses the unionid, asking again without it; unionid stays null', async () => {
    const h = harness({ settings: { QQ_UNIONID: 'true' }, qq: { unionidGranted: false } });
    const user = h.qq.addUser({ nickname: '无unionid' });
    const first = await h.qqLogin(user.openid);
    expect(first.body).toMatchObject({ status: 'bind_required', qq: { nickname: '无unionid' } });
    expect(h.qq.calls.filter((c) => c.endpoint === 'me').map((c) => c.params.unionid)).toEqual(['1', undefined]);
    const mobile = freshMobile();
    const bound = await h.call('POST', '/oauth/qq/bind', {
      json: { bind_ticket: first.body.bind_ticket, mobile, sms_code: await h.smsCode(mobile), password: 'correct horse 1' },
    });
    expect(bound.status).toBe(201);
    expect((await bindingOf(h, user.openid))?.unionid).toBeNull();
    expect((await h.qqLogin(user.openid)).body).toMatchObject({ status: 'logged_in' });
  });
});
