/**
 * Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256 ("签名方法 v3"), with WebCrypto
 * only. One signer for every Tencent service the worker calls (SMS, Captcha); the fake
 * services verify with the same steps over the request they received.
 *
 * API 3.0 always POSTs to `/` without a query, so the canonical URI and query are fixed.
 */
import { hmacSha256, sha256Hex, toHex } from '../crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

export interface Tc3Input {
  secretKey: string;
  /** The product's short name: `sms`, `captcha`, `cvm`… */
  service: string;
  /** Unix seconds, sent as X-TC-Timestamp; its UTC date scopes the key. */
  timestamp: number;
  /** The signed headers as sent, any case; content-type and host at least. */
  headers: readonly (readonly [string, string])[];
  /** The exact request body. */
  payload: string;
}

export interface Tc3Signature {
  /** `2019-02-25`: the UTC date of the timestamp. */
  date: string;
  /** `content-type;host;x-tc-action` */
  signedHeaders: string;
  canonicalRequest: string;
  stringToSign: string;
  /** Lower-case hex. */
  signature: string;
}

export async function tc3Sign(input: Tc3Input): Promise<Tc3Signature> {
  // Names and values are lower-cased and trimmed, then sorted by name.
  const headers = input.headers
    .map(([name, value]) => [name.trim().toLowerCase(), value.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaders = headers.map(([name]) => name).join(';');
  const canonicalHeaders = headers.map(([name, value]) => `${name}:${value}\n`).join('');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, await sha256Hex(input.payload)].join('\n');
  const date = utcDate(input.timestamp);
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(input.timestamp), scope, await sha256Hex(canonicalRequest)].join('\n');
  let key = await hmacSha256(`TC3${input.secretKey}`, date);
  key = await hmacSha256(key, input.service);
  key = await hmacSha256(key, 'tc3_request');
  const signature = toHex(await hmacSha256(key, stringToSign));
  return { date, signedHeaders, canonicalRequest, stringToSign, signature };
}

/** The `Authorization` header value. */
export function tc3Authorization(secretId: string, service: string, signed: Tc3Signature): string {
  return `${TC3_ALGORITHM} Credential=${secretId}/${signed.date}/${service}/tc3_request, SignedHeaders=${signed.signedHeaders}, Signature=${signed.signature}`;
}

export interface Tc3Authorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Reads an `Authorization` header of this scheme; null when it is not one. */
export function parseTc3Authorization(value: string): Tc3Authorization | null {
  const match = /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(value);
  if (match === null) return null;
  const [, secretId = '', date = '', service = '', signedHeaders = '', signature = ''] = match;
  return { secretId, date, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** `yyyy-mm-dd` of a Unix time, in UTC (never local time: it would break at midnight). */
export function utcDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}
