/**
 * `/assets/login.js`: the one script of the hosted pages, served as is (no build step), so
 * it is plain modern JavaScript. It only talks to this worker's JSON routes, sets text
 * with textContent (never HTML), and navigates only to a `next` the server accepted.
 */
export const LOGIN_JS = String.raw`(() => {
  'use strict';

  const body = document.body;
  const lang = document.documentElement.lang.startsWith('en') ? 'en' : 'zh';
  const t = JSON.parse(body.dataset.t || '{}');

  const TOKEN_KEY = 'qq-login.token';
  const NEXT_KEY = 'qq-login.next';
  const BIND_KEY = 'qq-login.bind';

  // Errors that are about one input, shown next to it.
  const FIELD_OF_CODE = {
    invalid_sms_code: 'sms_code',
    sms_code_locked: 'sms_code',
    sms_too_frequent: 'sms_code',
    sms_send_failed: 'sms_code',
    invalid_credentials: 'password',
    mobile_taken: 'mobile',
    nickname_taken: 'nickname',
  };
  // After these the bind ticket is of no use: the QQ login has to start again.
  const TICKET_ERRORS = ['invalid_bind_ticket', 'qq_already_bound'];

  const byId = (id) => document.getElementById(id);
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));

  // ---- storage (may be disabled; the page still works for this visit) ----

  function save(area, key, value) {
    try {
      const storage = window[area];
      if (value === null) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(value));
    } catch (err) {
      /* storage unavailable */
    }
  }

  function load(area, key) {
    try {
      const text = window[area].getItem(key);
      return text === null ? null : JSON.parse(text);
    } catch (err) {
      return null;
    }
  }

  // ---- the JSON API ----

  async function api(method, path, options) {
    const opts = options || {};
    const headers = { Accept: 'application/json', 'Accept-Language': lang === 'en' ? 'en' : 'zh-CN' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
    let res;
    try {
      res = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (err) {
      return { ok: false, status: 0, data: null, error: { code: 'network', message: t.network }, retryAfter: 0 };
    }
    let data = null;
    if ((res.headers.get('content-type') || '').includes('application/json')) {
      try {
        data = await res.json();
      } catch (err) {
        data = null;
      }
    }
    const error = res.ok ? null : (data && data.error) || { code: 'http_' + res.status, message: t.unexpected };
    return { ok: res.ok, status: res.status, data, error, retryAfter: Number(res.headers.get('retry-after')) || 0 };
  }

  /** Goes to next with the token in the fragment, which is never sent to a server. */
  function handOver(next, login) {
    const url = new URL(next, location.origin);
    url.hash = 'token=' + encodeURIComponent(login.token) + '&expires_in=' + encodeURIComponent(String(login.expires_in));
    // replace: Back must not return to a page whose code or ticket is spent.
    location.replace(url.href);
  }

  // ---- views, alerts, busy buttons ----

  function showView(name) {
    for (const view of document.querySelectorAll('[data-view]')) view.hidden = view.dataset.view !== name;
    const heading = document.querySelector('[data-view="' + name + '"] h1');
    if (!heading) return;
    if (body.dataset.page === 'callback') document.title = heading.textContent + ' · ' + document.title.split(' · ').pop();
    // Moves screen readers (and the keyboard) to what just appeared.
    if (heading.hasAttribute('tabindex')) heading.focus();
  }

  function showAlert(el, message) {
    el.textContent = message;
    el.hidden = false;
  }

  function hideAlert(el) {
    el.textContent = '';
    el.hidden = true;
  }

  function setBusy(button, busy) {
    const label = button.querySelector('.label') || button;
    if (busy) {
      if (!button.dataset.label) button.dataset.label = label.textContent;
      label.textContent = t.working;
      button.setAttribute('aria-busy', 'true');
      button.disabled = true;
    } else {
      if (button.dataset.label) label.textContent = button.dataset.label;
      button.removeAttribute('aria-busy');
      button.disabled = false;
    }
  }

  // A page restored from the back/forward cache must not keep a spinning button.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    for (const button of document.querySelectorAll('button[aria-busy="true"]')) setBusy(button, false);
  });

  // ---- avatars ----

  function setAvatar(el, url, name) {
    const img = el.querySelector('img');
    el.querySelector('.avatar-initial').textContent = (Array.from(name || '').find((ch) => ch.trim()) || '?').toUpperCase();
    img.hidden = true;
    if (typeof url !== 'string' || !/^https:\/\//i.test(url)) {
      img.removeAttribute('src');
      return;
    }
    img.onload = () => {
      img.hidden = false;
    };
    img.onerror = () => {
      img.hidden = true;
    };
    img.src = url;
  }

  // ---- forms ----

  function fieldError(input, message) {
    const el = byId(input.id + '-error');
    input.setAttribute('aria-invalid', 'true');
    if (el) {
      el.textContent = message;
      el.hidden = false;
    }
  }

  function clearFieldError(input) {
    const el = byId(input.id + '-error');
    input.removeAttribute('aria-invalid');
    if (el) {
      el.textContent = '';
      el.hidden = true;
    }
  }

  function clearErrors(form) {
    for (const input of form.querySelectorAll('input')) clearFieldError(input);
    const alert = form.querySelector('.alert');
    if (alert) hideAlert(alert);
  }

  /** Puts each error next to its field; what belongs to no field goes to the form's alert. */
  function showErrors(form, error) {
    const entries = Object.entries(error.code === 'invalid_request' && error.fields ? error.fields : {});
    const own = FIELD_OF_CODE[error.code];
    if (own) entries.push([own, error.message]);
    let first = null;
    let unplaced = entries.length === 0;
    for (const [name, message] of entries) {
      const input = form.elements.namedItem(name);
      if (input instanceof HTMLInputElement) {
        fieldError(input, message);
        first = first || input;
      } else {
        unplaced = true;
      }
    }
    const alert = form.querySelector('.alert');
    if (unplaced && alert) showAlert(alert, error.message);
    if (first) first.focus();
  }

  function formValues(form) {
    const values = {};
    for (const [name, value] of new FormData(form)) values[name] = typeof value === 'string' ? value : '';
    return values;
  }

  /** handler(values, form) returns true when it navigates away (the button stays busy). */
  function onSubmit(form, handler) {
    const button = form.querySelector('button[type="submit"]');
    form.addEventListener('input', (event) => {
      if (event.target instanceof HTMLInputElement) clearFieldError(event.target);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (button.getAttribute('aria-busy') === 'true') return;
      clearErrors(form);
      setBusy(button, true);
      let leaving = false;
      try {
        leaving = (await handler(formValues(form), form)) === true;
      } finally {
        if (!leaving) setBusy(button, false);
      }
    });
  }

  function wireReveal(button) {
    const input = byId(button.dataset.reveal);
    button.addEventListener('click', () => {
      const show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      input.toggleAttribute('data-revealed', show);
      button.setAttribute('aria-pressed', String(show));
      button.setAttribute('aria-label', show ? t.hidePassword : t.showPassword);
      button.title = show ? t.hidePassword : t.showPassword;
    });
  }

  // ---- SMS codes ----

  function countdown(button, seconds) {
    const until = Date.now() + seconds * 1000;
    button.disabled = true;
    const tick = () => {
      const left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) {
        button.disabled = false;
        button.textContent = t.resend;
        return;
      }
      button.textContent = fill(t.resendIn, { s: left });
      setTimeout(tick, 250);
    };
    tick();
  }

  function wireSendCode(button) {
    const form = button.form;
    const mobile = form.elements.namedItem('mobile');
    const code = byId(button.dataset.sendCode);
    const idle = button.textContent;
    button.addEventListener('click', async () => {
      clearFieldError(mobile);
      clearFieldError(code);
      hideAlert(form.querySelector('.alert'));
      button.disabled = true;
      button.textContent = t.sending;
      const r = await api('POST', '/sms/codes', { body: { mobile: mobile.value } });
      if (r.ok) {
        countdown(button, r.data.resend_after);
        byId(code.id + '-error').hidden = true;
        code.focus();
        announce(form, t.codeSent);
        return;
      }
      if (r.error.code === 'sms_too_frequent') countdown(button, r.retryAfter || 60);
      else {
        button.disabled = false;
        button.textContent = idle;
      }
      showErrors(form, r.error);
    });
  }

  /** A short success note under the SMS code field, read out by screen readers. */
  function announce(form, message) {
    let note = form.querySelector('.sent-note');
    if (!note) {
      note = document.createElement('p');
      note.className = 'hint sent-note';
      note.setAttribute('role', 'status');
      form.querySelector('[name="sms_code"]').closest('.field').append(note);
    }
    note.textContent = message;
  }

  // ---- tabs (WAI-ARIA tabs: arrows, Home and End move between them) ----

  function wireTabs(list) {
    const tabs = Array.from(list.querySelectorAll('[role="tab"]'));
    const select = (tab, focus) => {
      for (const other of tabs) {
        const on = other === tab;
        other.setAttribute('aria-selected', String(on));
        other.tabIndex = on ? 0 : -1;
        byId(other.getAttribute('aria-controls')).hidden = !on;
      }
      if (focus) tab.focus();
    };
    list.addEventListener('click', (event) => {
      const tab = event.target.closest('[role="tab"]');
      if (tab) select(tab, false);
    });
    list.addEventListener('keydown', (event) => {
      const at = tabs.indexOf(document.activeElement);
      const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (at < 0 || to === undefined) return;
      event.preventDefault();
      select(tabs[(to + tabs.length) % tabs.length], true);
    });
  }

  // ---- GET /login ----

  function loginPage() {
    const next = body.dataset.next || '/';
    const qq = byId('qq-login');
    const qqAlert = byId('qq-alert');
    qq.addEventListener('click', async () => {
      if (qq.getAttribute('aria-busy') === 'true') return;
      hideAlert(qqAlert);
      setBusy(qq, true);
      const r = await api('GET', '/oauth/qq/authorization?next=' + encodeURIComponent(next));
      if (!r.ok) {
        setBusy(qq, false);
        showAlert(qqAlert, r.error.message);
        return;
      }
      // For the retry link, should QQ's page send the browser back with an error.
      save('sessionStorage', NEXT_KEY, next);
      location.assign(r.data.login_url);
    });
    onSubmit(byId('password-form'), async (values, form) => {
      const r = await api('POST', '/users/login', { body: { username: values.username, password: values.password } });
      if (!r.ok) return showErrors(form, r.error);
      handOver(next, r.data);
      return true;
    });
  }

  // ---- GET /login/qq/callback ----

  function callbackPage() {
    let bind = null;

    function fail(message, title) {
      const next = (bind && bind.next) || load('sessionStorage', NEXT_KEY);
      byId('error-title').textContent = title || t.errorTitle;
      byId('error-message').textContent = message;
      byId('retry-link').href = next ? '/login?next=' + encodeURIComponent(next) : '/login';
      showView('error');
    }

    function succeed(login) {
      save('sessionStorage', BIND_KEY, null);
      showView('success');
      handOver(login.next || (bind && bind.next) || '/', login);
      return true;
    }

    function showBind(saved) {
      bind = saved;
      const qq = saved.qq;
      byId('bind-title').textContent = qq ? fill(t.greeting, { name: qq.nickname }) : t.greetingAnonymous;
      setAvatar(byId('qq-avatar'), qq && qq.avatar, qq ? qq.nickname : 'QQ');
      const nickname = byId('r-nickname');
      if (qq && !nickname.value) nickname.value = qq.nickname;
      showView('bind');
    }

    const submitBind = (path, names) => async (values, form) => {
      const payload = { bind_ticket: bind.ticket };
      for (const name of names) payload[name] = values[name] || '';
      const r = await api('POST', path, { body: payload });
      if (r.ok) return succeed(r.data);
      if (TICKET_ERRORS.includes(r.error.code)) {
        save('sessionStorage', BIND_KEY, null);
        return fail(r.error.message);
      }
      showErrors(form, r.error);
    };

    wireTabs(byId('bind-tabs'));
    onSubmit(byId('bind-mobile'), submitBind('/oauth/qq/bind', ['mobile', 'sms_code', 'password']));
    onSubmit(byId('bind-account'), submitBind('/oauth/qq/bind/account', ['username', 'password']));
    onSubmit(byId('bind-register'), submitBind('/oauth/qq/bind/register', ['nickname', 'mobile', 'sms_code', 'password']));

    async function start() {
      const query = new URLSearchParams(location.search);
      // Code and state are single use: keep them out of the history and of a reload.
      history.replaceState(null, '', location.pathname);
      if (!query.has('code')) {
        const saved = load('sessionStorage', BIND_KEY);
        if (!query.has('state') && saved && saved.expiresAt > Date.now()) return showBind(saved);
        return fail(t.cancelledText, t.cancelledTitle);
      }
      const r = await api('GET', '/oauth/qq/callback?' + query.toString());
      if (!r.ok) return fail(r.error.message);
      if (r.data.status === 'logged_in') return succeed(r.data);
      const saved = {
        ticket: r.data.bind_ticket,
        qq: r.data.qq,
        next: r.data.next || null,
        expiresAt: Date.now() + r.data.expires_in * 1000,
      };
      // So that a reload or a language switch can show the choices again.
      save('sessionStorage', BIND_KEY, saved);
      showBind(saved);
    }
    start();
  }

  // ---- GET /account ----

  function accountPage() {
    const status = byId('account-status');

    function takeTokenFromFragment() {
      const fragment = new URLSearchParams(location.hash.slice(1));
      const token = fragment.get('token');
      if (!token) return;
      const expiresIn = Number(fragment.get('expires_in')) || 3600;
      save('sessionStorage', TOKEN_KEY, { token, expiresAt: Date.now() + expiresIn * 1000 });
      // The token must not stay in the address bar, the history or a bookmark.
      history.replaceState(null, '', location.pathname + location.search);
    }

    function savedToken() {
      const saved = load('sessionStorage', TOKEN_KEY);
      if (saved && typeof saved.token === 'string' && saved.expiresAt > Date.now()) return saved.token;
      save('sessionStorage', TOKEN_KEY, null);
      return null;
    }

    function signOut(message) {
      save('sessionStorage', TOKEN_KEY, null);
      byId('signed-out-status').textContent = message || '';
      showView('signed-out');
    }

    function renderBinding(qq) {
      byId('qq-bound').hidden = !qq;
      byId('unbind').hidden = !qq;
      byId('qq-unbound').hidden = !!qq;
      byId('bind-qq').hidden = !!qq;
      byId('qq-unbound-hint').hidden = !!qq;
      byId('unbind-confirm').hidden = true;
      if (!qq) return;
      byId('binding-nickname').textContent = qq.nickname || 'QQ';
      setAvatar(byId('binding-avatar'), qq.avatar, qq.nickname || 'QQ');
      const date = new Date(qq.bound_at);
      const when = isNaN(date.getTime()) ? qq.bound_at : date.toLocaleDateString(lang === 'en' ? 'en-US' : 'zh-CN', lang === 'en' ? { dateStyle: 'medium' } : { year: 'numeric', month: '2-digit', day: '2-digit' });
      byId('binding-date').textContent = fill(t.boundAt, { date: when });
    }

    function render(me) {
      const user = me.user;
      const qq = (me.bindings || []).find((b) => b.provider === 'qq') || null;
      const name = user.nickname || user.username;
      byId('account-title').textContent = name;
      setAvatar(byId('user-avatar'), user.avatar || (qq && qq.avatar), name);
      byId('fact-username').textContent = user.username;
      byId('fact-mobile').textContent = user.mobile || t.notSet;
      byId('fact-id').textContent = String(user.id);
      renderBinding(qq);
      showView('account');
    }

    async function start() {
      takeTokenFromFragment();
      const token = savedToken();
      if (!token) return showView('signed-out');
      const r = await api('GET', '/users/me', { token });
      if (r.status === 401) return signOut();
      if (!r.ok) {
        showView('account');
        return showAlert(byId('account-alert'), r.error.message);
      }
      render(r.data);

      const unbind = byId('unbind');
      const confirm = byId('unbind-confirm');
      unbind.addEventListener('click', () => {
        confirm.hidden = false;
        byId('unbind-no').focus();
      });
      byId('unbind-no').addEventListener('click', () => {
        confirm.hidden = true;
        unbind.focus();
      });
      byId('unbind-yes').addEventListener('click', async (event) => {
        const yes = event.currentTarget;
        setBusy(yes, true);
        const result = await api('DELETE', '/users/me/bindings/qq', { token });
        setBusy(yes, false);
        if (result.status === 401) return signOut();
        if (!result.ok && result.status !== 404) {
          confirm.hidden = true;
          return showAlert(byId('account-alert'), result.error.message);
        }
        renderBinding(null);
        status.textContent = t.unbound;
        byId('bind-qq').focus();
      });
      byId('logout').addEventListener('click', () => signOut(t.signedOut));
    }
    start();
  }

  for (const button of document.querySelectorAll('[data-reveal]')) wireReveal(button);
  for (const button of document.querySelectorAll('[data-send-code]')) wireSendCode(button);
  const pages = { login: loginPage, callback: callbackPage, account: accountPage };
  const page = pages[body.dataset.page];
  if (page) page();
})();
`;
