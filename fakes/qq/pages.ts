// HTML of the fake authorize page. Self-contained (no script, no external resources)
// so it works offline and under any CSP the browser tests use.
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface AuthorizeForm {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  scope: string;
  display: string | undefined;
}

export interface UserChoice {
  openid: string;
  nickname: string;
  gender: string;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;
  padding:16px;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
  background:#eef3f8;color:#1f2933}
.card{width:100%;max-width:420px;background:#fff;border-radius:12px;padding:24px 20px;
  box-shadow:0 4px 24px rgba(15,40,80,.12)}
.brand{display:flex;align-items:center;gap:12px}
.logo{display:inline-flex;align-items:center;justify-content:center;width:40px;height:40px;
  border-radius:10px;background:#0a73a3;color:#fff;font-weight:700}
h1{font-size:20px;margin:0}
.lead{margin:12px 0 16px;color:#3e4c59}
fieldset{border:0;margin:0;padding:0;min-width:0}
legend,label{display:block;font-weight:600;margin-bottom:8px;padding:0}
.users{list-style:none;margin:0;padding:0;display:grid;gap:8px}
button{font:inherit;cursor:pointer}
.user{display:flex;align-items:center;gap:12px;width:100%;min-height:56px;padding:8px 12px;
  border:1px solid #bcccdc;border-radius:10px;background:#fff;color:inherit;text-align:left}
.user:hover{border-color:#0a73a3;background:#f0f9ff}
.avatar{flex:none;display:inline-flex;align-items:center;justify-content:center;width:40px;height:40px;
  border-radius:50%;background:#d4effc;color:#0a5c86;font-weight:700}
.who{display:flex;flex-direction:column;min-width:0}
.name{font-weight:600}
.meta{font-size:13px;color:#52606d;overflow-wrap:anywhere}
.create{margin-top:20px;padding-top:16px;border-top:1px solid #e4e7eb}
.row{display:flex;flex-wrap:wrap;gap:8px}
input{flex:1 1 160px;min-width:0;min-height:44px;padding:8px 12px;font:inherit;
  border:1px solid #7b8794;border-radius:8px}
.primary{min-height:44px;padding:8px 16px;border:0;border-radius:8px;background:#0a73a3;color:#fff;font-weight:600}
.quiet{display:block;margin:16px auto 0;min-height:44px;padding:8px 16px;border:0;background:none;
  color:#0a5c86;text-decoration:underline}
a{color:#0a5c86}
:focus-visible{outline:3px solid #102a43;outline-offset:2px}
.error{margin:0 0 16px;padding:10px 12px;border-radius:8px;background:#fde8e8;color:#8a1c1c}
.note{margin:12px 0 0;font-size:13px;color:#52606d;text-align:center}
@media (max-width:400px){body{padding:8px}.card{padding:20px 14px}}
`;

function layout(title: string, body: Html): Html {
  return html`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main class="card">
<div class="brand"><span class="logo" aria-hidden="true">QQ</span><h1>${title}</h1></div>
${body}
</main>
<p class="note">模拟 QQ 互联 · 仅供开发和测试使用</p>
</body>
</html>`;
}

function hiddenFields(form: AuthorizeForm): Html {
  return html`<input type="hidden" name="response_type" value="code">
<input type="hidden" name="client_id" value="${form.clientId}">
<input type="hidden" name="redirect_uri" value="${form.redirectUri}">
<input type="hidden" name="scope" value="${form.scope}">
${form.state === undefined ? '' : html`<input type="hidden" name="state" value="${form.state}">`}
${form.display === undefined ? '' : html`<input type="hidden" name="display" value="${form.display}">`}`;
}

function userButton(user: UserChoice): Html {
  const initial = Array.from(user.nickname)[0] ?? '?';
  return html`<li><button type="submit" class="user" name="openid" value="${user.openid}">
<span class="avatar" aria-hidden="true">${initial}</span>
<span class="who"><span class="name">${user.nickname}</span>
<span class="meta">${user.gender} · openid ${user.openid.slice(0, 8)}…</span></span>
</button></li>`;
}

export function authorizePage(form: AuthorizeForm, users: readonly UserChoice[], error?: string): Html {
  return layout(
    'QQ帐号登录',
    html`<p class="lead">应用 <strong>${form.clientId}</strong> 请求使用你的 QQ 帐号登录，并获取你的昵称、头像和性别（${form.scope}）。</p>
${error === undefined ? '' : html`<p class="error" role="alert">${error}</p>`}
<form method="post" action="/oauth2.0/authorize">
${hiddenFields(form)}
<fieldset><legend>选择一个模拟 QQ 用户</legend>
<ul class="users">${users.map(userButton)}</ul>
</fieldset>
</form>
<form method="post" action="/oauth2.0/authorize" class="create">
${hiddenFields(form)}
<label for="nickname">或新建一个 QQ 用户（昵称）</label>
<div class="row">
<input id="nickname" name="nickname" required maxlength="20" autocomplete="off" placeholder="例如：测试用户">
<button type="submit" class="primary" name="action" value="create">新建并登录</button>
</div>
</form>
<form method="post" action="/oauth2.0/authorize">
${hiddenFields(form)}
<button type="submit" class="quiet" name="action" value="cancel">取消登录</button>
</form>`,
  );
}

export function messagePage(title: string, message: string, link?: { href: string; label: string }): Html {
  return layout(
    title,
    html`<p class="lead">${message}</p>
${link === undefined ? '' : html`<p><a href="${link.href}">${link.label}</a></p>`}`,
  );
}
