// Failure modes shared by the fake captcha services, so tests can make them fail the
// ways real ones do: answer 503, answer garbage, never answer, or be unreachable.

export const SERVICE_MODES = ['normal', 'down', 'garbage', 'hang', 'unreachable'] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];

export function isServiceMode(value: unknown): value is ServiceMode {
  return SERVICE_MODES.some((mode) => mode === value);
}

// 'hang' needs a pending timer: workerd cancels a request whose promise can never settle.
const HANG_LIMIT_MS = 60_000;

/** The signal a fetch-shaped call was given, or one that never aborts. */
export function signalOf(input: RequestInfo | URL, init?: RequestInit): AbortSignal {
  return init?.signal ?? (input instanceof Request ? input.signal : null) ?? new AbortController().signal;
}

/**
 * What a failing service answers instead of its own answer, or null in `normal` mode.
 * `unreachable` is the caller's to apply: the fetch rejects before any request arrives.
 */
export async function failureAnswer(mode: ServiceMode, signal: AbortSignal): Promise<Response | null> {
  if (mode === 'down') return new Response('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', { status: 503, headers: { 'content-type': 'text/html' } });
  if (mode === 'garbage') return new Response('<!DOCTYPE html><html><body><p>Please wait...</p></body></html>', { headers: { 'content-type': 'text/html' } });
  if (mode === 'hang') {
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const timer = setTimeout(resolve, HANG_LIMIT_MS);
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    });
    return new Response('fake captcha: hang limit reached', { status: 504 });
  }
  return null;
}
