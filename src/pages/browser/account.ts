/**
 * `GET /account`: takes the token from the URL fragment (or storage), asks `/users/me`,
 * and shows the account with its QQ binding, or the signed-out view.
 */
import { PATHS, type Me } from '../../contract';
import { api } from './api';
import { byId, setAvatar, setBusy, showAlert, showView } from './dom';
import { fill, lang, maskMobiles, t } from './page';
import { hasNumber, hasString, KEYS, load, save } from './storage';

type Binding = Me['bindings'][number];

function takeTokenFromFragment(): void {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('token');
  if (!token) return;
  const expiresIn = Number(fragment.get('expires_in')) || 3600;
  save(KEYS.token, { token, expiresAt: Date.now() + expiresIn * 1000 });
  // The token must not stay in the address bar, the history or a bookmark.
  history.replaceState(null, '', location.pathname + location.search);
}

function savedToken(): string | null {
  const saved = load(KEYS.token);
  if (hasString(saved, 'token') && hasNumber(saved, 'expiresAt') && saved.expiresAt > Date.now()) return saved.token;
  save(KEYS.token, null);
  return null;
}

function signOut(message?: string): void {
  save(KEYS.token, null);
  byId('signed-out-status').textContent = message ?? '';
  showView('signed-out');
}

function renderBinding(qq: Binding | null): void {
  byId('qq-bound').hidden = !qq;
  byId('unbind').hidden = !qq;
  byId('qq-unbound').hidden = !!qq;
  byId('bind-qq').hidden = !!qq;
  byId('qq-unbound-hint').hidden = !!qq;
  byId('unbind-confirm').hidden = true;
  if (!qq) return;
  const nickname = maskMobiles(qq.nickname || 'QQ');
  byId('binding-nickname').textContent = nickname;
  setAvatar(byId('binding-avatar'), qq.avatar, nickname);
  const date = new Date(qq.bound_at);
  const when = isNaN(date.getTime())
    ? qq.bound_at
    : date.toLocaleDateString(
        lang === 'en' ? 'en-US' : 'zh-CN',
        lang === 'en' ? { dateStyle: 'medium' } : { year: 'numeric', month: '2-digit', day: '2-digit' },
      );
  byId('binding-date').textContent = fill(t.boundAt, { date: when });
}

/** The heading, avatar and facts; an account without a nickname or avatar of its own goes by its QQ profile. */
function renderProfile(me: Me): void {
  const user = me.user;
  const qq = me.bindings.find((b) => b.provider === 'qq') ?? null;
  const name = maskMobiles(user.nickname || qq?.nickname || user.username);
  byId('account-title').textContent = name;
  setAvatar(byId('user-avatar'), user.avatar || qq?.avatar, name);
  byId('fact-username').textContent = maskMobiles(user.username);
  byId('fact-mobile').textContent = user.mobile || t.notSet;
  byId('fact-id').textContent = String(user.id);
  renderBinding(qq);
}

function wireUnbind(me: Me, token: string): void {
  const status = byId('account-status');
  const unbind = byId('unbind', HTMLButtonElement);
  const confirm = byId('unbind-confirm');
  const yes = byId('unbind-yes', HTMLButtonElement);
  unbind.addEventListener('click', () => {
    confirm.hidden = false;
    byId('unbind-no').focus();
  });
  byId('unbind-no').addEventListener('click', () => {
    confirm.hidden = true;
    unbind.focus();
  });
  yes.addEventListener('click', async () => {
    setBusy(yes, true);
    const result = await api<null>('DELETE', PATHS.qqBinding, { token });
    setBusy(yes, false);
    if (result.status === 401) return signOut();
    if (!result.ok && result.status !== 404) {
      confirm.hidden = true;
      return showAlert(byId('account-alert'), result.error.message);
    }
    renderProfile({ ...me, bindings: [] });
    status.textContent = t.unbound;
    byId('bind-qq').focus();
  });
}

export function accountPage(): void {
  async function start(): Promise<void> {
    takeTokenFromFragment();
    const token = savedToken();
    if (!token) return showView('signed-out');
    const r = await api<Me>('GET', PATHS.me, { token });
    if (r.status === 401) return signOut();
    if (!r.ok) {
      showView('account');
      return showAlert(byId('account-alert'), r.error.message);
    }
    renderProfile(r.data);
    showView('account');
    wireUnbind(r.data, token);
    byId('logout').addEventListener('click', () => signOut(t.signedOut));
  }
  void start();
}
