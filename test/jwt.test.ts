/**
 * Login tokens: HS256 pinned, `exp` required, `iss` checked. Every bad token gets the same
 * 401 `unauthorized`, through the worker and from `verifyToken` directly.
 */
import { env } from 'cloudflare:workers';
import { sign } from 'hono/jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueToken, verifyToken } from '../src/auth/jwt';
import { base64url } from '../src/crypto';
import { settingsOf, type Settings } from '../src/settings';
import { freshMobile, harness, expectedError } from './harness';
import { TEST_SETTINGS } from './settings';

const SECRET = TEST_SETTINGS.JWT_SECRET;
const ISSUER = TEST_SETTINGS.JWT_ISSUER;
const UNAUTHORIZED = expectedError('unauthorized');

const encoder = new TextEncoder();
const b64json = (value: unknown): string => base64url(encoder.encode(JSON.stringify(value)));

async function hs256(signingInput: string, secret = SECRET): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(signingInput))));
}

/** A JWT built by hand: any header, any payload, signed HS256 with `secret`. */
async function handMade(header: unknown, payload: unknown, secret = SECRET): Promise<string> {
  const input = `${b64json(header)}.${b64json(payload)}`;
  return `${input}.${await hs256(input, secret)}`;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const claims = (sub: string, extra: Record<string, unknown> = {}) => ({
  sub,
  iat: nowSeconds(),
  exp: nowSeconds() + 3600,
  iss: ISSUER,
  ...extra,
});

/** Replaces one character in the middle of `part` (never the last one, whose low bits may be unused). */
function flipMiddle(part: string): string {
  const i = Math.floor(part.length / 2);
  const c = part[i] === 'A' ? 'B' : 'A';
  return `${part.slice(0, i)}${c}${part.slice(i + 1)}`;
}

const h = harness();
let userId: number;
let otherUserId: number;
let validToken: string;

beforeAll(async () => {
  const user = await h.signUp(freshMobile());
  const other = await h.signUp(freshMobile());
  userId = user.userId;
  otherUserId = other.userId;
  validToken = user.token;
});

/** What the worker answers for `authorization`. */
async function me(authorization: string | null) {
  return h.call('GET', '/users/me', authorization === null ? {} : { headers: { authorization } });
}

const parts = (): [string, string, string] => validToken.split('.') as [string, string, string];

function validClaims(): Record<string, unknown> {
  const payload = parts()[1].replaceAll('-', '+').replaceAll('_', '/');
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
}

/** Tokens that must never log anyone in; built when the test runs (they need the signed-up user). */
const BAD_TOKENS: [string, () => Promise<string> | string][] = [
  ['a tampered payload (another sub, old signature)', () => `${parts()[0]}.${b64json({ ...validClaims(), sub: String(otherUserId) })}.${parts()[2]}`],
  ['a tampered signature', () => `${parts()[0]}.${parts()[1]}.${flipMiddle(parts()[2])}`],
  ['alg none with no signature', () => `${b64json({ alg: 'none', typ: 'JWT' })}.${b64json(claims(String(userId)))}.`],
  ['alg none with a junk signature', () => `${b64json({ alg: 'none', typ: 'JWT' })}.${b64json(claims(String(userId)))}.AAAA`],
  ['alg none in the header over a valid HS256 signature', () => handMade({ alg: 'none', typ: 'JWT' }, claims(String(userId)))],
  ['HS512 with the same secret', () => sign(claims(String(userId)), SECRET, 'HS512')],
  ['HS256 with another secret', () => sign(claims(String(userId)), 'another-secret-0123456789abcdef0123456789', 'HS256')],
  ['another issuer', () => sign(claims(String(userId), { iss: 'someone-else' }), SECRET, 'HS256')],
  ['no issuer', () => sign({ sub: String(userId), iat: nowSeconds(), exp: nowSeconds() + 3600 }, SECRET, 'HS256')],
  ['an expired exp', () => sign(claims(String(userId), { iat: nowSeconds() - 7200, exp: nowSeconds() - 60 }), SECRET, 'HS256')],
  ['no exp', () => sign({ sub: String(userId), iat: nowSeconds(), iss: ISSUER }, SECRET, 'HS256')],
  ['a string exp', () => handMade({ alg: 'HS256', typ: 'JWT' }, claims(String(userId), { exp: String(nowSeconds() + 3600) }))],
  ['a non-numeric sub', () => sign(claims('abc'), SECRET, 'HS256')],
  ['a sub with trailing letters', () => sign(claims(`${userId}abc`), SECRET, 'HS256')],
  ['a number (not string) sub', () => handMade({ alg: 'HS256', typ: 'JWT' }, { ...claims('x'), sub: userId })],
  ['a string ver', () => sign(claims(String(userId), { ver: '0' }), SECRET, 'HS256')],
  ['a negative ver', () => sign(claims(String(userId), { ver: -1 }), SECRET, 'HS256')],
  ['a fractional ver', () => sign(claims(String(userId), { ver: 0.5 }), SECRET, 'HS256')],
  ['two parts only', () => `${parts()[0]}.${parts()[1]}`],
  ['garbage', () => 'not-a-jwt'],
];

describe('GET /users/me with a bearer token', () => {
  it('answers 200 for a valid token', async () => {
    const answer = await me(`Bearer ${validToken}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ user: { id: userId } });
  });

  it('answers 401 unauthorized without an Authorization header', async () => {
    const answer = await me(null);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(UNAUTHORIZED);
  });

  it.each(BAD_TOKENS)('answers 401 unauthorized for %s', async (_, build) => {
    const answer = await me(`Bearer ${await build()}`);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(UNAUTHORIZED);
  });

  it('answers 401 unauthorized for a valid signature over an account that does not exist', async () => {
    const answer = await me(`Bearer ${await sign(claims('999999999'), SECRET, 'HS256')}`);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(UNAUTHORIZED);
  });

  it.each([
    ['Basic credentials', () => `Basic ${btoa('13800138000:password123')}`],
    ['Bearer without a token', () => 'Bearer'],
    ['Bearer and a space without a token', () => 'Bearer '],
    ['lower-case bearer', () => `bearer ${validToken}`],
    ['the token without a scheme', () => validToken],
    ['two spaces after Bearer', () => `Bearer  ${validToken}`],
    ['the token twice', () => `Bearer ${validToken} ${validToken}`],
  ])('answers 401 unauthorized for %s', async (_, header) => {
    const answer = await me(header());
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(UNAUTHORIZED);
  });

  it('answers the English message with Accept-Language: en', async () => {
    const answer = await h.call('GET', '/users/me', { headers: { authorization: 'Bearer x.y.z', 'accept-language': 'en' } });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(expectedError('unauthorized', 'en'));
  });
});

describe('verifyToken', () => {
  let settings: Settings;
  beforeAll(() => {
    settings = settingsOf({ ...TEST_SETTINGS, DB: env.DB, KV: env.KV, ASSETS: env.ASSETS });
  });

  it('returns the user id and token version of a token it issued', async () => {
    const { token, expiresIn } = await issueToken(settings, { id: 42, tokenVersion: 7 }, Date.now());
    expect(expiresIn).toBe(86400);
    expect(await verifyToken(settings, token)).toEqual({ userId: 42, version: 7 });
  });

  it('issues HS256 tokens with sub, iat, exp and iss as before, and ver', async () => {
    const now = Date.now();
    const { token } = await issueToken(settings, { id: 42, tokenVersion: 3 }, now);
    const [header = '', payload = ''] = token.split('.');
    const decode = (part: string): unknown => JSON.parse(atob(part.replaceAll('-', '+').replaceAll('_', '/')));
    expect(decode(header)).toMatchObject({ alg: 'HS256' });
    const iat = Math.floor(now / 1000);
    expect(decode(payload)).toEqual({ sub: '42', iat, exp: iat + 86400, iss: ISSUER, ver: 3 });
  });

  it('refuses a token past its exp', async () => {
    const { token } = await issueToken(settings, { id: 42, tokenVersion: 0 }, Date.now() - 86400 * 1000 - 5000);
    expect(await verifyToken(settings, token)).toBeNull();
  });

  it.each(BAD_TOKENS)('returns null for %s', async (_, build) => {
    expect(await verifyToken(settings, await build())).toBeNull();
  });

  it('accepts a hand-made HS256 token with the right claims (so the bad ones fail for their flaw)', async () => {
    expect(await verifyToken(settings, await handMade({ alg: 'HS256', typ: 'JWT' }, claims('42', { ver: 2 })))).toEqual({ userId: 42, version: 2 });
  });

  it('reads a token without ver (issued before tokens carried one) as version 0', async () => {
    expect(await verifyToken(settings, await handMade({ alg: 'HS256', typ: 'JWT' }, claims('42')))).toEqual({ userId: 42, version: 0 });
  });
});
