/** Forms: errors next to their fields, submitting through a handler, revealing passwords. */
import type { ApiError } from './api';
import { byId, hideAlert, isBusy, setBusy, showAlert } from './dom';
import { t } from './page';

export type FieldOfCode = Partial<Record<ApiError['code'], string>>;

/** Errors that are about one input, shown next to it. */
const FIELD_OF_CODE: FieldOfCode = {
  invalid_sms_code: 'sms_code',
  sms_code_locked: 'sms_code',
  sms_too_frequent: 'sms_code',
  sms_send_failed: 'sms_code',
  invalid_credentials: 'password',
  mobile_taken: 'mobile',
  nickname_taken: 'nickname',
};

export type FormValues = Record<string, string>;

/** Returns true when it navigates away (the button then stays busy). */
export type SubmitHandler = (values: FormValues, form: HTMLFormElement) => Promise<boolean | void>;

export function fieldError(input: HTMLInputElement, message: string): void {
  const el = document.getElementById(`${input.id}-error`);
  input.setAttribute('aria-invalid', 'true');
  if (el) {
    el.textContent = message;
    el.hidden = false;
  }
}

export function clearFieldError(input: HTMLInputElement): void {
  const el = document.getElementById(`${input.id}-error`);
  input.removeAttribute('aria-invalid');
  if (el) {
    el.textContent = '';
    el.hidden = true;
  }
}

export function formAlert(form: HTMLFormElement): HTMLElement | null {
  return form.querySelector<HTMLElement>('.alert');
}

/** The form's input named `name`. */
export function inputNamed(form: HTMLFormElement, name: string): HTMLInputElement {
  const input = form.elements.namedItem(name);
  if (!(input instanceof HTMLInputElement)) throw new Error(`#${form.id} has no input ${name}`);
  return input;
}

function clearErrors(form: HTMLFormElement): void {
  for (const input of form.querySelectorAll('input')) clearFieldError(input);
  hideAlert(formAlert(form));
}

/**
 * Puts each error next to its field; what belongs to no field goes to the form's alert.
 * `fieldOf` places this form's codes where they differ from the usual.
 */
export function showErrors(form: HTMLFormElement, error: ApiError, fieldOf: FieldOfCode = {}): void {
  const entries = Object.entries(error.code === 'invalid_request' && error.fields ? error.fields : {});
  const own = fieldOf[error.code] ?? FIELD_OF_CODE[error.code];
  if (own) entries.push([own, error.message]);
  let first: HTMLInputElement | null = null;
  let unplaced = entries.length === 0;
  for (const [name, message] of entries) {
    const input = form.elements.namedItem(name);
    if (input instanceof HTMLInputElement) {
      fieldError(input, message);
      first = first ?? input;
    } else {
      unplaced = true;
    }
  }
  const alert = formAlert(form);
  if (unplaced && alert) showAlert(alert, error.message);
  if (first) first.focus();
}

function formValues(form: HTMLFormElement): FormValues {
  const values: FormValues = {};
  for (const [name, value] of new FormData(form)) values[name] = typeof value === 'string' ? value : '';
  return values;
}

export function onSubmit(form: HTMLFormElement, handler: SubmitHandler): void {
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (!button) throw new Error(`#${form.id} has no submit button`);
  form.addEventListener('input', (event) => {
    if (event.target instanceof HTMLInputElement) clearFieldError(event.target);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(button)) return;
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

/** The eye button beside a password field. */
export function wireReveal(button: HTMLButtonElement): void {
  const input = byId(button.dataset.reveal ?? '', HTMLInputElement);
  button.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    input.toggleAttribute('data-revealed', show);
    button.setAttribute('aria-pressed', String(show));
    button.setAttribute('aria-label', show ? t.hidePassword : t.showPassword);
    button.title = show ? t.hidePassword : t.showPassword;
  });
}
