// The hosted pages in a real browser, end to end: login page → fake QQ → callback page →
// binding → /account. Run with `npm run test:e2e` (run.mjs starts the system first).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QQ, WORKER, assertClean, createAccount, launchBrowser, logMark, openPage, smsCodeFor, snap, workerLog } from './browser.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Opens /login?next=/account, goes to the fake QQ and picks (or creates) a QQ user there. */
/**
 * @param {import('playwright-core').Page} page
 * @param {{ pick: string, create?: undefined } | { create: string, pick?: undefined }} qqUser
 * @param {{ snapAs?: string }} [options]
 */
async function loginWithQQ(page, qqUser, { snapAs } = {}) {
  await page.goto(`${WORKER}/login?next=/account`);
  await page.getByRole('button', { name: /QQ/ }).first().click();
  await page.waitForURL(`${QQ}/oauth2.0/authorize?**`);
  if (snapAs) await snap(page, snapAs);
  if (qqUser.create) {
    await page.getByLabel(/新建一个 QQ 用户/).fill(qqUser.create);
    await page.getByRole('button', { name: '新建并登录' }).click();
  } else {
    await page.getByRole('button', { name: new RegExp(/** @type {string} */ (qqUser.pick)) }).click();
  }
}

/** Waits for /account to show `name`, and checks the token left the address bar. */
/** @param {import('playwright-core').Page} page @param {string} name */
async function expectAccountPage(page, name) {
  await page.getByRole('heading', { name, exact: true }).waitFor();
  const url = new URL(page.url());
  assert.equal(url.pathname, '/account');
  assert.equal(url.hash, '', 'the page removed the token from the fragment');
}

/** @param {import('playwright-core').Locator} panel @param {string} mobile */
async function sendCode(panel, mobile) {
  const mark = logMark();
  await panel.getByRole('button', { name: /获取验证码|重新获取/ }).click();
  await panel.getByRole('button', { name: /秒后重发/ }).waitFor();
  return smsCodeFor(mobile, mark);
}

test('a new QQ user binds by mobile + SMS code and lands on next', async () => {
  const { context, page, seen } = await openPage(browser);
  await page.goto(`${WORKER}/login?next=/account`);
  const response = /** @type {import('playwright-core').Response} */ (await page.reload());
  assert.match(response.headers()['content-security-policy'], /default-src 'self'; script-src 'self'/);
  await page.getByRole('heading', { name: '登录' }).waitFor();
  await snap(page, 'login');

  await loginWithQQ(page, { pick: '小明' }, { snapAs: 'fake-qq-authorize' });
  await page.getByRole('heading', { name: '你好，小明' }).waitFor();
  await page.locator('#qq-avatar img').waitFor({ state: 'visible' });
  assert.equal(new URL(page.url()).search, '', 'code and state are gone from the address bar');
  const panel = page.getByRole('tabpanel', { name: '手机号绑定' });
  await snap(page, 'bind-mobile');

  const mobile = '13800138001';
  await panel.getByLabel('手机号').fill(mobile);
  const code = await sendCode(panel, mobile);
  await panel.getByLabel('短信验证码').fill(code);
  await panel.getByLabel('密码', { exact: true }).fill('correct-horse-1');
  await snap(page, 'bind-mobile-filled');
  await panel.getByRole('button', { name: '绑定并登录' }).click();

  await expectAccountPage(page, mobile);
  await page.getByText('小明', { exact: true }).waitFor();
  await snap(page, 'account');
  assert.doesNotMatch(workerLog(), /eyJ[\w-]+\.[\w-]+\./, 'no token in the worker log');
  assertClean(seen);
  await context.close();
});

