// The iframe a fake widget draws (widgets.ts) and the answers it hands out: a page with
// one button, served from the fake's own origin; pressing it asks `POST solve` for an
// answer from the shared ticket store and posts it to the page that holds the widget.
import { Hono } from 'hono';
import type { CaptchaTickets } from './tickets';

export interface ChallengeOptions {
  /** The widget script's file name (`api.js`, `TCaptcha.js`) and its text. */
  script: { name: string; text: string };
  /** The app ids (site key, CaptchaAppId) the widget accepts; any other shows an error. */
  appIds: readonly string[];
  tickets: CaptchaTickets;
  /** What answers start with: Turnstile's tokens `0.`, Tencent's tickets `t03`. */
  ticketPrefix: string;
}

export function challengeRoutes(options: ChallengeOptions): Hono {
  const app = new Hono();
  app.get(`/${options.script.name}`, (c) =>
    c.body(options.script.text, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }),
  );
  app.get('/challenge', (c) => {
    const appId = c.req.query('app') ?? '';
    return c.html(challengePage(options.appIds.includes(appId) ? null : `invalid app id (${appId || 'missing'})`));
  });
  app.post('/solve', (c) => {
    const appId = c.req.query('app') ?? '';
    if (!options.appIds.includes(appId)) return c.json({ error: 'invalid app id', code: '110100' }, 400);
    return c.json(options.tickets.issue(appId, options.ticketPrefix));
  });
  return app;
}

function challengePage(error: string | null): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>人机验证（测试用）</title>
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; }
  .box { box-sizing: border-box; height: 65px; display: flex; align-items: center; gap: 10px; padding: 0 12px; border: 1px solid #d0d0d0; border-radius: 4px; background: #fafafa; }
  button { font: inherit; padding: 6px 12px; cursor: pointer; }
  .note { color: #888; font-size: 12px; margin-left: auto; }
</style>
</head>
<body>
<div class="box">
  ${error === null ? '<button id="verify" type="button">确认您是真人 / Verify you are human</button>' : ''}
  <span id="status" role="status">${error === null ? '' : escapeHtml(error)}</span>
  <span class="note">fake captcha</span>
</div>
<script>
  const params = new URLSearchParams(location.search);
  const post = (message) => parent.postMessage(Object.assign({ source: 'fake-captcha', id: params.get('id') }, message), '*');
  const button = document.getElementById('verify');
  const status = document.getElementById('status');
  if (button === null) post({ event: 'error', code: '110100' });
  else button.addEventListener('click', async () => {
    button.disabled = true;
    const answer = await fetch('solve?' + new URLSearchParams({ app: params.get('app') || '' }), { method: 'POST' });
    const body = await answer.json();
    if (!answer.ok) {
      status.textContent = body.error;
      return post({ event: 'error', code: body.code });
    }
    status.textContent = '✓ 成功 / Success';
    post({ event: 'token', ticket: body.ticket, randstr: body.randstr });
  });
</script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
