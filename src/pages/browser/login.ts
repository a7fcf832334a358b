/** `GET /login`: the QQ button, the password form and "forgot password". */
import { PATHS, type AuthorizationStarted, type LoggedIn } from '../../contract';
import { api } from './api';
import { withCaptcha } from './captcha';
import { byId, hideAlert, isBusy, setBusy, showAlert } from './dom';
import { onSubmit, showErrors } from './forms';
import { handOver, startLogin } from './handover';
import { body } from './page';
import { wireReset } from './reset';

export function loginPage(): void {
  // Only a `next` the server's rule accepted is rendered into the page.
  const next = body.dataset.next ?? '/';
  const state = body.dataset.state ?? null;
  const qq = byId('qq-login', HTMLButtonElement);
  const qqAlert = byId('qq-alert');
  qq.addEventListener('click', async () => {
    if (isBusy(qq)) return;
    hideAlert(qqAlert);
    setBusy(qq, true);
    const query = new URLSearchParams({ next });
    // Phones get QQ's mobile page instead of its desktop QR code.
    if (onPhone()) query.set('display', 'mobile');
    const r = await api<AuthorizationStarted>('GET', `${PATHS.authorization}?${query.toString()}`);
    if (!r.ok) {
      setBusy(qq, false);
      showAlert(qqAlert, r.error.message);
      return;
    }
    startLogin(next, state);
    location.assign(r.data.login_url);
  });
  onSubmit(byId('password-form', HTMLFormElement), async (values, form) => {
    startLogin(next, state);
    const r = await withCaptcha(form, (solution) =>
      api<LoggedIn>('POST', PATHS.login, { body: { username: values.username, password: values.password, ...solution } }),
    );
    if (!r.ok) return showErrors(form, r.error);
    handOver(next, r.data);
    return true;
  });
  wireReset(next, state);
}

/** A narrow screen, or a mobile browser. */
function onPhone(): boolean {
  return matchMedia('(max-width: 640px)').matches || /Mobi|Android|iPhone|iPod|Windows Phone/i.test(navigator.userAgent);
}
