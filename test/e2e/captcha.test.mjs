// The captcha widget on the hosted pages, in a real browser, against two more workers with
// a captcha provider on (Turnstile, Tencent Captcha) and a stand-in for both services
// (fake-captcha/). Run with `npm run test:e2e`.
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { QQ, assertClean, createAccount, launchBrowser, logMark, openPage, post, smsCodeFor, snap } from './browser.mjs';
import { startFakeCaptcha } from './fake-captcha/server.mjs';
import { expectAccountPage, loginWithPassword } from './flows.mjs';
import { startWorker } from './system.mjs';

let browser;
let fake;
/** @type {Record<'turnstile' | 'tencent', { url: string, log: string, stop: () => Promise<void> }>} */
const workers = {};
const logs = [];

before(async () => {
  browser = await launchBrowser();
  fake = await startFakeCaptcha();
  await Promise.all(
    ['turnstile', 'tencent'].map(async (provider) => {
      const log = join(process.env.E2E_RESULTS ?? 'test-results/e2e', `captcha-${provider}.log`);
      const stream = createWriteStream(log);
      logs.push(stream);
      const worker = await startWorker({ qqUrl: QQ, log: stream, settings: fake.settings[provider] });
      workers[provider] = { ...worker, log };
    }),
  );
});
after(async () => {
  await browser?.close();
  await Promise.all(Object.values(workers).map((worker) => worker.stop()));
  await fake?.stop();
  for (const stream of logs) stream.end();
});

/** Opens "forgot password" on a captcha worker's /login and fills in the mobile. */
async function resetView(page, worker, mobile, lang = 'zh') {
  const response = await page.goto(`${worker.url}/login?next=/account${lang === 'en' ? '&lang=en' : ''}`);
  await page.locator('#forgot-password').click();
  const view = page.locator('[data-view="reset"]');
  await view.locator('#reset-mobile').fill(mobile);
  return { response, view };
}

test('with Turnstile, every SMS code takes the widget first, and the CSP allows its origin alone', async () => {
  const { context, page, seen } = await openPage(browser);
  const mobile = '13800138021';
  const { response, view } = await resetView(page, workers.turnstile, mobile);
  const csp = response?.headers()['content-security-policy'] ?? '';
  assert.match(csp, new RegExp(`script-src 'self' ${fake.origin}(;|$)`));
  assert.match(csp, new RegExp(`frame-src 'self' ${fake.origin}(;|$)`));
  assert.match(csp, new RegExp(`connect-src 'self' ${fake.origin}(;|$)`));

  const accepted = fake.calls.accepted;
  const mark = logMark(workers.turnstile.log);
  await view.getByRole('button', { name: '获取验证码' }).click();
  const widget = view.getByRole('group', { name: '人机验证' }).getByRole('button', { name: '确认您是真人' });
  await widget.waitFor();
  assert.ok(!seen.urls.some((url) => url.endsWith('/sms/codes')), 'no SMS is asked for before the widget is done');
  await snap(page, 'captcha-turnstile');
  await widget.click();
  await view.getByRole('button', { name: /秒后重发/ }).waitFor();
  assert.match(await smsCodeFor(mobile, mark, workers.turnstile.log), /^\d{6}$/);
  assert.equal(fake.calls.accepted, accepted + 1, 'the worker verified the widget\'s token with siteverify');
  assertClean(seen);
  await context.close();
});

test('with Turnstile, an account under attack asks the password form for the widget, and its owner gets in', async () => {
  const worker = workers.turnstile;
  const account = await createAccount({
    qqNickname: '被围攻',
    mobile: '13800138022',
    password: 'owner-pass-22',
    worker: worker.url,
    log: worker.log,
    captcha: fake.turnstileToken,
  });
  // Strangers fail from eleven addresses: past ten, the account asks for a captcha.
  for (let i = 1; i <= 11; i++) {
    await post(`${worker.url}/users/login`, { username: account.mobile, password: `wrong-password-${i}` }, { 'cf-connecting-ip': `203.0.113.${i}` });
  }
  const { context, page, seen } = await openPage(browser);
  await loginWithPassword(page, { username: account.mobile, password: account.password }, `${worker.url}/login?next=/account`);
  const widget = page.locator('#password-form').getByRole('button', { name: '确认您是真人' });
  await widget.waitFor();
  await snap(page, 'captcha-login');
  await widget.click();
  await expectAccountPage(page, '138****8022', account.mobile);
  assertClean(seen);
  await context.close();
});

test('with Tencent Captcha (in English), the send-code button opens its pop-up; closing it sends nothing', async () => {
  const { context, page, seen } = await openPage(browser, { locale: 'en-US' });
  const mobile = '13800138023';
  const { view } = await resetView(page, workers.tencent, mobile, 'en');

  await view.getByRole('button', { name: 'Send code' }).click();
  await page.getByRole('dialog', { name: 'Tencent Captcha' }).getByRole('button', { name: 'Close' }).click();
  await view.getByText('The verification did not complete').waitFor();
  assert.ok(!seen.urls.some((url) => url.endsWith('/sms/codes')), 'a closed captcha sends nothing');

  const accepted = fake.calls.accepted;
  const mark = logMark(workers.tencent.log);
  await view.getByRole('button', { name: 'Send code' }).click();
  await snap(page, 'captcha-tencent-en');
  await page.getByRole('dialog', { name: 'Tencent Captcha' }).getByRole('button', { name: 'Verify' }).click();
  await view.getByRole('button', { name: /Resend in \d+s/ }).waitFor();
  assert.match(await smsCodeFor(mobile, mark, workers.tencent.log), /^\d{6}$/);
  assert.equal(fake.calls.accepted, accepted + 1, 'the worker verified the ticket with DescribeCaptchaResult');
  assertClean(seen);
  await context.close();
});
