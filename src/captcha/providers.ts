/** The captcha service CAPTCHA_PROVIDER names (null for `none`); each lives in its own module beside this one. */
import type { Deps } from '../deps';
import { onePer } from '../memo';
import type { CaptchaProviderName, Settings } from '../settings';
import type { CaptchaVerifier } from './provider';
import { tencentCaptcha } from './tencent';
import { turnstileCaptcha } from './turnstile';

type VerifierFactory = (settings: Settings, deps: Deps) => CaptchaVerifier | null;

const PROVIDERS: Record<CaptchaProviderName, VerifierFactory> = {
  none: () => null,
  turnstile: turnstileCaptcha,
  tencent: tencentCaptcha,
};

// Settings and deps are fixed per isolate, so the verifier is built once for each pair.
const verifierCache = onePer((settings: Settings) => onePer((deps: Deps) => ({ verifier: PROVIDERS[settings.CAPTCHA_PROVIDER](settings, deps) })));

/** The configured verifier, or null when no captcha is asked for. */
export function captchaVerifierFor(settings: Settings, deps: Deps): CaptchaVerifier | null {
  return verifierCache(settings)(deps).verifier;
}
