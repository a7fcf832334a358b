import type { FC } from 'hono/jsx';
import { Alert, PasswordField, QQIcon, Submit, UsernameField } from './components';
import type { Texts } from './texts';

/** `GET /login`: the QQ button and the password form; `next` travels in the body's data. */
export const LoginPage: FC<{ t: Texts }> = ({ t }) => (
  <>
    <Hero t={t} />
    <LoginForms t={t} />
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

const LoginForms: FC<{ t: Texts }> = ({ t }) => (
  <section class="card-body" aria-labelledby="login-title">
    <h1 id="login-title">{t.loginTitle}</h1>
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
      <Submit label={t.loginSubmit} />
    </form>
    <p class="note">{t.loginNote}</p>
  </section>
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
