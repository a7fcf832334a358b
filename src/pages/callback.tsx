import type { FC } from 'hono/jsx';
import { Alert, Avatar, CaptchaBox, Field, MobileField, PasswordField, SmsCodeField, Spinner, Submit, UsernameField } from './components';
import type { Texts } from './texts';

interface Props {
  t: Texts;
  /** The console SMS provider is on: say where the code is. */
  devSms: boolean;
}

/**
 * `GET /login/qq/callback`: one page, four views. The script shows progress while it
 * forwards QQ's answer to `/oauth/qq/callback`, then success, the binding choices or an error.
 */
export const CallbackPage: FC<Props> = ({ t, devSms }) => (
  <>
    <section class="state" data-view="progress" aria-labelledby="progress-title" aria-busy="true">
      <Spinner />
      <h1 id="progress-title">{t.progressTitle}</h1>
      <p class="lead">{t.progressText}</p>
    </section>

    <section class="state" data-view="success" aria-labelledby="success-title" hidden>
      <span class="state-icon state-icon-ok" aria-hidden="true">✓</span>
      <h1 id="success-title" tabindex={-1}>
        {t.successTitle}
      </h1>
      <p class="lead">{t.successText}</p>
    </section>

    <section class="state" data-view="error" aria-labelledby="error-title" hidden>
      <span class="state-icon state-icon-error" aria-hidden="true">!</span>
      <h1 id="error-title" tabindex={-1}>
        {t.errorTitle}
      </h1>
      <p class="lead" id="error-message"></p>
      <a class="btn btn-block btn-primary" id="retry-link" href="/login">
        <span class="label">{t.retry}</span>
      </a>
    </section>

    <section data-view="bind" aria-labelledby="bind-title" hidden>
      <div class="greeting">
        <Avatar id="qq-avatar" size="lg" />
        <div>
          <h1 id="bind-title" tabindex={-1}>
            {t.greetingAnonymous}
          </h1>
          <p class="lead">{t.bindLead}</p>
        </div>
      </div>
      <BindChoices t={t} devSms={devSms} />
    </section>
  </>
);

const TABS = [
  { id: 'mobile', label: (t: Texts) => t.tabMobile },
  { id: 'account', label: (t: Texts) => t.tabAccount },
  { id: 'register', label: (t: Texts) => t.tabRegister },
] as const;

const BindChoices: FC<Props> = ({ t, devSms }) => (
  <>
    <div class="tabs" role="tablist" aria-label={t.bindTabs} id="bind-tabs">
      {TABS.map((tab, i) => (
        <button
          type="button"
          class="tab"
          role="tab"
          id={`tab-${tab.id}`}
          aria-controls={`panel-${tab.id}`}
          aria-selected={i === 0 ? 'true' : 'false'}
          tabindex={i === 0 ? 0 : -1}
        >
          {tab.label(t)}
        </button>
      ))}
    </div>

    <div role="tabpanel" id="panel-mobile" aria-labelledby="tab-mobile">
      <form id="bind-mobile" method="post" novalidate>
        <Alert id="bind-mobile-alert" />
        <MobileField id="m-mobile" t={t} />
        <SmsCodeField id="m-sms-code" t={t} devHint={devSms} />
        <PasswordField id="m-password" label={t.mobilePassword} placeholder={t.newPasswordPlaceholder} hint={t.mobilePasswordHint} t={t} isNew />
        <CaptchaBox t={t} />
        <Submit label={t.bindSubmit} />
      </form>
    </div>

    <div role="tabpanel" id="panel-account" aria-labelledby="tab-account" hidden>
      <form id="bind-account" method="post" novalidate>
        <Alert id="bind-account-alert" />
        <UsernameField id="a-username" t={t} />
        <PasswordField id="a-password" label={t.password} placeholder={t.accountPasswordPlaceholder} t={t} />
        <CaptchaBox t={t} />
        <Submit label={t.bindSubmit} />
      </form>
    </div>

    <div role="tabpanel" id="panel-register" aria-labelledby="tab-register" hidden>
      <form id="bind-register" method="post" novalidate>
        <Alert id="bind-register-alert" />
        <Field id="r-nickname" name="nickname" label={t.nickname} placeholder={t.nicknamePlaceholder} maxlength={20} autocomplete="nickname" />
        <MobileField id="r-mobile" t={t} />
        <SmsCodeField id="r-sms-code" t={t} devHint={devSms} />
        <PasswordField id="r-password" label={t.newPassword} placeholder={t.newPasswordPlaceholder} t={t} isNew />
        <CaptchaBox t={t} />
        <Submit label={t.registerSubmit} />
      </form>
    </div>
  </>
);
