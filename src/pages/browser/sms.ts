/** The "send code" buttons beside SMS code fields, with their resend countdown. */
import { PATHS, type SmsSent } from '../../contract';
import { api, type ApiError } from './api';
import { captchaNotDone, captchaOn, solveCaptcha } from './captcha';
import { byId, hideAlert } from './dom';
import { clearFieldError, formAlert, inputNamed, showErrors } from './forms';
import { fill, lang, t } from './page';

/** The running countdown of each button, so that a locked code can stop it. */
const timers = new WeakMap<HTMLButtonElement, ReturnType<typeof setTimeout>>();

function stopCountdown(button: HTMLButtonElement): void {
  clearTimeout(timers.get(button));
  timers.delete(button);
}

function countdown(button: HTMLButtonElement, seconds: number): void {
  stopCountdown(button);
  const until = Date.now() + seconds * 1000;
  button.disabled = true;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left <= 0) {
      timers.delete(button);
      button.disabled = false;
      button.textContent = t.resend;
      return;
    }
    button.textContent = fill(t.resendIn, { s: left });
    timers.set(button, setTimeout(tick, 250));
  };
  tick();
}

/** `button` sends a code to its form's mobile; `data-send-code` names the code input. */
export function wireSendCode(button: HTMLButtonElement): void {
  const form = button.form;
  if (!form) throw new Error('a send-code button outside a form');
  const mobile = inputNamed(form, 'mobile');
  const code = byId(button.dataset.sendCode ?? '', HTMLInputElement);
  const idle = button.textContent ?? '';
  button.addEventListener('click', async () => {
    clearFieldError(mobile);
    clearFieldError(code);
    hideAlert(formAlert(form));
    button.disabled = true;
    button.textContent = t.sending;
    // With a captcha provider, every SMS needs a solved captcha first.
    const solution = captchaOn ? await solveCaptcha(form) : null;
    const r = captchaOn && solution === null ? captchaNotDone<SmsSent>() : await api<SmsSent>('POST', PATHS.smsCodes, { body: { mobile: mobile.value, ...solution } });
    if (r.ok) {
      countdown(button, r.data.resend_after);
      byId(`${code.id}-error`).hidden = true;
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

/**
 * The form's code is locked (`sms_code_locked`): the "sent" note and the countdown go, the
 * code is cleared, and the error says what to do: request a new code now or, when the
 * mobile is locked for a while (Retry-After), when.
 */
export function codeLocked(form: HTMLFormElement, error: ApiError, retryAfter: number): void {
  form.querySelector('.sent-note')?.remove();
  const code = inputNamed(form, 'sms_code');
  code.value = '';
  const button = form.querySelector<HTMLButtonElement>('button[data-send-code]');
  if (button) {
    stopCountdown(button);
    button.textContent = t.resend;
    button.disabled = retryAfter > 0;
    // Re-enabled, without ticking, once the lock ends.
    if (retryAfter > 0) timers.set(button, setTimeout(() => (button.disabled = false), retryAfter * 1000));
  }
  const message = retryAfter > 0 ? fill(t.codeLockedWait, { time: inTime(retryAfter) }) : error.message;
  showErrors(form, { ...error, message });
  if (button && !button.disabled) button.focus();
}

/** "in 3 hours", "3小时后": the largest whole unit, rounded up. */
function inTime(seconds: number): string {
  const format = new Intl.RelativeTimeFormat(lang === 'en' ? 'en' : 'zh-CN', { numeric: 'always' });
  if (seconds < 60) return format.format(Math.ceil(seconds), 'second');
  if (seconds < 3600) return format.format(Math.ceil(seconds / 60), 'minute');
  return format.format(Math.ceil(seconds / 3600), 'hour');
}

/** A short success note under the SMS code field, read out by screen readers. */
function announce(form: HTMLFormElement, message: string): void {
  let note = form.querySelector('.sent-note');
  if (!note) {
    note = document.createElement('p');
    note.className = 'hint sent-note';
    note.setAttribute('role', 'status');
    inputNamed(form, 'sms_code').closest('.field')?.append(note);
  }
  note.textContent = message;
}