test('a new QQ user binds an existing account with its password', async () => {
  const account = await createAccount({ qqNickname: '种子用户甲', mobile: '13800138002', password: 'existing-pass-2' });
  const { context, page, seen } = await openPage(browser);
  await loginWithQQ(page, { create: '阿强' });
  await page.getByRole('heading', { name: '你好，阿强' }).waitFor();

  // Tabs by keyboard: focus the selected one, then the arrow key.
  await page.getByRole('tab', { name: '手机号绑定' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByRole('tab', { name: '已有账号' }).getAttribute('aria-selected'), 'true');
  const panel = page.getByRole('tabpanel', { name: '已有账号' });
  await panel.getByLabel('用户名或手机号').fill(account.mobile);
  const password = panel.getByLabel('密码', { exact: true });
  await password.fill('wrong-password');
  await panel.getByRole('button', { name: '绑定并登录' }).click();
  const error = panel.locator('#a-password-error');
  await error.filter({ hasText: '用户名或密码错误' }).waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  await snap(page, 'bind-account-error');

  await password.fill(account.password);
  await panel.getByRole('button', { name: '绑定并登录' }).click();
  await expectAccountPage(page, account.mobile);
  await page.getByText('阿强', { exact: true }).waitFor();
  assertClean(seen);
  await context.close();
});

test('a new QQ user registers a new account (in English)', async () => {
  await createAccount({ qqNickname: '种子用户乙', nickname: 'Lily', mobile: '13800138003', password: 'existing-pass-3' });
  const { context, page, seen } = await openPage(browser);
  await page.goto(`${WORKER}/login?next=/account&lang=en`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByRole('button', { name: 'Continue with QQ' }).click();
  await page.waitForURL(`${QQ}/oauth2.0/authorize?**`);
  await page.getByLabel(/新建一个 QQ 用户/).fill('Lily');
  await page.getByRole('button', { name: '新建并登录' }).click();

  // The lang cookie carried English through QQ's redirect.
  await page.getByRole('heading', { name: 'Hi, Lily' }).waitFor();
  await page.getByRole('tab', { name: 'New account' }).click();
  const panel = page.getByRole('tabpanel', { name: 'New account' });
  const nickname = panel.getByLabel('Nickname');
  assert.equal(await nickname.inputValue(), 'Lily', 'the QQ nickname is suggested');
  const mobile = '13800138004';
  await panel.getByLabel('Mobile number').fill(mobile);
  const mark = logMark();
  await panel.getByRole('button', { name: 'Send code' }).click();
  await panel.getByRole('button', { name: /Resend in \d+s/ }).waitFor();
  await panel.getByLabel('SMS code').fill(await smsCodeFor(mobile, mark));
  await panel.getByLabel('Choose a password').fill('new-account-pass');
  await panel.getByRole('button', { name: 'Create account and sign in' }).click();
  await panel.locator('#r-nickname-error').filter({ hasText: 'This nickname is already taken' }).waitFor();
  await snap(page, 'bind-register-error');

  // A refused registration leaves the SMS code unspent.
  await nickname.fill('Lily Chen');
  await panel.getByRole('button', { name: 'Create account and sign in' }).click();
  await expectAccountPage(page, 'Lily Chen');
  await page.getByText('Lily', { exact: true }).waitFor();
  await snap(page, 'account-en');
  assertClean(seen);
  await context.close();
});

test('a returning QQ user goes straight to next', async () => {
  const account = await createAccount({ qqNickname: '回头客', mobile: '13800138005', password: 'returning-pass', keepQQ: true });
  const { context, page, seen } = await openPage(browser);
  await loginWithQQ(page, { pick: account.qqNickname });
  await expectAccountPage(page, account.mobile);
  await page.getByText(account.qqNickname, { exact: true }).waitFor();
  assert.ok(!seen.urls.some((url) => url.includes('/oauth/qq/bind')), 'no binding step');
  await snap(page, 'returning');
  assertClean(seen);
  await context.close();
});

test('a wrong SMS code and a too-early resend are shown next to the SMS code field', async () => {
  const { context, page, seen } = await openPage(browser);
  await loginWithQQ(page, { create: '小周' });
  await page.getByRole('heading', { name: '你好，小周' }).waitFor();
  const panel = page.getByRole('tabpanel', { name: '手机号绑定' });

  // Nothing filled in: the server's invalid_request fields, each next to its input.
  await panel.getByRole('button', { name: '绑定并登录' }).click();
  await panel.locator('#m-mobile-error').filter({ hasText: '此项必填' }).waitFor();
  await panel.locator('#m-sms-code-error').filter({ hasText: '此项必填' }).waitFor();
  await panel.locator('#m-password-error').filter({ hasText: '此项必填' }).waitFor();

  const mobile = '13800138006';
  await panel.getByLabel('手机号').fill(mobile);
  const code = await sendCode(panel, mobile);
  const wrong = code === '000000' ? '111111' : '000000';
  await panel.getByLabel('短信验证码').fill(wrong);
  await panel.getByLabel('密码', { exact: true }).fill('some-password-6');
  await panel.getByRole('button', { name: '绑定并登录' }).click();
  const smsError = panel.locator('#m-sms-code-error');
  await smsError.filter({ hasText: '短信验证码错误' }).waitFor();
  assert.equal(await panel.getByLabel('短信验证码').getAttribute('aria-invalid'), 'true');
  assert.ok(await panel.getByLabel('短信验证码').evaluate((el) => el === el.ownerDocument.activeElement), 'focus moves to the field');
  await snap(page, 'bind-sms-error');

  // The same number from the register tab within the resend window: 429 with Retry-After.
  await page.getByRole('tab', { name: '注册新账号' }).click();
  const register = page.getByRole('tabpanel', { name: '注册新账号' });
  await register.getByLabel('手机号').fill(mobile);
  await register.getByRole('button', { name: '获取验证码' }).click();
  await register.locator('#r-sms-code-error').filter({ hasText: '短信发送过于频繁' }).waitFor();
  await register.getByRole('button', { name: /秒后重发/ }).waitFor();

  // The right code still works afterwards.
  await page.getByRole('tab', { name: '手机号绑定' }).click();
  await panel.getByLabel('短信验证码').fill(code);
  await panel.getByRole('button', { name: '绑定并登录' }).click();
  await expectAccountPage(page, mobile);
  assertClean(seen);
  await context.close();
});

test('the account page shows the QQ binding, unbinds it and logs out', async () => {
  const account = await createAccount({ qqNickname: '小红', mobile: '13800138007', password: 'account-pass-7', keepQQ: true });
  const { context, page, seen } = await openPage(browser);
  await page.goto(`${WORKER}/account`);
  await page.getByRole('heading', { name: '你还没有登录' }).waitFor();
  const signIn = page.getByRole('link', { name: '去登录' });
  assert.equal(await signIn.getAttribute('href'), '/login?next=/account');
  await signIn.click();

  // The password form, this time.
  await page.getByLabel('用户名或手机号').fill(account.mobile);
  await page.getByLabel('密码', { exact: true }).fill(account.password);
  await page.keyboard.press('Enter');
  await expectAccountPage(page, account.mobile);
  await page.getByText(account.qqNickname, { exact: true }).waitFor();

  await page.getByRole('button', { name: '解除绑定' }).click();
  await page.getByText('确定解除吗').waitFor();
  await snap(page, 'account-unbind-confirm');
  await page.getByRole('button', { name: '确定解除' }).click();
  await page.getByRole('status').filter({ hasText: '已解除 QQ 绑定' }).waitFor();
  await page.getByText('未绑定', { exact: true }).waitFor();
  await snap(page, 'account-unbound');

  await page.reload();
  await page.getByText('未绑定', { exact: true }).waitFor();
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('heading', { name: '你还没有登录' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: '你还没有登录' }).waitFor();
  assertClean(seen);
  await context.close();
});

test('QQ errors get a clear page with a way back to /login', async () => {
  const { context, page, seen } = await openPage(browser);
  await page.goto(`${WORKER}/login/qq/callback?state=abc`);
  await page.getByRole('heading', { name: '已取消 QQ 登录' }).waitFor();
  await snap(page, 'qq-cancelled');

  await page.goto(`${WORKER}/login/qq/callback?code=ABCDEF&state=forged-state`);
  await page.getByRole('heading', { name: 'QQ 登录未完成' }).waitFor();
  await page.getByText('登录状态已失效').waitFor();
  await page.getByRole('link', { name: '重新登录' }).click();
  await page.getByRole('heading', { name: '登录' }).waitFor();

  // A refused next never reaches the page's data.
  const refused = /** @type {import('playwright-core').Response} */ (await page.goto(`${WORKER}/login?next=https://evil.example/`));
  assert.equal(refused.status(), 400);
  await page.getByRole('heading', { name: '无法继续登录' }).waitFor();
  assertClean(seen);
  await context.close();
});
