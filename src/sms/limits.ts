/**
 * The SMS limits (api.md `POST /sms/codes`), as counter rules for src/db/counters.ts:
 * sending per mobile per day, per client per hour and for everyone per hour, and wrong
 * guesses per mobile per day across codes. The keys are listed in docs/storage.md.
 */
import type { CounterRule } from '../db/counters';
import type { Settings } from '../settings';

const HOUR = 60 * 60;
const DAY = 24 * HOUR;

/**
 * What one SMS to `mobile` counts against. `client` is the sender's clientKey(), or null
 * where no address is known (local development): the client limit then does not apply.
 */
export function sendingRules(settings: Settings, mobile: string, client: string | null): CounterRule[] {
  const rules: CounterRule[] = [{ key: `sms-mobile:${mobile}`, limit: settings.SMS_DAILY_LIMIT, windowSeconds: DAY }];
  if (client !== null) rules.push({ key: `sms-client:${client}`, limit: settings.SMS_CLIENT_HOURLY_LIMIT, windowSeconds: HOUR });
  rules.push({ key: 'sms-all', limit: settings.SMS_GLOBAL_HOURLY_LIMIT, windowSeconds: HOUR });
  return rules;
}

/** Wrong guesses for `mobile`, whatever code they were made against. */
export function guessRule(settings: Settings, mobile: string): CounterRule {
  return { key: `sms-guess:${mobile}`, limit: settings.SMS_DAILY_GUESS_LIMIT, windowSeconds: DAY };
}
