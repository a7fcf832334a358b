import { NoAnswerError, postWithTimeout, type OutboundPost } from '../http/outbound';

/** What every SMS provider (src/sms/*.ts, chosen in providers.ts) implements. */
export interface SmsMessage {
  /** Mainland mobile, 11 digits. */
  mobile: string;
  code: string;
  ttlSeconds: number;
}

export interface SmsProvider {
  /** Resolves once the provider accepted the message; throws SmsSendError otherwise. */
  send(message: SmsMessage): Promise<void>;
}

/**
 * `refused`: the provider answered and did not send (or answered something unreadable);
 * the code never went out. `unreachable`: no answer in time; the message may still arrive.
 */
export type SmsFailure = 'refused' | 'unreachable';

export class SmsSendError extends Error {
  constructor(
    readonly failure: SmsFailure,
    /** The provider's own words (error code and message); never the code, mobile or a key. */
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * The provider's refusal in its own words (`<code>: <message>`), with anything we sent
 * that a log must not hold (the code, the mobile) taken out, whatever the provider echoes.
 */
export function refusal(providerCode: string, message: string, sent: readonly string[]): SmsSendError {
  let detail = `${providerCode}: ${message}`.slice(0, 300);
  for (const value of sent) if (value) detail = detail.replaceAll(value, '[hidden]');
  return new SmsSendError('refused', detail);
}

/** An answer that is none of the provider's forms: refused, as the message did not go out as far as we know. */
export function unreadable(provider: string, status: number): SmsSendError {
  return new SmsSendError('refused', `${provider} answered HTTP ${status} with an unreadable body`);
}

/** A POST to a provider with the worker's timeout: network failures and timeouts are `unreachable`. */
export async function postToProvider(fetcher: typeof fetch, url: string, init: OutboundPost): Promise<{ status: number; text: string }> {
  try {
    return await postWithTimeout(fetcher, url, init);
  } catch (err) {
    if (err instanceof NoAnswerError) throw new SmsSendError('unreachable', `provider ${err.reason}`);
    throw err;
  }
}
