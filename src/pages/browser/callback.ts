/**
 * `GET /login/qq/callback`: forwards QQ's answer to `/oauth/qq/callback`, then hands the
 * login to `next` or shows the binding choices (mobile + SMS, existing account, new account).
 */
import { PATHS, type BindRequired, type LoggedIn, type LoginOutcome } from '../../contract';
import type { ErrorCode } from '../../errors';
import { api } from './api';
import { withCaptcha } from './captcha';
import { byId, setAvatar, showView } from './dom';
import { onSubmit, showErrors, type SubmitHandler } from './forms';
import { handOver, loginStart } from './handover';
import { fill, maskMobiles, t } from './page';
import { codeLocked } from './sms';
import { hasNumber, hasString, KEYS, load, save } from './storage';
import { wireTabs } from './tabs';

/** After these the bind ticket is of no use: the QQ login has to start again. */
const TICKET_ERRORS: readonly string[] = ['invalid_bind_ticket', 'qq_already_bound'] satisfies ErrorCode[];

interface SavedBind {
  ticket: string;
  qq: BindRequired['qq'];
  next: string | null;
  expiresAt: number;
}

function isSavedBind(value: unknown): value is SavedBind {
  return hasString(value, 'ticket') && hasNumber(value, 'expiresAt');
}

export function callbackPage(): void {
  let bind: SavedBind | null = null;

  function fail(message: string, title?: string): void {
    const next = bind?.next ?? loginStart()?.next ?? null;
    byId('error-title').textContent = title ?? t.errorTitle;
    byId('error-message').textContent = message;
    byId('retry-link', HTMLAnchorElement).href = next ? `/login?next=${encodeURIComponent(next)}` : '/login';
    showView('error');
  }

  function succeed(login: LoggedIn): true {
    save(KEYS.bind, null);
    showView('success');
    handOver(login.next ?? bind?.next ?? loginStart()?.next ?? '/', login);
    return true;
  }

  function showBind(saved: SavedBind): void {
    bind = saved;
    const qq = saved.qq;
    byId('bind-title').textContent = qq ? fill(t.greeting, { name: maskMobiles(qq.nickname) }) : t.greetingAnonymous;
    setAvatar(byId('qq-avatar'), qq?.avatar, qq ? qq.nickname : 'QQ');
    const nickname = byId('r-nickname', HTMLInputElement);
    if (qq && !nickname.value) nickname.value = qq.nickname;
    showView('bind');
  }

  const submitBind =
    (path: string, names: readonly string[]): SubmitHandler =>
    async (values, form) => {
      if (!bind) return;
      const payload: Record<string, string> = { bind_ticket: bind.ticket };
      for (const name of names) payload[name] = values[name] ?? '';
      const r = await withCaptcha(form, (solution) => api<LoggedIn>('POST', path, { body: { ...payload, ...solution } }));
      if (r.ok) return succeed(r.data);
      if (TICKET_ERRORS.includes(r.error.code)) {
        save(KEYS.bind, null);
        return fail(r.error.message);
      }
      if (r.error.code === 'sms_code_locked') return codeLocked(form, r.error, r.retryAfter);
      showErrors(form, r.error);
    };

  wireTabs(byId('bind-tabs'));
  onSubmit(byId('bind-mobile', HTMLFormElement), submitBind(PATHS.bind, ['mobile', 'sms_code', 'password']));
  onSubmit(byId('bind-account', HTMLFormElement), submitBind(PATHS.bindAccount, ['username', 'password']));
  onSubmit(byId('bind-register', HTMLFormElement), submitBind(PATHS.bindRegister, ['nickname', 'mobile', 'sms_code', 'password']));

  async function start(): Promise<void> {
    const query = new URLSearchParams(location.search);
    // Code and state are single use: keep them out of the history and of a reload.
    history.replaceState(null, '', location.pathname);
    if (!query.has('code')) {
      const saved = load(KEYS.bind);
      if (!query.has('state') && isSavedBind(saved) && saved.expiresAt > Date.now()) return showBind(saved);
      return fail(t.cancelledText, t.cancelledTitle);
    }
    const r = await api<LoginOutcome>('GET', `${PATHS.callback}?${query.toString()}`);
    if (!r.ok) return fail(r.error.message);
    if (r.data.status === 'logged_in') {
      succeed(r.data);
      return;
    }
    const saved: SavedBind = {
      ticket: r.data.bind_ticket,
      qq: r.data.qq,
      next: r.data.next ?? null,
      expiresAt: Date.now() + r.data.expires_in * 1000,
    };
    save(KEYS.bind, saved);
    showBind(saved);
  }
  void start();
}
