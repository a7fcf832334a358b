// Failure modes shared by the fake captcha services, so tests can make them fail the
// ways real ones do: answer 503, answer garbage, never answer, or be unreachable.
import { hang } from '../kit';

export const SERVICE_MODES = ['normal', 'down', 'garbage', 'hang', 'unreachable'] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];

export function isServiceMode(value: unknown): value is ServiceMode {
  return SERVICE_MODES.some((mode) => mode === value);
}

/**
 * What a failing service answers instead of its own answer, or null in `normal` mode.
 * `unreachable` is the caller's to apply: the fetch rejects before any request arrives.
 */
export async function failureAnswer(mode: ServiceMode, signal: AbortSignal): Promise<Response | null> {
  if (mode === 'down') return new Response('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', { status: 503, headers: { 'content-type': 'text/html' } });
  if (mode === 'garbage') return new Response('<!DOCTYPE html><html><body><p>Please wait...</p></body></html>', { headers: { 'content-type': 'text/html' } });
  if (mode === 'hang') return hang(signal);
  return null;
}
