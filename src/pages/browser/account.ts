/**
 * `GET /account`: takes the token from the URL fragment (only from a login this browser
 * started) or from storage, asks `/users/me`, and shows the account with its QQ binding
 * and security settings, or the signed-out view.
 */
import { PATHS, type Me } from '../../contract';
import { wireSecurity } from './account-security';
import { api } from './api';
import { byId, setAvatar, setBusy, showAlert, showView, wireConfirm } from './dom';
import { takeFragmentLogin } from './handover';
import { fill, lang, maskMobiles, t } from './page';
import { forgetToken, saveToken, savedToken } from './session';

type Binding = Me['bindings'][number];

function signOut(message?: string): void {
  forgetToken();
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

function wireUnbind(me: Me): void {
  const status = byId('account-status');
  const { confirm, yes } = wireConfirm('unbind', byId('unbind'));
  yes.addEventListener('click', async () => {
    const token = savedToken();
    if (!token) return signOut();
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
  // A link to this page with a token in its fragment, followed from this page, does not
  // reload it: it is read (and refused, unless this browser started it) all the same.
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(location.hash.slice(1)).has('token')) location.reload();
  });
  async function start(): Promise<void> {
    const arrived = takeFragmentLogin();
    if (arrived !== null && arrived !== 'refused') saveToken(arrived.token, arrived.expiresIn);
    // A token this browser did not ask for is ignored, whoever's it is.
    const refused = arrived === 'refused' ? t.plantedToken : '';
    const token = savedToken();
    if (!token) return signOut(refused);
    const r = await api<Me>('GET', PATHS.me, { token });
    if (r.status === 401) return signOut(refused);
    if (!r.ok) {
      showView('account');
      return showAlert(byId('account-alert'), r.error.message);
    }
    renderProfile(r.data);
    showView('account');
    byId('account-status').textContent = refused;
    wireUnbind(r.data);
    wireSecurity(signOut);
    byId('logout').addEventListener('click', () => signOut(t.signedOut));
  }
  void start();
}
