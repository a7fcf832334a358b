import type { Deps } from '../deps';
import type { Settings } from '../settings';
import { consoleProvider } from './console';
import { webhookProvider } from './webhook';

/** Delivers an SMS code. Throws SmsSendError when the code did not go out. */
export interface SmsProvider {
  send(message: { mobile: string; code: string; ttlSeconds: number }): Promise<void>;
}

export class SmsSendError extends Error {}

export function smsProviderFor(settings: Settings, deps: Deps): SmsProvider {
  if (deps.sms) return deps.sms(settings, deps);
  switch (settings.SMS_PROVIDER) {
    case 'console':
      return consoleProvider;
    case 'webhook':
      return webhookProvider(settings, deps);
    case 'tencent':
      // Refused by the settings check; kept here so the switch stays exhaustive.
      throw new SmsSendError('the tencent provider is not available');
  }
}
