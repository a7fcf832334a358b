import type { SmsProvider } from './sms/provider';
import type { Settings } from './settings';

/**
 * Everything the worker reaches outside itself, besides its bindings. Production uses
 * the defaults; tests pass a fake QQ's fetch, a pinned clock or a recording SMS provider.
 */
export interface Deps {
  /** Outbound fetch for QQ and the SMS webhook. */
  fetch: typeof fetch;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** How long any QQ or SMS call may take. */
  timeoutMs: number;
  /** Overrides the provider chosen by SMS_PROVIDER. */
  sms?: (settings: Settings, deps: Deps) => SmsProvider;
}

export const defaultDeps: Deps = {
  // Bound so the runtime's fetch is never called with a foreign `this`.
  fetch: (input, init) => fetch(input, init),
  now: () => Date.now(),
  timeoutMs: 5000,
};
