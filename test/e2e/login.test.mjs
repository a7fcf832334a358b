// The hosted pages in a real browser, end to end: login page → fake QQ → callback page →
// binding → /account. Run with `npm run test:e2e` (run.mjs starts the system first).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PHONE, QQ, WORKER, assertClean, createAccount, launchBrowser, logMark, openPage, smsCodeFor, snap, workerLog } from './browser.mjs';
import { boundNickname, expectAccountPage, expectMaskedOnly, loginWithQQ, sendCode } from './flows.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a new QQ user binds by mobile + SMS code and lands on next', async () => {
  const { context, page, seen } = await openPage(browser);
  await page.goto(`${WORKER}/login?next=/account`);
  const response = /** @type {import('playwright-core').Response} */ (await page.reload());
  assert.match(response.headers()['content-security-policy'], /default-src 'self'; script-src 'self'/);
  // The script and stylesheet: static assets under content-hashed names, cached for a year.
  const assets = await page.evaluate(() => [document.querySelector('script')?.src, document.querySelector('link[rel=stylesheet]')?.getAttribute('href')]);
  for (const url of assets) {
    assert.match(String(url), /\/assets\/pages-[0-9a-f]{16}\.(js|css)$/);
    const asset = await fetch(new URL(String(url), WORKER));
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  }
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

  // No nickname of its own: the account goes by its QQ nickname and avatar.
  await expectAccountPage(page, '小明', mobile);
  assert.equal(await page.locator('#fact-username').textContent(), '138****8001');
  await page.locator('#user-avatar img').waitFor({ state: 'visible' });
  await boundNickname(page, '小明').waitFor();
  const asked = seen.urls.find((url) => url.includes('/oauth/qq/authorization'));
  assert.equal(new URL(String(asked)).searchParams.get('display'), null, 'desktops get QQ\'s desktop page');
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
  await expectAccountPage(page, '阿强', account.mobile);
  await boundNickname(page, '阿强').waitFor();
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
  await expectAccountPage(page, 'Lily Chen', mobile);
  await boundNickname(page, 'Lily').waitFor();
  await snap(page, 'account-en');
  assertClean(seen);
  await context.close();
});

test('a returning QQ user goes straight to next', async () => {
  const account = await createAccount({ qqNickname: '回头客', mobile: '13800138005', password: 'returning-pass', keepQQ: true });
  const { context, page, seen } = await openPage(browser);
  await loginWithQQ(page, { pick: account.qqNickname });
  await expectAccountPage(page, account.qqNickname, account.mobile);
  await boundNickname(page, account.qqNickname).waitFor();
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
  await expectAccountPage(page, '小周', mobile);
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
  await expectAccountPage(page, account.qqNickname, account.mobile);
  await boundNickname(page, account.qqNickname).waitFor();

  await page.getByRole('button', { name: '解除绑定' }).click();
  await page.getByText('确定解除吗').waitFor();
  await snap(page, 'account-unbind-confirm');
  await page.getByRole('button', { name: '确定解除' }).click();
  await page.getByRole('status').filter({ hasText: '已解除 QQ 绑定' }).waitFor();
  await page.getByText('未绑定', { exact: true }).waitFor();
  // Without QQ, and without a nickname of its own, the account goes by its masked mobile.
  await page.getByRole('heading', { name: '138****8007', exact: true }).waitFor();
  await expectMaskedOnly(page, account.mobile);
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

test('a locked SMS code clears the sent note and the countdown and says what to do', async () => {
  const { context, page, seen } = await openPage(browser);
  await loginWithQQ(page, { create: '小林' });
  await page.getByRole('heading', { name: '你好，小林' }).waitFor();
  const panel = page.getByRole('tabpanel', { name: '手机号绑定' });
  const mobile = '13800138008';
  await panel.getByLabel('手机号').fill(mobile);
  const code = await sendCode(panel, mobile);
  await panel.locator('.sent-note').filter({ hasText: '验证码已发送' }).waitFor();
  await panel.getByLabel('密码', { exact: true }).fill('some-password-8');
  const wrong = code === '000000' ? '111111' : '000000';
  const smsError = panel.locator('#m-sms-code-error');
  // Wrong guesses until the code locks (SMS_MAX_ATTEMPTS, 5 by default).
  let locked = false;
  for (let guess = 0; guess < 8 && !locked; guess++) {
    await panel.getByLabel('短信验证码').fill(wrong);
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/oauth/qq/bind');
    await panel.getByRole('button', { name: '绑定并登录' }).click();
    const response = await answered;
    locked = response.status() === 429;
    await smsError.filter({ hasText: locked ? '验证码错误次数过多' : '短信验证码错误' }).waitFor();
  }
  assert.ok(locked, 'the code locked');
  await smsError.filter({ hasText: '验证码错误次数过多，请重新获取' }).waitFor();
  assert.equal(await panel.locator('.sent-note').count(), 0, 'the "sent" note is gone');
  const resend = panel.getByRole('button', { name: '重新获取' });
  assert.ok(await resend.isEnabled(), 'the countdown is gone: a new code can be asked for');
  assert.ok(await resend.evaluate((el) => el === document.activeElement), 'focus moves to the button to press');
  assert.equal(await panel.getByLabel('短信验证码').inputValue(), '', 'the dead code is cleared');
  await snap(page, 'bind-code-locked');
  assertClean(seen);
  await context.close();
});

test('on a phone the QQ login asks QQ for its mobile page (display=mobile)', async () => {
  const { context, page, seen } = await openPage(browser);
  await page.setViewportSize(PHONE);
  await page.goto(`${WORKER}/login?next=/account`);
  await page.getByRole('button', { name: /QQ/ }).first().click();
  await page.waitForURL(`${QQ}/oauth2.0/authorize?**`);
  const asked = seen.urls.find((url) => url.includes('/oauth/qq/authorization'));
  assert.equal(new URL(String(asked)).searchParams.get('display'), 'mobile');
  // QQ's URL carries it once the worker passes `display` on (GET /oauth/qq/authorization).
  const direct = await (await fetch(`${WORKER}/oauth/qq/authorization?display=mobile`)).json();
  if (String(direct.login_url).includes('display=mobile')) {
    assert.equal(new URL(page.url()).searchParams.get('display'), 'mobile');
  }
  assertClean(seen);
  await context.close();
});

test('Chinese text renders with real glyphs, not empty boxes (a CJK font is installed)', async () => {
  const { context, page, seen } = await openPage(browser);
  await page.goto(`${WORKER}/login`);
  // Each character drawn alone in the heading's font: without a font that has them, Han
  // characters all show the same missing-glyph box as a code point no font has.
  const drawn = await page.evaluate(() => {
    const heading = document.querySelector('h1');
    if (!heading) throw new Error('no heading');
    const style = getComputedStyle(heading);
    const draw = (/** @type {string} */ text) => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no canvas');
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      context.textBaseline = 'top';
      context.fillText(text, 8, 8);
      return Array.from(context.getImageData(0, 0, 64, 64).data).join(',');
    };
    const [zhang, hao, missing] = [draw('账'), draw('号'), draw('\u0378')];
    return { inked: /[1-9]/.test(zhang), alike: zhang === hao, likeMissing: zhang === missing || hao === missing };
  });
  assert.ok(drawn.inked, 'the character is drawn at all');
  assert.ok(!drawn.alike && !drawn.likeMissing, `Chinese is drawn as missing-glyph boxes: ${JSON.stringify(drawn)}`);
  assertClean(seen);
  await context.close();
});
