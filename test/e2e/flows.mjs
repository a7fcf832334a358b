// Steps the browser scenarios share: a QQ login through the fake QQ, sending an SMS code,
// and what the account page must show.
import assert from 'node:assert/strict';
import { QQ, WORKER, logMark, smsCodeFor, snap } from './browser.mjs';

/** @typedef {import('playwright-core').Page} Page */

/**
 * Opens `start` (/login?next=/account), goes to the fake QQ and picks (or creates) a QQ user there.
 * @param {Page} page
 * @param {{ pick: string, create?: undefined } | { create: string, pick?: undefined }} qqUser
 * @param {{ snapAs?: string, start?: string }} [options]
 */
export async function loginWithQQ(page, qqUser, { snapAs, start = '/login?next=/account' } = {}) {
  await page.goto(`${WORKER}${start}`);
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

/**
 * Waits for /account to show `name`, checks the token left the address bar, and that the
 * account's mobile shows only masked.
 * @param {Page} page @param {string} name @param {string} mobile
 */
export async function expectAccountPage(page, name, mobile) {
  await page.getByRole('heading', { name, exact: true }).waitFor();
  const url = new URL(page.url());
  assert.equal(url.pathname, '/account');
  assert.equal(url.hash, '', 'the page removed the token from the fragment');
  await expectMaskedOnly(page, mobile);
}

/** The title and the visible text hold `mobile` only masked. @param {Page} page @param {string} mobile */
export async function expectMaskedOnly(page, mobile) {
  const masked = `${mobile.slice(0, 3)}****${mobile.slice(-4)}`;
  const shown = await page.evaluate(() => `${document.title}\n${document.body.innerText}`);
  assert.ok(!shown.includes(mobile), `the full mobile is nowhere on screen:\n${shown}`);
  assert.ok(shown.includes(masked), `the masked mobile is shown:\n${shown}`);
}

/** The QQ nickname in the account page's QQ binding row. @param {Page} page @param {string} nickname */
export function boundNickname(page, nickname) {
  return page.locator('#binding-nickname').filter({ hasText: new RegExp(`^${nickname}$`) });
}

/**
 * Presses the panel's "send code" button and returns the code sent (`log`: the worker's).
 * @param {import('playwright-core').Locator} panel @param {string} mobile @param {string} [log]
 */
export async function sendCode(panel, mobile, log) {
  const mark = logMark(log);
  await panel.getByRole('button', { name: /^(获取验证码|重新获取|Send code|Resend)$/ }).click();
  await panel.getByRole('button', { name: /秒后重发|Resend in \d+s/ }).waitFor();
  return smsCodeFor(mobile, mark, log);
}

/**
 * Signs in with the password form of /login (`start`, on WORKER unless absolute), as a visitor would.
 * @param {Page} page @param {{ username: string, password: string }} credentials @param {string} [start]
 */
export async function loginWithPassword(page, { username, password }, start = '/login?next=/account') {
  await page.goto(new URL(start, WORKER).href);
  await page.getByLabel(/用户名或手机号|Username or mobile/).fill(username);
  await page.locator('#login-password').fill(password);
  await page.locator('#password-form').getByRole('button', { name: /^(登录|Sign in)$/ }).click();
}

/** The fragment the browser arrived with at `path` (a page of the site that gets the login). @param {Page} page @param {string} path */
export async function arrivedFragment(page, path) {
  await page.waitForURL((url) => url.pathname === path);
  return new URLSearchParams(new URL(page.url()).hash.slice(1));
}
