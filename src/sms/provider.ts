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
export async function postToProvider(
  fetcher: typeof fetch,
  url: string,
  init: { headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<{ status: number; text: string }> {
  try {
    const response = await fetcher(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  } catch (err) {
    const reason = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError') ? 'timed out' : 'unreachable';
    throw new SmsSendError('unreachable', `provider ${reason}`);
  }
}
