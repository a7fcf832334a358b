// The fake captcha widgets in a real browser, on a page whose CSP allows exactly the
// widget's origin in script-src and frame-src, as the hosted pages will: Turnstile's
// api.js hands the page a token the fake siteverify accepts once; Tencent's TCaptcha.js
// calls back with { ret: 0, ticket, randstr }, or ret 2 when closed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createServer } from 'node:http';
import { DEV_CAPTCHA_VARS } from '../../scripts/dev-providers.mjs';
import { QQ, assertClean, launchBrowser, openPage } from './browser.mjs';

// The fakes serve every service on one port; the captchas live under these prefixes.
const TURNSTILE = `${QQ}/captcha/turnstile/turnstile/v0`;
const TCAPTCHA = `${QQ}/captcha/tcaptcha`;
const SITE_KEY = '0xFAKE0000000000000000AA';
const SECRET = 'dev-only-turnstile-secret';
// The app the fake server's widget serves (its verifier's, as scripts/dev-providers.mjs says).
const TENCENT_APP_ID = DEV_CAPTCHA_VARS.tencent.TENCENT_CAPTCHA_APP_ID;

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/**
 * Opens `body` in a page of its own localhost origin whose CSP allows only the fakes'
 * origin beside nonce'd inline code, served for real (a routed answer would not count as
 * a local page, and Chromium would refuse its loopback requests).
 * @param {import('playwright-core').Browser} browser
 * @param {string} body
 */
async function widgetPage(browser, body) {
  const origin = new URL(QQ).origin;
  const server = createServer((/** @type {import('node:http').IncomingMessage} */ request, /** @type {import('node:http').ServerResponse} */ response) => {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src 'nonce-t' ${origin}; frame-src ${origin}; style-src 'unsafe-inline'`,
    });
    response.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>widget</title></head><body>${body}</body></html>`);
  });
  await new Promise((resolve) => server.listen(0, 'localhost', resolve));
  // A failing test must not keep this file's process alive until the runner's timeout.
  server.unref();
  const opened = await openPage(browser);
  await opened.page.goto(`http://localhost:${server.address().port}/`);
  const close = async () => {
    await opened.context.close();
    await new Promise((resolve) => server.close(resolve));
  };
  return { ...opened, close };
}

/** @param {string | null} token the widget's, as the page shows it */
async function siteverify(token) {
  const answer = await fetch(`${TURNSTILE}/siteverify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ secret: SECRET, response: /** @type {string} */ (token), remoteip: '127.0.0.1' }),
  });
  assert.equal(answer.status, 200);
  return answer.json();
}

test('Turnstile api.js: the widget button gives the page a token that siteverify accepts once', async () => {
  const { close, page, seen } = await widgetPage(
    browser,
    `<div id="widget"></div><output id="token"></output>
<script nonce="t">
  window.start = () => turnstile.render('#widget', { sitekey: '${SITE_KEY}', callback: (t) => { document.getElementById('token').textContent = t; } });
</script>
<script nonce="t" src="${TURNSTILE}/api.js?render=explicit&onload=start"></script>`,
  );
  await page.frameLocator('iframe[title*="Cloudflare"]').getByRole('button', { name: /Verify you are human/ }).click();
  await page.locator('#token').filter({ hasText: /^0\./ }).waitFor();
  const token = await page.locator('#token').textContent();
  assert.equal(await page.locator('input[name="cf-turnstile-response"]').inputValue(), token);
  // @ts-expect-error turnstile is the page's global, set by api.js
  assert.equal(await page.evaluate(() => turnstile.getResponse()), token);
  assert.equal((await siteverify(token)).success, true);
  assert.deepEqual((await siteverify(token))['error-codes'], ['timeout-or-duplicate']);
  assertClean(seen);
  await close();
});

test('Turnstile api.js renders .cf-turnstile elements by itself and names the data-callback', async () => {
  const { close, page, seen } = await widgetPage(
    browser,
    `<div class="cf-turnstile" data-sitekey="${SITE_KEY}" data-callback="gotToken"></div><output id="token"></output>
<script nonce="t">window.gotToken = (t) => { document.getElementById('token').textContent = t; };</script>
<script nonce="t" src="${TURNSTILE}/api.js"></script>`,
  );
  await page.frameLocator('iframe').getByRole('button').click();
  await page.locator('#token').filter({ hasText: /^0\./ }).waitFor();
  assert.equal((await siteverify(await page.locator('#token').textContent())).success, true);
  assertClean(seen);
  await close();
});

test('TCaptcha.js: the popup calls back with ret 0, a ticket and a randstr; closing it calls back with ret 2', async () => {
  const { close, page, seen } = await widgetPage(
    browser,
    `<button id="send" type="button">获取验证码</button><output id="result"></output>
<script nonce="t" src="${TCAPTCHA}/TCaptcha.js"></script>
<script nonce="t">
  document.getElementById('send').addEventListener('click', () => {
    new TencentCaptcha('${TENCENT_APP_ID}', (res) => { document.getElementById('result').textContent = JSON.stringify(res); }).show();
  });
</script>`,
  );
  const result = async () => JSON.parse((await page.locator('#result').filter({ hasText: 'ret' }).textContent()) ?? 'null');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.frameLocator('iframe[title="验证码"]').getByRole('button', { name: /确认您是真人/ }).click();
  const solved = await result();
  assert.equal(solved.ret, 0);
  assert.match(solved.ticket, /^t03/);
  assert.match(solved.randstr, /^@/);
  assert.equal(solved.appid, TENCENT_APP_ID);
  assert.equal(await page.locator('iframe[title="验证码"]').count(), 0, 'the popup is gone');

  // @ts-expect-error the page's document (browser code, not checked with the DOM library here)
  await page.evaluate(() => (document.getElementById('result').textContent = ''));
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByRole('button', { name: '关闭验证' }).click();
  assert.equal((await result()).ret, 2);
  assertClean(seen);
  await close();
});
