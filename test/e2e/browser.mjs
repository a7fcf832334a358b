// Helpers of the browser scenarios: Debian's Chromium through playwright-core, screenshots
// at desktop and phone widths, the SMS code as a developer reads it (the worker's console),
// and accounts set up through the public JSON routes.
import assert from 'node:assert/strict';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** @import { Browser, Page } from 'playwright-core' */
/** @typedef {{ urls: string[], outside: string[], cspViolations: string[], pageErrors: string[] }} Seen */

export const WORKER = required('E2E_WORKER_URL');
export const QQ = required('E2E_QQ_URL');
const LOG = required('E2E_LOG');
const RESULTS = required('E2E_RESULTS');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// QQ avatars live on QQ's image servers; the tests answer them locally (nothing leaves the machine).
const AVATAR_HOSTS = new Set(['thirdqq.qlogo.cn', 'qzapp.qlogo.cn']);

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests with \`npm run test:e2e\``);
  return value;
}

/** Playwright gives every launch a fresh temporary profile (--user-data-dir) of its own. */
export function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/**
 * A fresh browser context (no cookies, no storage) with one page, which records what a test
 * checks afterwards: every URL requested, requests leaving the machine, CSP violations.
 * @param {Browser} browser
 */
export async function openPage(browser, { locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({ viewport: DESKTOP, locale, deviceScaleFactor: 1 });
  /** @type {Seen} */
  const seen = { urls: [], outside: [], cspViolations: [], pageErrors: [] };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    seen.urls.push(url.href);
    if (url.hostname === 'localhost' || url.protocol === 'data:') return route.continue();
    if (AVATAR_HOSTS.has(url.hostname)) {
      return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: avatarSvg(url.searchParams.get('k') ?? url.pathname) });
    }
    seen.outside.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => seen.pageErrors.push(error.message));
  return { context, page, seen };
}

/** What every scenario must hold at its end. @param {Seen} seen */
export function assertClean(seen) {
  assert.deepEqual(seen.outside, [], 'nothing is fetched from outside the machine');
  assert.deepEqual(seen.cspViolations, [], 'no Content-Security-Policy violations');
  assert.deepEqual(seen.pageErrors, [], 'no script errors');
  const leaked = seen.urls.filter((url) => /[?&#]token=|eyJ[\w-]+\.[\w-]+\./.test(url));
  assert.deepEqual(leaked, [], 'the login token never appears in a requested URL');
}

/** Screenshots of the page as it is now, 1280 px wide and 375 px wide (full height). @param {Page} page @param {string} name */
export async function snap(page, name) {
  await page.screenshot({ path: join(RESULTS, `${name}-desktop.png`) });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(RESULTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

/** Where the worker's log ends now: codes sent after this point are the new ones. @param {string} [log] */
export function logMark(log = LOG) {
  return statSync(log).size;
}

/** The SMS code the console provider printed for `mobile` after `mark`, as a developer reads it. @param {string} mobile @param {number} mark @param {string} [log] */
export async function smsCodeFor(mobile, mark, log = LOG) {
  const pattern = new RegExp(`\\[sms:console\\] code for ${mobile}: (\\d{6})`, 'g');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const matches = [...readFrom(log, mark).matchAll(pattern)];
    const last = matches.at(-1);
    if (last) return /** @type {string} */ (last[1]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no SMS code for ${mobile} in the worker's log`);
}

export function workerLog() {
  return readFrom(LOG, 0);
}

/** @param {string} file @param {number} offset @returns {string} */
function readFrom(file, offset) {
  const size = statSync(file).size;
  if (size <= offset) return '';
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

/**
 * A local account made through the public routes, as a site's own client would: a QQ user
 * on the fake, the QQ login, then a bind by mobile + SMS (or, given a `nickname`, a
 * registration), then (unless keepQQ) an unbind. Another `worker` (with its `log`) can be
 * given, and `captcha()` when its SMS codes need one. Returns the QQ openid and the login token too.
 * @param {{ qqNickname: string, nickname?: string, mobile: string, password: string, keepQQ?: boolean, worker?: string, log?: string, captcha?: () => Promise<Record<string, string>> }} account
 */
export async function createAccount({ qqNickname, nickname, mobile, password, keepQQ = false, worker = WORKER, log = LOG, captcha = async () => ({}) }) {
  const qqUser = await json(await post(`${QQ}/__fake/users`, { nickname: qqNickname }), 201);
  const start = await fetch(`${worker}/oauth/qq/authorization?next=/account`);
  const { state } = await json(start, 200);
  const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { code } = await json(
    await post(`${QQ}/__fake/codes`, { openid: qqUser.openid, redirect_uri: `${worker}/login/qq/callback` }),
    200,
  );
  const callback = await fetch(`${worker}/oauth/qq/callback?${new URLSearchParams({ code, state })}`, { headers: { cookie } });
  const { bind_ticket } = await json(callback, 200);
  const mark = logMark(log);
  await json(await post(`${worker}/sms/codes`, { mobile, ...(await captcha()) }), 202);
  const sms_code = await smsCodeFor(mobile, mark, log);
  const bound =
    nickname === undefined
      ? await json(await post(`${worker}/oauth/qq/bind`, { bind_ticket, mobile, sms_code, password }), 201)
      : await json(await post(`${worker}/oauth/qq/bind/register`, { bind_ticket, nickname, mobile, sms_code, password }), 201);
  if (!keepQQ) {
    const unbound = await fetch(`${worker}/users/me/bindings/qq`, { method: 'DELETE', headers: { authorization: `Bearer ${bound.token}` } });
    assert.equal(unbound.status, 204);
  }
  return { qqNickname, openid: /** @type {string} */ (qqUser.openid), mobile, password, token: bound.token };
}

/** @param {string} url @param {unknown} body @param {Record<string, string>} [headers] */
export function post(url, body, headers = {}) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** The JSON body of the routes and the fake's controls, read without a schema. @param {Response} response @param {number} status @returns {Promise<any>} */
async function json(response, status) {
  const body = await response.json();
  assert.equal(response.status, status, `${response.url}: ${JSON.stringify(body)}`);
  return body;
}

/** A stand-in QQ avatar: a coloured circle, different for each user. */
/** @param {string} seed */
function avatarSvg(seed) {
  let hue = 0;
  for (const ch of seed) hue = (hue * 31 + ch.charCodeAt(0)) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,62%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},70%,45%)"/></linearGradient></defs>
<rect width="100" height="100" fill="url(#g)"/><circle cx="50" cy="40" r="18" fill="#fff" opacity=".92"/>
<path d="M18 92c4-20 18-30 32-30s28 10 32 30z" fill="#fff" opacity=".92"/></svg>`;
}
