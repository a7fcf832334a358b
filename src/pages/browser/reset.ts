/** "Forgot password" on /login: mobile + SMS code + new password (`POST /users/password/reset`), which also signs in. */
import { PATHS, type LoggedIn } from '../../contract';
import { api } from './api';
import { withCaptcha } from './captcha';
import { byId, showView } from './dom';
import { inputNamed, onSubmit, showErrors } from './forms';
import { handOver, startLogin } from './handover';
import { t } from './page';
import { codeLocked } from './sms';

export function wireReset(next: string, state: string | null): void {
  const form = byId('reset-form', HTMLFormElement);
  byId('forgot-password').addEventListener('click', () => {
    // A mobile typed as the username is the one to reset.
    const username = inputNamed(byId('password-form', HTMLFormElement), 'username').value.trim();
    const mobile = inputNamed(form, 'mobile');
    if (!mobile.value && /^1[3-9]\d{9}$/.test(username)) mobile.value = username;
    showView('reset');
  });
  byId('back-to-sign-in').addEventListener('click', () => showView('sign-in'));
  onSubmit(form, async (values) => {
    startLogin(next, state);
    const r = await withCaptcha(form, (solution) =>
      api<LoggedIn>('POST', PATHS.passwordReset, {
        body: { mobile: values.mobile, sms_code: values.sms_code, new_password: values.new_password, ...solution },
      }),
    );
    if (r.ok) {
      handOver(next, r.data);
      return true;
    }
    if (r.error.code === 'sms_code_locked') return codeLocked(form, r.error, r.retryAfter);
    // Here the code checked out, but no account has this mobile.
    if (r.error.code === 'invalid_credentials') return showErrors(form, { ...r.error, message: t.resetNoAccount }, { invalid_credentials: 'mobile' });
    showErrors(form, r.error);
  });
}
