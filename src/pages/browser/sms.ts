/** The "send code" buttons beside SMS code fields, with their resend countdown. */
import { PATHS, type SmsSent } from '../../contract';
import { api } from './api';
import { byId, hideAlert } from './dom';
import { clearFieldError, formAlert, inputNamed, showErrors } from './forms';
import { fill, t } from './page';

function countdown(button: HTMLButtonElement, seconds: number): void {
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
    const r = await api<SmsSent>('POST', PATHS.smsCodes, { body: { mobile: mobile.value } });
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
