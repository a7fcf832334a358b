// The hosted pages with a captcha provider on, in a real browser: two more workers beside
// the main one (Turnstile, Tencent Captcha), pointed at the fakes' widgets and verifiers
// on the fake server (fakes/captcha/). Run with `npm run test:e2e`.
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEV_CAPTCHA_VARS } from '../../scripts/dev-providers.mjs';
import { QQ, assertClean, createAccount, launchBrowser, logMark, openPage, post, smsCodeFor, snap } from './browser.mjs';
import { expectAccountPage, loginWithPassword } from './flows.mjs';
import { startWorker } from './system.mjs';

const TURNSTILE = `${QQ}/captcha/turnstile`;
const SETTINGS = {
  turnstile: {
    ...DEV_CAPTCHA_VARS.turnstile,
    TURNSTILE_VERIFY_URL: `${TURNSTILE}/turnstile/v0/siteverify`,
    TURNSTILE_SCRIPT_URL: `${TURNSTILE}/turnstile/v0/api.js`,
  },
  tencent: {
    ...DEV_CAPTCHA_VARS.tencent,
    TENCENT_CAPTCHA_ENDPOINT: `${QQ}/captcha/tencent`,
    TENCENT_CAPTCHA_SCRIPT_URL: `${QQ}/captcha/tcaptcha/TCaptcha.js`,
  },
};

/** @type {import('playwright-core').Browser} */
let browser;
/** @typedef {{ url: string, log: string, stop: () => Promise<void> }} Worker */
/** @type {Map<string, Worker>} */
const workers = new Map();

/** The worker started for `provider`. @param {string} provider @returns {Worker} */
function workerFor(provider) {
  const worker = workers.get(provider);
  if (!worker) throw new Error(`no ${provider} worker`);
  return worker;
}
/** @type {{ end(): void }[]} */
const logs = [];

before(async () => {
  browser = await launchBrowser();
  await Promise.all(
    Object.entries(SETTINGS).map(async ([provider, settings]) => {
      const log = join(process.env.E2E_RESULTS ?? 'test-results/e2e', `worker-${provider}.log`);
      const stream = createWriteStream(log);
      logs.push(stream);
      workers.set(provider, { ...(await startWorker({ qqUrl: QQ, log: stream, settings })), log });
    }),
  );
});
after(async () => {
  await browser?.close();
  await Promise.all([...workers.values()].map((worker) => worker.stop()));
  for (const stream of logs) stream.end();
});

/** The siteverify calls the fake Turnstile has answered so far. */
async function siteverifyCalls() {
  return /** @type {unknown[]} */ (await (await fetch(`${TURNSTILE}/__fake/calls`)).json()).length;
}

/** A token as the Turnstile widget hands it out, for requests made without a browser. */
async function turnstileToken() {
  const answer = await post(`${TURNSTILE}/__fake/tokens`, {});
  return { captcha_token: /** @type {{ token: string }} */ (await answer.json()).token };
}

/**
 * Opens "forgot password" on a captcha worker's /login and fills in the mobile.
 * @param {import('playwright-core').Page} page @param {{ url: string }} worker @param {string} mobile @param {string} [lang]
 */
async function resetView(page, worker, mobile, lang = 'zh') {
  const response = await page.goto(`${worker.url}/login?next=/account${lang === 'en' ? '&lang=en' : ''}`);
  await page.locator('#forgot-password').click();
  const view = page.locator('[data-view="reset"]');
  await view.locator('#reset-mobile').fill(mobile);
  return { csp: response?.headers()['content-security-policy'] ?? '', view };
}

test('with Turnstile, every SMS code takes the widget first, and the CSP allows its origin alone', async () => {
  const worker = workerFor('turnstile');
  const { context, page, seen } = await openPage(browser);
  const mobile = '13800138021';
  const { csp, view } = await resetView(page, worker, mobile);
  const origin = new URL(QQ).origin;
  for (const directive of ['script-src', 'frame-src', 'connect-src']) assert.ok(csp.includes(`${directive} 'self' ${origin};`), `${directive} in ${csp}`);

  const verified = await siteverifyCalls();
  const mark = logMark(worker.log);
  await view.getByRole('button', { name: '获取验证码' }).click();
  const challenge = view.getByRole('group', { name: '人机验证' }).frameLocator('iframe').getByRole('button', { name: /确认您是真人/ });
  await challenge.waitFor();
  assert.ok(!seen.urls.some((url) => url.endsWith('/sms/codes')), 'no SMS is asked for before the widget is done');
  await snap(page, 'captcha');
  await challenge.click();
  await view.getByRole('button', { name: /秒后重发/ }).waitFor();
  assert.match(await smsCodeFor(mobile, mark, worker.log), /^\d{6}$/);
  assert.equal(await siteverifyCalls(), verified + 1, "the worker verified the widget's token with siteverify");
  assertClean(seen);
  await context.close();
});

test('with Turnstile, an account under attack asks the password form for the widget, and its owner gets in', async () => {
  const worker = workerFor('turnstile');
  const account = await createAccount({
    qqNickname: '被围攻',
    mobile: '13800138022',
    password: 'owner-pass-22',
    worker: worker.url,
    log: worker.log,
    captcha: turnstileToken,
  });
  // Strangers fail from eleven addresses: past ten, the account asks for a captcha.
  for (let i = 1; i <= 11; i++) {
    await post(`${worker.url}/users/login`, { username: account.mobile, password: `wrong-password-${i}` }, { 'cf-connecting-ip': `203.0.113.${i}` });
  }
  const { context, page, seen } = await openPage(browser);
  await loginWithPassword(page, { username: account.mobile, password: account.password }, `${worker.url}/login?next=/account`);
  const challenge = page.locator('#password-form').frameLocator('iframe').getByRole('button', { name: /确认您是真人/ });
  await challenge.waitFor();
  await snap(page, 'captcha-login');
  await challenge.click();
  await expectAccountPage(page, '138****8022', account.mobile);
  assertClean(seen);
  await context.close();
});

test('with Tencent Captcha (in English), the send-code button opens its pop-up; closing it sends nothing', async () => {
  const worker = workerFor('tencent');
  const { context, page, seen } = await openPage(browser, { locale: 'en-US' });
  const mobile = '13800138023';
  const { csp, view } = await resetView(page, worker, mobile, 'en');
  assert.ok(csp.includes(`script-src 'self' ${new URL(QQ).origin};`), csp);

  await view.getByRole('button', { name: 'Send code' }).click();
  await page.getByRole('button', { name: '关闭验证' }).click();
  await view.getByText('The verification did not complete').waitFor();
  assert.ok(!seen.urls.some((url) => url.endsWith('/sms/codes')), 'a closed captcha sends nothing');

  const mark = logMark(worker.log);
  await view.getByRole('button', { name: 'Send code' }).click();
  const challenge = page.frameLocator('iframe[title="验证码"]').getByRole('button', { name: /确认您是真人/ });
  await challenge.waitFor();
  await snap(page, 'captcha-tencent-en');
  await challenge.click();
  await view.getByRole('button', { name: /Resend in \d+s/ }).waitFor();
  assert.match(await smsCodeFor(mobile, mark, worker.log), /^\d{6}$/);
  assertClean(seen);
  await context.close();
});
