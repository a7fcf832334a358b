import { NoAnswerError, postWithTimeout, type OutboundPost } from '../http/outbound';

/** What every captcha service (src/captcha/*.ts, chosen in providers.ts) implements. */
export interface CaptchaAnswer {
  /** `captcha_token` from the request: Turnstile's response, or Tencent Captcha's ticket. */
  token: string;
  /** `captcha_randstr` (Tencent Captcha only). */
  randstr: string | undefined;
  /** The client's address (`CF-Connecting-IP`), passed to the service where it takes one. */
  clientIp: string | null;
}

/**
 * `rejected`: the service answered that the token is not valid (wrong, expired, reused):
 * `400 invalid_captcha`. `unavailable`: no usable answer (down, 5 s timeout, garbled):
 * `502 captcha_unavailable`. Either way the request is refused: captchas fail closed.
 */
export type CaptchaFailure = 'rejected' | 'unavailable';

export class CaptchaError extends Error {
  constructor(
    readonly failure: CaptchaFailure,
    /** The service's own words (error codes); never the token or a key. */
    detail: string,
  ) {
    super(detail);
  }
}

export interface CaptchaVerifier {
  /** Resolves when the service accepted the answer; throws CaptchaError otherwise. */
  verify(answer: CaptchaAnswer): Promise<void>;
}

/** A POST to a captcha service with the worker's timeout: no answer in time is `unavailable`. */
export async function postToCaptcha(fetcher: typeof fetch, url: string, init: OutboundPost): Promise<{ status: number; text: string }> {
  try {
    return await postWithTimeout(fetcher, url, init);
  } catch (err) {
    if (err instanceof NoAnswerError) throw new CaptchaError('unavailable', `captcha service ${err.reason}`);
    throw err;
  }
}
