/**
 * The captcha widget, when the worker has a provider (body `data-captcha`): Cloudflare
 * Turnstile rendered into the form's `[data-captcha-box]`, or Tencent Captcha's pop-up
 * (`new TencentCaptcha(appId, callback)`). Its script is loaded the first time it is needed.
 */
import type { ApiResult } from './api';
import { body, lang, t } from './page';

/** What a request carries when a captcha was solved. */
export interface CaptchaSolution {
  captcha_token: string;
  /** Tencent Captcha only. */
  captcha_randstr?: string;
}

interface TurnstileOptions {
  sitekey: string;
  language?: string;
  callback: (token: string) => void;
  'error-callback': () => void;
  'timeout-callback': () => void;
}

interface TencentAnswer {
  ret: number;
  ticket?: string;
  randstr?: string;
}

declare global {
  interface Window {
    turnstile?: { render(container: HTMLElement, options: TurnstileOptions): string | undefined; remove(widget: string): void };
    TencentCaptcha?: new (appId: string, callback: (answer: TencentAnswer) => void, options?: { userLanguage?: string }) => { show(): void };
  }
}

const provider = body.dataset.captcha === 'turnstile' || body.dataset.captcha === 'tencent' ? body.dataset.captcha : null;
const key = body.dataset.captchaKey ?? '';
const script = body.dataset.captchaScript ?? '';

/** A captcha provider is configured. */
export const captchaOn = provider !== null;

let loading: Promise<void> | null = null;

function loadScript(): Promise<void> {
  loading ??= new Promise((resolve, reject) => {
    const element = document.createElement('script');
    element.src = script;
    element.async = true;
    element.onload = () => resolve();
    element.onerror = () => {
      loading = null;
      element.remove();
      reject(new Error('the captcha script did not load'));
    };
    document.head.append(element);
  });
  return loading;
}

/** The Turnstile widget of each box, removed before the next one (a token is good once). */
const widgets = new WeakMap<HTMLElement, string>();

function turnstile(form: HTMLFormElement): Promise<CaptchaSolution | null> {
  const box = form.querySelector<HTMLElement>('[data-captcha-box]');
  const api = window.turnstile;
  if (!box || !api) return Promise.resolve(null);
  const previous = widgets.get(box);
  if (previous !== undefined) api.remove(previous);
  box.hidden = false;
  return new Promise((resolve) => {
    const widget = api.render(box, {
      sitekey: key,
      language: lang === 'en' ? 'en' : 'zh-cn',
      callback: (token) => resolve({ captcha_token: token }),
      'error-callback': () => resolve(null),
      'timeout-callback': () => resolve(null),
    });
    if (widget === undefined) resolve(null);
    else widgets.set(box, widget);
  });
}

function tencent(): Promise<CaptchaSolution | null> {
  const Captcha = window.TencentCaptcha;
  if (!Captcha) return Promise.resolve(null);
  return new Promise((resolve) => {
    const captcha = new Captcha(
      key,
      // ret 0: solved; 2: closed by the visitor.
      (answer) => resolve(answer.ret === 0 && answer.ticket ? { captcha_token: answer.ticket, captcha_randstr: answer.randstr ?? '' } : null),
      { userLanguage: lang === 'en' ? 'en' : 'zh-cn' },
    );
    captcha.show();
  });
}

/** Shows the widget and waits for the visitor; null when it failed or they gave up. */
export async function solveCaptcha(form: HTMLFormElement): Promise<CaptchaSolution | null> {
  if (provider === null) return null;
  try {
    await loadScript();
  } catch {
    return null;
  }
  return provider === 'turnstile' ? turnstile(form) : tencent();
}

const CANCELLED = { ok: false, status: 0, retryAfter: 0 } as const;

/** The answer to show when the visitor did not complete the captcha. */
export function captchaNotDone<T>(): ApiResult<T> {
  return { ...CANCELLED, error: { code: 'captcha', message: t.captchaFailed } };
}

/** Forms whose account the server has asked a captcha for: every later try solves one first. */
const asked = new WeakSet<HTMLFormElement>();

/**
 * A password form's request: sent as is until the server answers `invalid_captcha`, then
 * (with a provider configured) once more with the solved widget's token, and from then on
 * always with one.
 */
export async function withCaptcha<T>(form: HTMLFormElement, send: (solution: CaptchaSolution | null) => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
  if (asked.has(form)) {
    const solution = await solveCaptcha(form);
    return solution === null ? captchaNotDone() : send(solution);
  }
  const first = await send(null);
  if (first.ok || first.error.code !== 'invalid_captcha' || !captchaOn) return first;
  asked.add(form);
  const solution = await solveCaptcha(form);
  return solution === null ? first : send(solution);
}
