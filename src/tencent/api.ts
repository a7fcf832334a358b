/**
 * One Tencent Cloud API 3.0 call: the signed headers of a JSON POST, and the answer's
 * envelope. Tencent answers HTTP 200 for errors too, as `{ Response: { Error, RequestId } }`.
 */
import * as z from 'zod/mini';
import { parseJson } from '../json';
import { seconds } from '../time';
import { tc3Authorization, tc3Sign } from './tc3';

export const TENCENT_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface TencentCall {
  secretId: string;
  secretKey: string;
  service: string;
  /** The endpoint (`https://sms.tencentcloudapi.com`); API 3.0 always POSTs to its `/`. */
  endpoint: string;
  action: string;
  version: string;
  /** X-TC-Region, for the services that take one. */
  region?: string;
  body: string;
  nowMs: number;
}

/** Headers for the call, signed over content-type, host and x-tc-action. */
export async function tencentHeaders(call: TencentCall): Promise<Record<string, string>> {
  const timestamp = seconds(call.nowMs);
  const host = new URL(call.endpoint).host;
  const signed = await tc3Sign({
    secretKey: call.secretKey,
    service: call.service,
    timestamp,
    headers: [
      ['content-type', TENCENT_CONTENT_TYPE],
      ['host', host],
      ['x-tc-action', call.action],
    ],
    payload: call.body,
  });
  const headers: Record<string, string> = {
    authorization: tc3Authorization(call.secretId, call.service, signed),
    'content-type': TENCENT_CONTENT_TYPE,
    'x-tc-action': call.action,
    'x-tc-version': call.version,
    'x-tc-timestamp': String(timestamp),
  };
  if (call.region !== undefined) headers['x-tc-region'] = call.region;
  return headers;
}

const envelope = z.object({
  Response: z.object({
    Error: z.optional(z.object({ Code: z.string(), Message: z.string() })),
  }),
});

export type TencentAnswer<T> = { error: { code: string; message: string } } | { response: T };

/**
 * The answer's `Response`, checked with `schema`, or its `Error`; null when the text is
 * neither (not JSON, another shape).
 */
export function readTencentAnswer<T>(text: string, schema: z.ZodMiniType<T>): TencentAnswer<T> | null {
  const json = parseJson(text);
  const outer = envelope.safeParse(json);
  if (!outer.success) return null;
  const error = outer.data.Response.Error;
  if (error !== undefined) return { error: { code: error.Code, message: error.Message } };
  const inner = schema.safeParse(Reflect.get(json as object, 'Response'));
  return inner.success ? { response: inner.data } : null;
}
