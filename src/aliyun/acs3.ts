/**
 * Alibaba Cloud's V3 request signature, ACS3-HMAC-SHA256, with WebCrypto only. The fake
 * Alibaba Cloud service verifies with the same steps over the request it received.
 */
import { hmacSha256, sha256Hex, toHex } from '../crypto';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** RFC 3986 percent-encoding of UTF-8: only `A-Z a-z 0-9 - _ . ~` stay as they are. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parameters sorted by name, each name and value percent-encoded: both the URL's query and the signed one. */
export function canonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

export interface Acs3Input {
  secret: string;
  method: string;
  /** `/` for RPC-style APIs. */
  uri: string;
  query: Readonly<Record<string, string>>;
  /** The signed headers as sent, any case (host and every x-acs-* header). */
  headers: readonly (readonly [string, string])[];
  /** Lower-case hex SHA-256 of the body, as in x-acs-content-sha256. */
  payloadHash: string;
}

export interface Acs3Signature {
  signedHeaders: string;
  canonicalRequest: string;
  stringToSign: string;
  /** Lower-case hex. */
  signature: string;
}

export async function acs3Sign(input: Acs3Input): Promise<Acs3Signature> {
  const headers = input.headers
    .map(([name, value]) => [name.trim().toLowerCase(), value.trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaders = headers.map(([name]) => name).join(';');
  const canonicalHeaders = headers.map(([name, value]) => `${name}:${value}\n`).join('');
  const canonicalRequest = [input.method, input.uri, canonicalQuery(input.query), canonicalHeaders, signedHeaders, input.payloadHash].join('\n');
  const stringToSign = `${ACS3_ALGORITHM}\n${await sha256Hex(canonicalRequest)}`;
  const signature = toHex(await hmacSha256(input.secret, stringToSign));
  return { signedHeaders, canonicalRequest, stringToSign, signature };
}

/** The `Authorization` header value. */
export function acs3Authorization(accessKeyId: string, signed: Acs3Signature): string {
  return `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signed.signedHeaders},Signature=${signed.signature}`;
}

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** Reads an `Authorization` header of this scheme; null when it is not one. */
export function parseAcs3Authorization(value: string): Acs3Authorization | null {
  const match = /^ACS3-HMAC-SHA256 Credential=([^,\s]+),SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})$/.exec(value);
  if (match === null) return null;
  const [, accessKeyId = '', signedHeaders = '', signature = ''] = match;
  return { accessKeyId, signedHeaders: signedHeaders.split(';'), signature };
}
