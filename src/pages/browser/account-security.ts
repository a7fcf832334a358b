/** /account's security part: change password (`PUT /users/me/password`) and log out everywhere (`POST /users/logout`). */
import { PATHS, type LoggedIn } from '../../contract';
import { api } from './api';
import { withCaptcha } from './captcha';
import { byId, setBusy, showAlert, wireConfirm } from './dom';
import { inputNamed, onSubmit, showErrors } from './forms';
import { t } from './page';
import { saveToken, savedToken } from './session';

/** `signOut` forgets the token and shows the signed-out view with a message. */
export function wireSecurity(signOut: (message?: string) => void): void {
  wirePasswordChange(signOut);
  wireLogoutEverywhere(signOut);
}

function wirePasswordChange(signOut: (message?: string) => void): void {
  const toggle = byId('change-password', HTMLButtonElement);
  const form = byId('password-change', HTMLFormElement);
  const open = (on: boolean) => {
    form.hidden = !on;
    toggle.setAttribute('aria-expanded', String(on));
    if (on) {
      inputNamed(form, 'current_password').focus();
    } else {
      form.reset();
      toggle.focus();
    }
  };
  toggle.addEventListener('click', () => open(form.hidden));
  byId('change-password-cancel').addEventListener('click', () => open(false));
  onSubmit(form, async (values) => {
    const token = savedToken();
    if (!token) return signOut();
    const r = await withCaptcha(form, (solution) =>
      api<LoggedIn>('PUT', PATHS.password, {
        token,
        body: { current_password: values.current_password, new_password: values.new_password, ...solution },
      }),
    );
    if (!r.ok && r.error.code === 'unauthorized') return signOut();
    if (!r.ok) return showErrors(form, r.error, { invalid_credentials: 'current_password' });
    // Every earlier token is revoked: this page goes on with the fresh one.
    saveToken(r.data.token, r.data.expires_in);
    open(false);
    byId('account-status').textContent = t.passwordChanged;
  });
}

function wireLogoutEverywhere(signOut: (message?: string) => void): void {
  const { confirm, yes } = wireConfirm('logout-everywhere', byId('logout-everywhere'));
  yes.addEventListener('click', async () => {
    const token = savedToken();
    setBusy(yes, true);
    const r = token === null ? null : await api<null>('POST', PATHS.logout, { token });
    setBusy(yes, false);
    // 401: the token was revoked already, which is what was asked for.
    if (r === null || r.ok || r.status === 401) return signOut(t.signedOutEverywhere);
    confirm.hidden = true;
    showAlert(byId('account-alert'), r.error.message);
  });
}
