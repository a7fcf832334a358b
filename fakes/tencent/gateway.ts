// What Tencent Cloud's API 3.0 gateway checks before an action runs, shared by the fake SMS
// and Captcha services: the X-TC-* headers, the 5-minute timestamp window and the TC3
// signature over the request exactly as received. Errors come inside HTTP 200, as
// `{ Response: { Error: { Code, Message }, RequestId } }`.
import { parseTc3Authorization, tc3Sign, utcDate } from '../../src/tencent/tc3';
import { requestId } from '../kit';

export interface TencentKeys {
  secretId: string;
  secretKey: string;
}

export interface TencentApi {
  service: string;
  action: string;
  version: string;
  /** The regions X-TC-Region may name; null when the service takes none. */
  regions: readonly string[] | null;
}

export interface TencentError {
  Code: string;
  Message: string;
}

const WINDOW_SECONDS = 300;

const error = (Code: string, Message: string): TencentError => ({ Code, Message });

/** The gateway's verdict on a request: null when it may reach the action. */
export async function checkTencentCall(
  request: Request,
  body: string,
  api: TencentApi,
  keys: TencentKeys,
  nowMs: number,
): Promise<TencentError | null> {
  const h = request.headers;
  const action = h.get('x-tc-action');
  if (!action) return error('MissingParameter', 'The request is missing a required parameter `X-TC-Action`.');
  if (action !== api.action) return error('InvalidAction', `The requested action \`${action}\` does not exist.`);
  const version = h.get('x-tc-version');
  if (!version) return error('MissingParameter', 'The request is missing a required parameter `X-TC-Version`.');
  if (version !== api.version) return error('NoSuchVersion', `The requested version \`${version}\` of service \`${api.service}\` does not exist.`);
  if (api.regions !== null) {
    const region = h.get('x-tc-region');
    if (!region) return error('MissingParameter', 'The request is missing a required parameter `X-TC-Region`.');
    if (!api.regions.includes(region)) return error('UnsupportedRegion', `${api.action} does not support region \`${region}\`.`);
  }
  if (!/^application\/json\b/i.test(h.get('content-type') ?? '')) {
    return error('InvalidParameter', 'Content-Type must be application/json for a POST request.');
  }
  const rawTimestamp = h.get('x-tc-timestamp');
  if (!rawTimestamp) return error('MissingParameter', 'The request is missing a required parameter `X-TC-Timestamp`.');
  if (!/^\d{1,12}$/.test(rawTimestamp)) return error('InvalidParameter', 'X-TC-Timestamp is not a Unix timestamp.');
  const timestamp = Number(rawTimestamp);
  const serverTime = Math.floor(nowMs / 1000);
  if (Math.abs(serverTime - timestamp) > WINDOW_SECONDS) {
    return error('AuthFailure.SignatureExpire', `Signature expired. Timestamp: ${timestamp}. Server time: ${serverTime}.`);
  }
  const auth = parseTc3Authorization(h.get('authorization') ?? '');
  if (auth === null) return error('AuthFailure.InvalidAuthorization', 'The Authorization header is not in the TC3-HMAC-SHA256 format.');
  if (auth.secretId !== keys.secretId) return error('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
  if (!auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host')) {
    return error('AuthFailure.InvalidAuthorization', 'SignedHeaders must include content-type and host.');
  }
  const signatureFailure = error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
  if (auth.date !== utcDate(timestamp) || auth.service !== api.service) return signatureFailure;
  const signedValues: [string, string][] = [];
  for (const name of auth.signedHeaders) {
    // Host is the connection's (the URL's) when the transport did not spell it out.
    const value = name === 'host' ? (h.get('host') ?? new URL(request.url).host) : h.get(name);
    if (value === null) return signatureFailure;
    signedValues.push([name, value]);
  }
  const expected = await tc3Sign({ secretKey: keys.secretKey, service: api.service, timestamp, headers: signedValues, payload: body });
  if (expected.signedHeaders !== auth.signedHeaders.join(';') || expected.signature !== auth.signature) return signatureFailure;
  return null;
}

/** An answer in Tencent's envelope, always HTTP 200. */
export function tencentAnswer(response: object): Response {
  return Response.json({ Response: { ...response, RequestId: requestId() } });
}

export function tencentError(err: TencentError): Response {
  return tencentAnswer({ Error: err });
}
