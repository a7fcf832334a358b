// The fake widget scripts the hosted pages load in place of the real ones: Turnstile's
// api.js (`turnstile.render(el, { sitekey, callback })` or `.cf-turnstile` elements) and
// Tencent's TCaptcha.js (`new TencentCaptcha(appId, callback).show()`). Like the real
// widgets, each draws an iframe from the script's own origin (so a page's CSP needs
// exactly that origin in script-src and frame-src); the iframe's button gets an answer
// from the fake (challenge.ts) and posts it to the script, which calls the page back.

/** Turnstile's api.js: the callback gets a token the fake siteverify accepts once. */
export const TURNSTILE_SCRIPT = `(() => {
  const script = document.currentScript;
  const src = new URL(script.src);
  const base = new URL('.', src);
  const widgets = new Map();
  let seq = 0;
  const fn = (cb) => (typeof cb === 'function' ? cb : typeof cb === 'string' && typeof window[cb] === 'function' ? window[cb] : null);
  const call = (cb, arg) => { const f = fn(cb); if (f) f(arg); };
  const fromData = (el) => ({
    sitekey: el.dataset.sitekey,
    callback: el.dataset.callback,
    'error-callback': el.dataset.errorCallback,
    'expired-callback': el.dataset.expiredCallback,
  });
  function frameFor(id, w) {
    const frame = document.createElement('iframe');
    frame.src = base + 'challenge?' + new URLSearchParams({ app: w.params.sitekey || '', id });
    frame.title = 'Widget containing a Cloudflare security challenge';
    frame.style.cssText = 'width:300px;height:65px;border:0;display:block';
    return frame;
  }
  function render(container, params) {
    const el = typeof container === 'string' ? document.querySelector(container) : container;
    if (!el) throw new Error('turnstile: container not found');
    const id = 'cf-chl-widget-fake' + ++seq;
    const w = { el, params: Object.assign(fromData(el), params || {}), token: '' };
    w.frame = frameFor(id, w);
    w.input = document.createElement('input');
    w.input.type = 'hidden';
    w.input.name = 'cf-turnstile-response';
    el.append(w.frame, w.input);
    widgets.set(id, w);
    return id;
  }
  const pick = (id) => (id === undefined ? widgets.values().next().value : widgets.get(id));
  window.addEventListener('message', (event) => {
    const data = event.data;
    if (event.origin !== base.origin || !data || data.source !== 'fake-captcha') return;
    const w = widgets.get(data.id);
    if (!w || event.source !== w.frame.contentWindow) return;
    if (data.event === 'error') return call(w.params['error-callback'], data.code);
    w.token = data.ticket;
    w.input.value = data.ticket;
    call(w.params.callback, data.ticket);
  });
  window.turnstile = {
    render,
    ready: (cb) => cb(),
    getResponse: (id) => pick(id)?.token,
    isExpired: () => false,
    reset(id) {
      const w = pick(id);
      if (!w) return;
      w.token = '';
      w.input.value = '';
      const fresh = frameFor([...widgets].find(([, v]) => v === w)[0], w);
      w.frame.replaceWith(fresh);
      w.frame = fresh;
    },
    remove(id) {
      const w = widgets.get(id);
      if (!w) return;
      w.frame.remove();
      w.input.remove();
      widgets.delete(id);
    },
  };
  const start = () => {
    if (src.searchParams.get('render') !== 'explicit') document.querySelectorAll('.cf-turnstile').forEach((el) => render(el));
    const onload = src.searchParams.get('onload');
    if (onload) call(onload);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;

/** Tencent's TCaptcha.js: the callback gets { ret: 0, ticket, randstr } the fake DescribeCaptchaResult accepts once. */
export const TCAPTCHA_SCRIPT = `(() => {
  const base = new URL('.', document.currentScript.src);
  let seq = 0;
  function TencentCaptcha(appId, callback, options) {
    if (appId instanceof Element) {
      const el = appId;
      [appId, callback, options] = [callback, options, arguments[3]];
      el.addEventListener('click', () => this.show());
    }
    this.appId = String(appId);
    this.callback = callback;
    this.options = options || {};
    this.id = 'tcaptcha-fake' + ++seq;
  }
  TencentCaptcha.prototype.show = function () {
    if (this.overlay) return;
    const answer = (result) => {
      this.destroy();
      this.callback(Object.assign({ appid: this.appId, bizState: this.options.bizState }, result));
    };
    this.overlay = document.createElement('div');
    this.overlay.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:2147483647';
    const box = document.createElement('div');
    box.style.cssText = 'background:#fff;padding:12px;border-radius:6px;display:flex;flex-direction:column;gap:8px';
    const frame = document.createElement('iframe');
    frame.src = base + 'challenge?' + new URLSearchParams({ app: this.appId, id: this.id });
    frame.title = '验证码';
    frame.style.cssText = 'width:300px;height:65px;border:0';
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '关闭验证';
    close.addEventListener('click', () => answer({ ret: 2, ticket: null, randstr: null }));
    box.append(frame, close);
    this.overlay.append(box);
    document.body.append(this.overlay);
    this.listener = (event) => {
      const data = event.data;
      if (event.origin !== base.origin || event.source !== frame.contentWindow || !data || data.source !== 'fake-captcha' || data.id !== this.id) return;
      if (data.event === 'error') return answer({ ret: 0, ticket: 'terror_1001_' + this.appId, randstr: '@' + seq, errorCode: 1001, errorMessage: data.code });
      answer({ ret: 0, ticket: data.ticket, randstr: data.randstr });
    };
    window.addEventListener('message', this.listener);
  };
  TencentCaptcha.prototype.destroy = function () {
    if (this.overlay) this.overlay.remove();
    if (this.listener) window.removeEventListener('message', this.listener);
    this.overlay = null;
    this.listener = null;
  };
  window.TencentCaptcha = TencentCaptcha;
})();
`;
