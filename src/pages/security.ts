/**
 * What the pages' headers allow, and the captcha widget they load: the strict CSP, widened
 * by exactly the configured captcha script's origin (script, frame and connect) and nothing
 * more, and the values the pages' script needs to render the widget.
 */
import { originOf } from '../http/url';
import { onePer } from '../memo';
import type { Settings } from '../settings';

export interface PageCaptcha {
  provider: 'turnstile' | 'tencent';
  /** Turnstile's site key, or Tencent Captcha's CaptchaAppId. */
  key: string;
  /** The widget script's URL. */
  script: string;
}

/** The captcha widget the pages show wherever the API asks for a `captcha_token`, if any. */
export const pageCaptcha = onePer((settings: Settings): PageCaptcha | null => {
  switch (settings.CAPTCHA_PROVIDER) {
    case 'none':
      return null;
    case 'turnstile':
      return settings.TURNSTILE_SITE_KEY === undefined
        ? null
        : { provider: 'turnstile', key: settings.TURNSTILE_SITE_KEY, script: settings.TURNSTILE_SCRIPT_URL };
    case 'tencent':
      return settings.TENCENT_CAPTCHA_APP_ID === undefined
        ? null
        : { provider: 'tencent', key: settings.TENCENT_CAPTCHA_APP_ID, script: settings.TENCENT_CAPTCHA_SCRIPT_URL };
  }
});

/** The pages' Content-Security-Policy under these settings. */
export const pageCsp = onePer((settings: Settings): string => {
  const captcha = pageCaptcha(settings);
  const widget = captcha === null ? null : originOf(captcha.script);
  const self = (...more: (string | null)[]) => ["'self'", ...more.filter((s) => s !== null)].join(' ');
  return [
    "default-src 'self'",
    `script-src ${self(widget)}`,
    "style-src 'self'",
    // QQ avatars are images on QQ's servers.
    "img-src 'self' https: data:",
    `connect-src ${self(widget)}`,
    ...(widget === null ? [] : [`frame-src ${self(widget)}`]),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
});
