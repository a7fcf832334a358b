/** The worker's JSON routes, called from its own pages (same origin, cookies included). */
import type { ErrorBody } from '../../errors';
import { lang, t } from './page';

/**
 * The contract's error, or one the page makes up: no answer to read (`network`,
 * `http_…`), or a captcha the visitor did not complete (`captcha`).
 */
export type ApiError = ErrorBody['error'] | { code: 'network' | 'captcha' | `http_${number}`; message: string; fields?: undefined };

export type ApiResult<T> =
  | { ok: true; status: number; data: T; retryAfter: number }
  | { ok: false; status: number; error: ApiError; retryAfter: number };

interface Options {
  body?: object;
  token?: string;
}

/** `T` is the contract's answer of `path` (see src/contract.ts). */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: Options = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': lang === 'en' ? 'en' : 'zh-CN' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    return { ok: false, status: 0, error: { code: 'network', message: t.network }, retryAfter: 0 };
  }
  let data: unknown = null;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  const retryAfter = Number(res.headers.get('retry-after')) || 0;
  // The worker answers its own contract: a 2xx body is the route's answer type.
  if (res.ok) return { ok: true, status: res.status, data: data as T, retryAfter };
  return { ok: false, status: res.status, error: errorIn(data) ?? { code: `http_${res.status}`, message: t.unexpected }, retryAfter };
}

function errorIn(data: unknown): ErrorBody['error'] | null {
  if (typeof data !== 'object' || data === null || !('error' in data)) return null;
  const error = (data as Partial<ErrorBody>).error;
  return error && typeof error.code === 'string' && typeof error.message === 'string' ? error : null;
}
