/** Small building blocks of the hosted pages. Every dynamic part is filled by their script (./browser/). */
import type { Child, FC } from 'hono/jsx';
import type { Texts } from './texts';

interface FieldProps {
  /** Unique on the page; the error and hint elements are `${id}-error` and `${id}-hint`. */
  id: string;
  name: string;
  label: string;
  type?: 'text' | 'tel' | 'password';
  autocomplete: string;
  inputmode?: 'numeric' | 'tel' | 'text';
  placeholder?: string;
  maxlength?: number;
  hint?: string;
  value?: string;
  /** Rendered beside the input (a button). */
  action?: Child;
}

export const Field: FC<FieldProps> = (p) => (
  <div class="field">
    <label for={p.id}>{p.label}</label>
    <div class={p.action ? 'control with-action' : 'control'}>
      <input
        class="input"
        id={p.id}
        name={p.name}
        type={p.type ?? 'text'}
        autocomplete={p.autocomplete}
        inputmode={p.inputmode}
        placeholder={p.placeholder}
        maxlength={p.maxlength}
        value={p.value}
        spellcheck={false}
        autocapitalize="off"
        aria-describedby={p.hint ? `${p.id}-hint ${p.id}-error` : `${p.id}-error`}
      />
      {p.action}
    </div>
    {p.hint ? (
      <p class="hint" id={`${p.id}-hint`}>
        {p.hint}
      </p>
    ) : null}
    <p class="field-error" id={`${p.id}-error`} hidden></p>
  </div>
);

export const PasswordField: FC<{ id: string; label: string; t: Texts; placeholder: string; hint?: string; isNew?: boolean; name?: string }> = (p) => (
  <Field
    id={p.id}
    name={p.name ?? 'password'}
    type="password"
    label={p.label}
    placeholder={p.placeholder}
    hint={p.hint}
    maxlength={64}
    autocomplete={p.isNew ? 'new-password' : 'current-password'}
    action={
      <button type="button" class="reveal" data-reveal={p.id} aria-pressed="false" aria-label={p.t.showPassword} title={p.t.showPassword}>
        <EyeIcon />
      </button>
    }
  />
);

export const UsernameField: FC<{ id: string; t: Texts }> = ({ id, t }) => (
  <Field id={id} name="username" label={t.username} placeholder={t.usernamePlaceholder} maxlength={64} autocomplete="username" />
);

export const MobileField: FC<{ id: string; t: Texts }> = ({ id, t }) => (
  <Field
    id={id}
    name="mobile"
    type="tel"
    inputmode="tel"
    label={t.mobile}
    placeholder={t.mobilePlaceholder}
    maxlength={20}
    autocomplete="tel-national"
  />
);

/** The SMS code input with its "send code" button, which reads the form's mobile field. */
export const SmsCodeField: FC<{ id: string; t: Texts; devHint: boolean }> = ({ id, t, devHint }) => (
  <Field
    id={id}
    name="sms_code"
    inputmode="numeric"
    label={t.smsCode}
    placeholder={t.smsCodePlaceholder}
    maxlength={6}
    autocomplete="one-time-code"
    hint={devHint ? t.devSms : undefined}
    action={
      <button type="button" class="btn btn-outline send-code" data-send-code={id}>
        {t.sendCode}
      </button>
    }
  />
);

export const Submit: FC<{ label: string; variant?: 'primary' | 'qq'; id?: string; type?: 'submit' | 'button'; children?: Child }> = (p) => (
  <button type={p.type ?? 'submit'} id={p.id} class={`btn btn-block btn-${p.variant ?? 'primary'}`}>
    {p.children}
    <span class="label">{p.label}</span>
  </button>
);

/** Where the captcha widget appears in a form when the API asks for one (empty otherwise). */
export const CaptchaBox: FC<{ t: Texts }> = ({ t }) => <div class="captcha" data-captcha-box role="group" aria-label={t.captchaLabel} hidden></div>;

/**
 * A yes/no question that opens under the button asking it (`${name}-confirm`, with
 * `${name}-yes`, the action, and `${name}-no`); see wireConfirm in the script.
 */
export const Confirm: FC<{ name: string; question: string; yes: string; no: string }> = ({ name, question, yes, no }) => (
  <div class="confirm" id={`${name}-confirm`} role="group" aria-labelledby={`${name}-question`} hidden>
    <p id={`${name}-question`}>{question}</p>
    <div class="confirm-actions">
      <button type="button" class="btn btn-danger btn-small" id={`${name}-yes`}>
        <span class="label">{yes}</span>
      </button>
      <button type="button" class="btn btn-outline btn-small" id={`${name}-no`}>
        <span class="label">{no}</span>
      </button>
    </div>
  </div>
);

/** A form-level message; role=alert announces it when the script fills it in. */
export const Alert: FC<{ id: string }> = ({ id }) => <div class="alert" id={id} role="alert" hidden></div>;

/** A round avatar: the initial shows until (and unless) the image loads. */
export const Avatar: FC<{ id: string; size?: 'lg' | 'md' }> = ({ id, size = 'md' }) => (
  <span class={`avatar avatar-${size}`} id={id} aria-hidden="true">
    <span class="avatar-initial"></span>
    <img alt="" hidden referrerpolicy="no-referrer" />
  </span>
);

export const Spinner: FC = () => <span class="spinner" aria-hidden="true"></span>;

export const QQIcon: FC = () => (
  <svg class="qq-icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
    <path
      fill="currentColor"
      d="M12 2c-3.3 0-5.6 2.6-5.6 6.2 0 .9.1 1.6.3 2.2-1.2 1.4-2.6 3.6-2.6 5.6 0 1 .3 1.5.7 1.5.4 0 1-.6 1.5-1.4.3 1.2 1 2.3 1.9 3.1-1.3.4-2.2 1.1-2.2 1.8 0 .9 1.7 1.5 3.6 1.5 1.3 0 2.3-.3 2.9-.8h.6c.6.5 1.6.8 2.9.8 1.9 0 3.6-.6 3.6-1.5 0-.7-.9-1.4-2.2-1.8.9-.8 1.6-1.9 1.9-3.1.5.8 1.1 1.4 1.5 1.4.4 0 .7-.5.7-1.5 0-2-1.4-4.2-2.6-5.6.2-.6.3-1.3.3-2.2C17.6 4.6 15.3 2 12 2z"
    />
  </svg>
);

export const EyeIcon: FC = () => (
  <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
    <path
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z"
    />
    <circle cx="12" cy="12" r="3" fill="none" stroke="currentColor" stroke-width="1.8" />
  </svg>
);

export const BrandMark: FC = () => (
  <span class="brand-mark" aria-hidden="true">
    <svg viewBox="0 0 24 24" width="18" height="18" focusable="false">
      <path fill="currentColor" d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3zm-1.2 14.2-3.5-3.5 1.4-1.4 2.1 2.1 4.9-4.9 1.4 1.4-6.3 6.3z" />
    </svg>
  </span>
);
