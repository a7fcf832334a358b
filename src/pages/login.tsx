import type { FC } from 'hono/jsx';
import { Alert, CaptchaBox, MobileField, PasswordField, QQIcon, SmsCodeField, Submit, UsernameField } from './components';
import type { Texts } from './texts';

interface Props {
  t: Texts;
  /** The console SMS provider is on: say where the code is. */
  devSms: boolean;
}

/** `GET /login`: the QQ button, the password form and "forgot password"; `next` and `state` travel in the body's data. */
export const LoginPage: FC<Props> = ({ t, devSms }) => (
  <>
    <Hero t={t} />
    <section class="card-body">
      <SignIn t={t} />
      <ResetPassword t={t} devSms={devSms} />
    </section>
  </>
);

/** The blue panel beside the forms on wide screens (hidden on phones). */
const Hero: FC<{ t: Texts }> = ({ t }) => (
  <aside class="hero">
    <div>
      <p class="hero-kicker">{t.heroKicker}</p>
      <p class="hero-title">{t.heroTitle}</p>
      <ul class="hero-points">
        <li>{t.heroPoint1}</li>
        <li>{t.heroPoint2}</li>
        <li>{t.heroPoint3}</li>
      </ul>
    </div>
    <span class="hero-art" aria-hidden="true">
      <QQIcon />
    </span>
  </aside>
);

const SignIn: FC<{ t: Texts }> = ({ t }) => (
  <div data-view="sign-in" role="region" aria-labelledby="login-title">
    <h1 id="login-title" tabindex={-1}>
      {t.loginTitle}
    </h1>
    <p class="lead">{t.loginLead}</p>

    <Alert id="qq-alert" />
    <Submit id="qq-login" type="button" variant="qq" label={t.qqButton}>
      <QQIcon />
    </Submit>

    <p class="divider">
      <span>{t.or}</span>
    </p>

    <form id="password-form" method="post" novalidate>
      <Alert id="password-form-alert" />
      <UsernameField id="login-username" t={t} />
      <PasswordField id="login-password" label={t.password} placeholder={t.passwordPlaceholder} t={t} />
      <p class="field-link">
        <button type="button" class="link" id="forgot-password">
          {t.forgotPassword}
        </button>
      </p>
      <CaptchaBox t={t} />
      <Submit label={t.loginSubmit} />
    </form>
    <p class="note">{t.loginNote}</p>
  </div>
);

/** Forgotten password: the mobile proves the account (`POST /users/password/reset`). */
const ResetPassword: FC<Props> = ({ t, devSms }) => (
  <div data-view="reset" role="region" aria-labelledby="reset-title" hidden>
    <h1 id="reset-title" tabindex={-1}>
      {t.resetTitle}
    </h1>
    <p class="lead">{t.resetLead}</p>
    <form id="reset-form" method="post" novalidate>
      <Alert id="reset-form-alert" />
      <MobileField id="reset-mobile" t={t} />
      <SmsCodeField id="reset-sms-code" t={t} devHint={devSms} />
      <PasswordField id="reset-password" name="new_password" label={t.newPasswordLabel} placeholder={t.newPasswordPlaceholder} t={t} isNew />
      <CaptchaBox t={t} />
      <Submit label={t.resetSubmit} />
    </form>
    <p class="note">
      <button type="button" class="link" id="back-to-sign-in">
        {t.backToLogin}
      </button>
    </p>
  </div>
);

/** A page that only says what went wrong, with a way back. */
export const MessagePage: FC<{ title: string; message: string; link: { href: string; label: string } }> = ({ title, message, link }) => (
  <section class="state" aria-labelledby="message-title">
    <span class="state-icon state-icon-error" aria-hidden="true">!</span>
    <h1 id="message-title">{title}</h1>
    <p class="lead">{message}</p>
    <a class="btn btn-block btn-primary" href={link.href}>
      <span class="label">{link.label}</span>
    </a>
  </section>
);
