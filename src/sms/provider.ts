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

/** A POST to a provider with the worker's timeout: network failures and timeouts are `unreachable`. */
export async function postToProvider(fetcher: typeof fetch, url: string, init: OutboundPost): Promise<{ status: number; text: string }> {
  try {
    return await postWithTimeout(fetcher, url, init);
  } catch (err) {
    if (err instanceof NoAnswerError) throw new SmsSendError('unreachable', `provider ${err.reason}`);
    throw err;
  }
}
