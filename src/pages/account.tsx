import type { FC } from 'hono/jsx';
import { Alert, Avatar, CaptchaBox, Confirm, PasswordField, QQIcon, Spinner, Submit } from './components';
import type { Texts } from './texts';

/**
 * `GET /account`: the script takes the token from the URL fragment (or storage), asks
 * `/users/me`, and shows the account, or the signed-out view.
 */
export const AccountPage: FC<{ t: Texts; loginHref: string }> = ({ t, loginHref }) => (
  <>
    <section class="state" data-view="loading" aria-busy="true">
      <Spinner />
      <p class="lead">{t.loading}</p>
    </section>

    <section class="state" data-view="signed-out" aria-labelledby="signed-out-title" hidden>
      <span class="state-icon" aria-hidden="true">
        <svg viewBox="0 0 24 24" width="28" height="28" focusable="false">
          <path fill="currentColor" d="M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zm0 2c-4.4 0-9 2.2-9 5.5V22h18v-2.5c0-3.3-4.6-5.5-9-5.5z" />
        </svg>
      </span>
      <h1 id="signed-out-title" tabindex={-1}>
        {t.signedOutTitle}
      </h1>
      <p class="status" id="signed-out-status" role="status"></p>
      <p class="lead">{t.signedOutText}</p>
      <a class="btn btn-block btn-primary" href={loginHref}>
        <span class="label">{t.signIn}</span>
      </a>
    </section>

    <section data-view="account" aria-labelledby="account-title" hidden>
      <Alert id="account-alert" />
      <div class="profile">
        <Avatar id="user-avatar" size="lg" />
        <div class="profile-text">
          <h1 id="account-title" tabindex={-1}></h1>
          <p class="muted" id="account-subtitle">{t.accountTitle}</p>
        </div>
      </div>

      <dl class="facts">
        <div>
          <dt>{t.usernameLabel}</dt>
          <dd id="fact-username"></dd>
        </div>
        <div>
          <dt>{t.mobileLabel}</dt>
          <dd id="fact-mobile"></dd>
        </div>
        <div>
          <dt>{t.userId}</dt>
          <dd id="fact-id"></dd>
        </div>
      </dl>

      <h2 class="section-title">{t.bindingsTitle}</h2>
      <div class="binding">
        <span class="binding-icon" aria-hidden="true">
          <QQIcon />
        </span>
        <div class="binding-text">
          <p class="binding-name">{t.qqName}</p>
          <div id="qq-bound" hidden>
            <p class="binding-who">
              <Avatar id="binding-avatar" />
              <span id="binding-nickname"></span>
            </p>
            <p class="muted" id="binding-date"></p>
          </div>
          <div id="qq-unbound" hidden>
            <p class="muted">{t.notBound}</p>
          </div>
        </div>
        <button type="button" class="btn btn-outline btn-small" id="unbind" hidden>
          <span class="label">{t.unbind}</span>
        </button>
        <a class="btn btn-outline btn-small" id="bind-qq" href={loginHref} hidden>
          <span class="label">{t.bindQQ}</span>
        </a>
      </div>
      <p class="hint" id="qq-unbound-hint" hidden>
        {t.notBoundHint}
      </p>

      <Confirm name="unbind" question={t.unbindConfirm} yes={t.unbindYes} no={t.cancel} />
      <p class="status" id="account-status" role="status"></p>

      <Security t={t} />

      <button type="button" class="btn btn-block btn-outline" id="logout">
        <span class="label">{t.logout}</span>
      </button>
    </section>
  </>
);

/** Change password (`PUT /users/me/password`) and log out everywhere (`POST /users/logout`). */
const Security: FC<{ t: Texts }> = ({ t }) => (
  <>
    <h2 class="section-title section-next">{t.securityTitle}</h2>
    <div class="settings">
      <div class="setting">
        <div class="setting-text">
          <p class="setting-name">{t.passwordName}</p>
          <p class="muted">{t.passwordNameHint}</p>
        </div>
        <button type="button" class="btn btn-outline btn-small" id="change-password" aria-expanded="false" aria-controls="password-change">
          <span class="label">{t.changePassword}</span>
        </button>
      </div>
      <form class="setting-form" id="password-change" method="post" novalidate hidden>
        <Alert id="password-change-alert" />
        <PasswordField id="cp-current" name="current_password" label={t.currentPassword} placeholder={t.currentPasswordPlaceholder} t={t} />
        <PasswordField id="cp-new" name="new_password" label={t.newPasswordLabel} placeholder={t.newPasswordPlaceholder} t={t} isNew />
        <CaptchaBox t={t} />
        <div class="confirm-actions">
          <Submit label={t.changePasswordSubmit} />
          <button type="button" class="btn btn-outline btn-block" id="change-password-cancel">
            <span class="label">{t.cancel}</span>
          </button>
        </div>
      </form>
      <div class="setting">
        <div class="setting-text">
          <p class="setting-name">{t.sessionsName}</p>
          <p class="muted">{t.logoutEverywhereHint}</p>
        </div>
        <button type="button" class="btn btn-outline btn-small" id="logout-everywhere">
          <span class="label">{t.logoutEverywhere}</span>
        </button>
      </div>
      <Confirm name="logout-everywhere" question={t.logoutEverywhereConfirm} yes={t.logoutEverywhere} no={t.cancel} />
    </div>
  </>
);
