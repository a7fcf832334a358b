// The hosted pages' account security, in a real browser: the site's state handed back beside
// the token, a planted token refused by /account, forgotten password by SMS, password change
// and log out everywhere. Run with `npm run test:e2e`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WORKER, assertClean, createAccount, launchBrowser, logMark, openPage, post, smsCodeFor, snap } from './browser.mjs';
import { arrivedFragment, expectAccountPage, loginWithPassword, loginWithQQ, sendCode } from './flows.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** @param {string} username @param {string} password */
async function apiLogin(username, password) {
  const response = await post(`${WORKER}/users/login`, { username, password });
  return { status: response.status, body: await response.json() };
}

test("a site's state comes back beside the token, from the password form and from QQ", async () => {
  const account = await createAccount({ qqNickname: '状态甲', mobile: '13800138011', password: 'state-pass-11', keepQQ: true });
  const { context, page, seen } = await openPage(browser);

  await loginWithPassword(page, { username: account.mobile, password: account.password }, '/login?next=/after-login&state=site-state%2F123');
  const fromPassword = await arrivedFragment(page, '/after-login');
  assert.match(String(fromPassword.get('token')), /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(fromPassword.get('expires_in'), '86400');
  assert.equal(fromPassword.get('state'), 'site-state/123');

  await loginWithQQ(page, { pick: account.qqNickname }, { start: '/login?next=/after-qq&state=qq-state-9' });
  const fromQQ = await arrivedFragment(page, '/after-qq');
  assert.equal(fromQQ.get('state'), 'qq-state-9');
  assert.match(String(fromQQ.get('token')), /^eyJ/);

  // Without a state from the site, none comes back.
  await loginWithPassword(page, { username: account.mobile, password: account.password }, '/login?next=/plain');
  assert.equal((await arrivedFragment(page, '/plain')).get('state'), null);
  assertClean(seen);
  await context.close();
});

test("a token planted in /account's fragment is refused: nobody is signed in to someone else's account by a link", async () => {
  const attacker = await createAccount({ qqNickname: '攻击者', mobile: '13800138012', password: 'attacker-pass-12' });
  const { body } = await apiLogin(attacker.mobile, attacker.password);
  const { context, page, seen } = await openPage(browser);

  await page.goto(`${WORKER}/account#token=${body.token}&expires_in=86400`);
  await page.getByRole('heading', { name: '你还没有登录' }).waitFor();
  await page.locator('#signed-out-status').filter({ hasText: '不是在本浏览器中发起的' }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the planted token left the address bar');
  await snap(page, 'account-planted');
  // A guessed state does not help, and nothing was kept.
  await page.goto(`${WORKER}/account#token=${body.token}&expires_in=86400&state=0123456789abcdef0123456789abcdef`);
  await page.getByRole('heading', { name: '你还没有登录' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: '你还没有登录' }).waitFor();

  // Signed in to their own account, the visitor stays in it.
  const owner = await createAccount({ qqNickname: '主人', mobile: '13800138013', password: 'owner-pass-13' });
  await loginWithPassword(page, { username: owner.mobile, password: owner.password });
  await expectAccountPage(page, '138****8013', owner.mobile);
  await page.goto(`${WORKER}/account#token=${body.token}&expires_in=86400`);
  await page.locator('#account-status').filter({ hasText: '不是在本浏览器中发起的' }).waitFor();
  await expectAccountPage(page, '138****8013', owner.mobile);
  assertClean(seen);
  await context.close();
});

test('forgot password: a new password by SMS code, and the visitor is signed in', async () => {
  const account = await createAccount({ qqNickname: '健忘', mobile: '13800138014', password: 'old-pass-14' });
  const { context, page, seen } = await openPage(browser);
  await page.goto(`${WORKER}/login?next=/account`);
  await page.getByLabel('用户名或手机号').fill(account.mobile);
  await page.getByRole('button', { name: '忘记密码？' }).click();
  await page.getByRole('heading', { name: '重置密码' }).waitFor();
  const view = page.locator('[data-view="reset"]');
  assert.equal(await view.getByLabel('手机号').inputValue(), account.mobile, 'the mobile typed as username is carried over');
  await snap(page, 'reset');

  // The account was made a moment ago with an SMS to this mobile: the resend window
  // (SMS_RESEND_SECONDS) says when the next one may go, and the page counts down to it.
  const mark = logMark();
  await view.getByRole('button', { name: '获取验证码' }).click();
  await view.locator('#reset-sms-code-error').filter({ hasText: '短信发送过于频繁' }).waitFor();
  await view.getByRole('button', { name: '重新获取' }).click({ timeout: 90_000 });
  await view.getByRole('button', { name: /秒后重发/ }).waitFor();
  const code = await smsCodeFor(account.mobile, mark);
  await view.getByLabel('短信验证码').fill(code);
  await view.getByLabel('新密码').fill('new-pass-14');
  await view.getByRole('button', { name: '重置密码并登录' }).click();
  await expectAccountPage(page, '138****8014', account.mobile);
  assert.equal((await apiLogin(account.mobile, 'old-pass-14')).status, 401, 'the old password is gone');
  assert.equal((await apiLogin(account.mobile, 'new-pass-14')).status, 200);
  assertClean(seen);
  await context.close();
});

test('forgot password in English: a wrong code and a mobile without an account are said next to their fields', async () => {
  const { context, page, seen } = await openPage(browser, { locale: 'en-US' });
  await page.goto(`${WORKER}/login?next=/account&lang=en`);
  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
  const view = page.locator('[data-view="reset"]');
  const mobile = '13800138015';
  await view.getByLabel('Mobile number').fill(mobile);
  const code = await sendCode(view, mobile);
  await view.getByLabel('SMS code').fill(code === '000000' ? '111111' : '000000');
  await view.getByLabel('New password').fill('new-pass-15');
  await view.getByRole('button', { name: 'Reset password and sign in' }).click();
  await view.locator('#reset-sms-code-error').filter({ hasText: 'The SMS code is wrong' }).waitFor();

  await view.getByLabel('SMS code').fill(code);
  await view.getByRole('button', { name: 'Reset password and sign in' }).click();
  await view.locator('#reset-mobile-error').filter({ hasText: 'No account has this mobile number' }).waitFor();
  await snap(page, 'reset-en-error');
  await view.getByRole('button', { name: 'Back to sign in' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assertClean(seen);
  await context.close();
});

test('change password on /account (in English): this page goes on with the fresh token, earlier ones are revoked', async () => {
  const account = await createAccount({ qqNickname: 'Pat', mobile: '13800138016', password: 'first-pass-16' });
  const earlier = (await apiLogin(account.mobile, account.password)).body.token;
  const { context, page, seen } = await openPage(browser, { locale: 'en-US' });
  await loginWithPassword(page, { username: account.mobile, password: account.password }, '/login?next=/account&lang=en');
  await expectAccountPage(page, '138****8016', account.mobile);

  await page.getByRole('button', { name: 'Change password' }).click();
  const form = page.locator('#password-change');
  await form.getByLabel('Current password').fill('not-the-password');
  await form.getByLabel('New password').fill('second-pass-16');
  await form.getByRole('button', { name: 'Save new password' }).click();
  await form.locator('#cp-current-error').filter({ hasText: 'Wrong username or password' }).waitFor();
  await snap(page, 'account-change-password-en');

  await form.getByLabel('Current password').fill(account.password);
  await form.getByRole('button', { name: 'Save new password' }).click();
  await page.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
  assert.ok(await form.isHidden());
  await page.reload();
  await expectAccountPage(page, '138****8016', account.mobile);

  const me = await fetch(`${WORKER}/users/me`, { headers: { authorization: `Bearer ${earlier}` } });
  assert.equal(me.status, 401, 'a token from before the change is revoked');
  assert.equal((await apiLogin(account.mobile, 'second-pass-16')).status, 200);
  assertClean(seen);
  await context.close();
});

test('log out everywhere signs out every browser of the account', async () => {
  const account = await createAccount({ qqNickname: '多端', mobile: '13800138017', password: 'everywhere-17' });
  const one = await openPage(browser);
  const two = await openPage(browser);
  for (const { page } of [one, two]) {
    await loginWithPassword(page, { username: account.mobile, password: account.password });
    await expectAccountPage(page, '138****8017', account.mobile);
  }
  await one.page.locator('#logout-everywhere').click();
  await one.page.getByText('确定要在所有设备上退出登录吗？').waitFor();
  await snap(one.page, 'account-logout-everywhere');
  await one.page.locator('#logout-everywhere-yes').click();
  await one.page.getByRole('heading', { name: '你还没有登录' }).waitFor();
  await one.page.locator('#signed-out-status').filter({ hasText: '已在所有设备上退出登录' }).waitFor();

  await two.page.reload();
  await two.page.getByRole('heading', { name: '你还没有登录' }).waitFor();
  for (const { context, seen } of [one, two]) {
    assertClean(seen);
    await context.close();
  }
});
