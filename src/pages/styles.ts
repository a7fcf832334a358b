/** `/assets/login.css`: the whole look of the hosted pages, phone first. */
export const LOGIN_CSS = `
:root {
  --qq: #0b78cc;
  --qq-dark: #0962a8;
  --qq-soft: #eaf4fc;
  --text: #16202e;
  --muted: #5c6675;
  --line: #e2e7ee;
  --field: #cdd5df;
  --error: #c4281c;
  --error-soft: #fdeeec;
  --ok: #16813d;
  --ok-soft: #e7f6ec;
  --ring: 0 0 0 3px rgba(11, 120, 204, .28);
  color-scheme: light;
  font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "Noto Sans CJK SC", "Noto Sans SC", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px;
  line-height: 1.55;
  color: var(--text);
  -webkit-text-size-adjust: 100%;
}
/* Latin fonts first in English, so punctuation is not drawn by a CJK font. */
:root:lang(en) {
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
    "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
body {
  margin: 0;
  min-height: 100vh;
  display: flex;
  flex-direction: column;
  background:
    radial-gradient(900px 420px at 12% -10%, rgba(18, 183, 245, .20), transparent 70%),
    radial-gradient(800px 420px at 100% 0, rgba(11, 120, 204, .12), transparent 65%),
    #f4f7fb;
}
a { color: var(--qq); }
h1 { font-size: 24px; line-height: 1.3; margin: 0 0 6px; font-weight: 650; letter-spacing: .01em; }
h1:focus { outline: none; }
p { margin: 0; }
:focus-visible { outline: 3px solid var(--qq); outline-offset: 2px; }

.topbar {
  width: 100%;
  max-width: 1120px;
  margin: 0 auto;
  padding: 16px 20px;
  display: flex;
  align-items: center;
  justify-content: space-between;
  gap: 12px;
}
.brand { display: inline-flex; align-items: center; gap: 10px; color: var(--text); text-decoration: none; font-size: 17px; font-weight: 650; border-radius: 8px; }
.brand-mark {
  display: inline-grid; place-items: center; width: 34px; height: 34px; border-radius: 10px; color: #fff;
  background: linear-gradient(135deg, #23b8f5, var(--qq));
  box-shadow: 0 4px 10px rgba(11, 120, 204, .25);
}
.lang-switch {
  display: inline-flex; align-items: center; min-height: 36px; padding: 4px 14px; border-radius: 18px;
  color: var(--text); text-decoration: none; font-size: 14px; background: rgba(255, 255, 255, .8);
  border: 1px solid var(--line);
}
.lang-switch:hover { border-color: var(--field); background: #fff; }

.main { flex: 1; display: flex; justify-content: center; align-items: flex-start; padding: 24px 16px 40px; }
.card {
  width: 100%;
  max-width: 440px;
  background: #fff;
  border-radius: 18px;
  padding: 36px 36px 32px;
  box-shadow: 0 18px 50px rgba(20, 50, 90, .10), 0 2px 6px rgba(20, 50, 90, .05);
}
.hero { display: none; }
.footer { text-align: center; color: #8a93a1; font-size: 12px; padding: 0 16px 24px; }

.lead { color: var(--muted); margin-bottom: 24px; }
.note { color: var(--muted); font-size: 13px; margin-top: 20px; text-align: center; }
.muted { color: var(--muted); font-size: 13px; }
.hint { color: var(--muted); font-size: 13px; margin-top: 6px; }

.btn {
  display: inline-flex; align-items: center; justify-content: center; gap: 8px;
  min-height: 48px; padding: 0 20px; border-radius: 12px; border: 1px solid transparent;
  font: inherit; font-size: 16px; font-weight: 600; text-decoration: none; cursor: pointer;
  transition: background-color .15s, border-color .15s, box-shadow .15s;
  -webkit-tap-highlight-color: transparent;
}
.btn-block { display: flex; width: 100%; }
.btn-primary, .btn-qq { background: var(--qq); color: #fff; }
.btn-primary:hover, .btn-qq:hover { background: var(--qq-dark); }
.btn-qq { box-shadow: 0 6px 16px rgba(11, 120, 204, .28); }
.btn-outline { background: #fff; color: var(--qq); border-color: #b6d3ec; }
.btn-outline:hover { background: var(--qq-soft); border-color: var(--qq); }
.btn-danger { background: var(--error); color: #fff; }
.btn-danger:hover { background: #a32015; }
.btn-small { min-height: 40px; padding: 0 14px; font-size: 14px; border-radius: 10px; }
.btn:disabled, .btn[aria-busy="true"] { cursor: default; opacity: .65; box-shadow: none; }
.btn[aria-busy="true"]::before {
  content: ""; width: 16px; height: 16px; border-radius: 50%;
  border: 2px solid currentColor; border-right-color: transparent; animation: spin .8s linear infinite;
}
.btn[aria-busy="true"] .qq-icon { display: none; }
.qq-icon { flex: none; }

.divider { display: flex; align-items: center; gap: 12px; margin: 24px 0; color: #8a93a1; font-size: 13px; }
.divider::before, .divider::after { content: ""; flex: 1; height: 1px; background: var(--line); }

.field { margin-bottom: 18px; }
.field label { display: block; font-size: 14px; font-weight: 600; margin-bottom: 6px; }
.control { position: relative; display: flex; gap: 8px; }
.input {
  width: 100%; min-width: 0; flex: 1; height: 46px; padding: 0 14px;
  font: inherit; font-size: 16px; color: var(--text); background: #fff;
  border: 1px solid var(--field); border-radius: 12px; transition: border-color .15s, box-shadow .15s;
}
.input::placeholder { color: #9aa3b0; }
.input:hover { border-color: #aab4c2; }
.input:focus { outline: none; border-color: var(--qq); box-shadow: var(--ring); }
.input[aria-invalid="true"] { border-color: var(--error); }
.input[aria-invalid="true"]:focus { box-shadow: 0 0 0 3px rgba(196, 40, 28, .2); }
.input[type="password"], .input[data-revealed] { padding-right: 48px; }
.reveal {
  position: absolute; right: 4px; top: 4px; width: 38px; height: 38px; display: grid; place-items: center;
  border: 0; border-radius: 9px; background: none; color: #7b8593; cursor: pointer;
}
.reveal:hover, .reveal[aria-pressed="true"] { color: var(--qq); background: var(--qq-soft); }
.send-code { flex: none; min-width: 116px; min-height: 46px; padding: 0 12px; font-size: 14px; }
.field-error { color: var(--error); font-size: 13px; margin-top: 6px; }
.field-error::before { content: "⚠ "; }
.sent-note { color: var(--ok); }
.sent-note::before { content: "✓ "; }

.alert {
  margin-bottom: 18px; padding: 10px 14px; border-radius: 10px;
  color: var(--error); background: var(--error-soft); font-size: 14px;
}
.status:not(:empty) {
  margin: 16px 0; padding: 10px 14px; border-radius: 10px;
  color: var(--ok); background: var(--ok-soft); font-size: 14px;
}

.state { text-align: center; padding: 12px 0 4px; }
.state .lead { margin-bottom: 24px; }
.state-icon {
  display: inline-grid; place-items: center; width: 56px; height: 56px; margin-bottom: 16px;
  border-radius: 50%; font-size: 28px; font-weight: 700; color: var(--qq); background: var(--qq-soft);
}
.state-icon-ok { color: var(--ok); background: var(--ok-soft); }
.state-icon-error { color: var(--error); background: var(--error-soft); }
.spinner {
  display: inline-block; width: 44px; height: 44px; margin: 8px 0 20px; border-radius: 50%;
  border: 4px solid var(--qq-soft); border-top-color: var(--qq); animation: spin .9s linear infinite;
}
@keyframes spin { to { transform: rotate(360deg); } }

.greeting { display: flex; gap: 16px; align-items: flex-start; }
.greeting h1 { font-size: 22px; overflow-wrap: anywhere; }
.greeting .lead { margin-bottom: 8px; }

.avatar {
  position: relative; flex: none; display: inline-grid; place-items: center; overflow: hidden;
  width: 28px; height: 28px; border-radius: 50%; color: var(--qq); background: var(--qq-soft);
  font-weight: 650; font-size: 13px;
}
.avatar-lg { width: 60px; height: 60px; font-size: 24px; box-shadow: 0 0 0 3px #fff, 0 0 0 4px var(--line); }
.avatar img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; }

.tabs { display: flex; margin: 20px 0 22px; border-bottom: 1px solid var(--line); }
.tab {
  flex: 1; min-height: 46px; padding: 8px 4px 10px; margin-bottom: -1px;
  border: 0; border-bottom: 2px solid transparent; background: none; cursor: pointer;
  font: inherit; font-size: 15px; color: var(--muted); line-height: 1.3;
}
.tab:hover { color: var(--text); }
.tab[aria-selected="true"] { color: var(--qq); border-bottom-color: var(--qq); font-weight: 650; }
.tab:focus-visible { outline-offset: -3px; border-radius: 8px 8px 0 0; }

.profile { display: flex; align-items: center; gap: 16px; margin-bottom: 24px; }
.profile-text { min-width: 0; }
.profile h1 { margin: 0; overflow-wrap: anywhere; }
.facts { margin: 0 0 28px; padding: 4px 16px; border-radius: 14px; background: #f7f9fc; }
.facts div { display: flex; justify-content: space-between; gap: 16px; padding: 10px 0; }
.facts div + div { border-top: 1px solid var(--line); }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; text-align: right; overflow-wrap: anywhere; }
.section-title { font-size: 15px; margin: 0 0 12px; color: var(--muted); font-weight: 600; }
.binding {
  display: flex; align-items: center; gap: 14px; padding: 14px 16px;
  border: 1px solid var(--line); border-radius: 14px;
}
.binding-icon { flex: none; display: inline-grid; place-items: center; width: 42px; height: 42px; border-radius: 12px; color: #fff; background: linear-gradient(135deg, #23b8f5, var(--qq)); }
.binding-text { flex: 1; min-width: 0; }
.binding-name { font-weight: 650; }
.binding-who { display: flex; align-items: center; gap: 8px; margin: 2px 0; overflow-wrap: anywhere; }
.binding + .hint { margin-top: 10px; }
.confirm { margin-top: 14px; padding: 14px 16px; border-radius: 14px; background: var(--error-soft); font-size: 14px; }
.confirm-actions { display: flex; gap: 8px; margin-top: 12px; flex-wrap: wrap; }
#logout { margin-top: 28px; }

@media (min-width: 900px) {
  .main { padding-top: max(40px, 7vh); }
  .card-wide {
    display: grid; grid-template-columns: 380px 1fr; max-width: 900px; padding: 0; overflow: hidden;
  }
  .card-wide .card-body { padding: 48px 52px 40px; }
  .card-wide .hero {
    display: flex; flex-direction: column; justify-content: space-between; gap: 32px; position: relative;
    padding: 48px 40px 40px; color: #fff; overflow: hidden;
    background:
      radial-gradient(circle at 88% 12%, rgba(255, 255, 255, .16) 0 80px, transparent 81px),
      radial-gradient(circle at 0% 100%, rgba(255, 255, 255, .10) 0 150px, transparent 151px),
      linear-gradient(155deg, #28bcf7 0%, #0f86d8 45%, #0a62ad 100%);
  }
  .hero-kicker {
    display: inline-block; padding: 3px 12px; border-radius: 999px; font-size: 13px;
    background: rgba(255, 255, 255, .18); border: 1px solid rgba(255, 255, 255, .35);
  }
  .hero-title { margin: 18px 0 24px; font-size: 28px; line-height: 1.35; font-weight: 700; letter-spacing: .02em; }
  .hero-points { margin: 0; padding: 0; list-style: none; display: grid; gap: 14px; font-size: 15px; }
  .hero-points li { position: relative; padding-left: 30px; color: rgba(255, 255, 255, .95); }
  .hero-points li::before {
    content: "✓"; position: absolute; left: 0; top: 1px; width: 20px; height: 20px; border-radius: 50%;
    display: grid; place-items: center; font-size: 12px; font-weight: 700; color: var(--qq); background: #fff;
  }
  .hero-art { align-self: flex-end; color: rgba(255, 255, 255, .22); line-height: 0; }
  .hero-art svg { width: 120px; height: 120px; }
}
@media (max-width: 480px) {
  :root { font-size: 15px; }
  .topbar { padding: 12px 16px; }
  .main { padding: 4px 12px 28px; }
  .card { padding: 26px 20px 24px; border-radius: 16px; }
  h1 { font-size: 22px; }
  .send-code { min-width: 104px; }
  .greeting { gap: 12px; }
}
@media (prefers-reduced-motion: reduce) {
  .spinner, .btn[aria-busy="true"]::before { animation-duration: 2.4s; }
  .btn, .input { transition: none; }
}
`;
