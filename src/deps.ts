/**
 * Everything the worker reaches outside itself, besides its bindings. Production uses
 * the defaults; tests pass fakes' fetch and a pinned clock.
 */
export interface Deps {
  /** Outbound fetch for QQ, the SMS providers and the captcha services. */
  fetch: typeof fetch;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** How long any outbound call may take. */
  timeoutMs: number;
}

export const defaultDeps: Deps = {
  // Bound so the runtime's fetch is never called with a foreign `this`.
  fetch: (input, init) => fetch(input, init),
  now: () => Date.now(),
  timeoutMs: 5000,
};
