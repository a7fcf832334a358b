/**
 * QQ Connect (graph.qq.com) client. QQ answers in three formats (JSON, JSONP, URL-encoded),
 * puts errors inside HTTP 200 and sends `expires_in` as a string; all of that is handled
 * here and nowhere else. See ../../shared/qq-connect.md.
 */
import * as z from 'zod/mini';
import { once } from '../memo';

const AUTHORIZE_PATH = '/oauth2.0/authorize';
const TOKEN_PATH = '/oauth2.0/token';
const ME_PATH = '/oauth2.0/me';
const USER_INFO_PATH = '/user/get_user_info';

export interface QQConfig {
  appId: string;
  appKey: string;
  redirectUri: string;
  apiBase: string;
  fetch: typeof fetch;
  timeoutMs: number;
}

export interface QQTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Seconds the access token lives. */
  expiresIn: number;
}

export interface QQIdentity {
  /** The app the access token was issued to. */
  clientId: string;
  openid: string;
  unionid: string | null;
}

export interface QQProfile {
  nickname: string;
  avatar: string | null;
}

/**
 * Why a QQ call failed. `code_invalid`: the authorization code was refused;
 * `token_invalid`: the access token was refused; `unionid_denied`: the app has no unionid
 * grant; `no_permission`: the app may not call that API; `config`: QQ refused our app
 * settings; `unavailable`: unreachable, timed out, or an answer we cannot read.
 */
export type QQErrorKind = 'code_invalid' | 'token_invalid' | 'unionid_denied' | 'no_permission' | 'config' | 'unavailable';

export class QQError extends Error {
  constructor(
    readonly kind: QQErrorKind,
    /** QQ's numeric error (`error` or `ret`), when QQ gave one. */
    readonly qqCode: number | null,
    description: string,
  ) {
    super(`QQ ${kind}${qqCode === null ? '' : ` (${qqCode})`}: ${description}`);
  }
}

const CODE_ERRORS = new Set([100005, 100019, 100020]);
const TOKEN_ERRORS = new Set([100013, 100014, 100015, 100016]);
const UNIONID_ERRORS = new Set([100048, 100049]);
const PERMISSION_ERRORS = new Set([100030, 100031]);
const CONFIG_ERRORS: Record<number, string> = {
  100008: 'QQ_APP_ID unknown to QQ',
  100009: 'QQ_APP_KEY rejected',
  100010: 'QQ_REDIRECT_URI rejected',
  100011: 'QQ app is not online',
  110406: 'QQ app is not approved',
};

/** QQ's authorize page; `display: 'mobile'` asks for its mobile layout instead of the desktop QR code. */
export function authorizationUrl(config: QQConfig, state: string, display?: 'mobile'): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.appId,
    redirect_uri: config.redirectUri,
    state,
    scope: 'get_user_info',
  });
  if (display !== undefined) params.set('display', display);
  return `${config.apiBase}${AUTHORIZE_PATH}?${params}`;
}

/** Exchanges an authorization code. Never retried: a code that reached QQ is spent. */
export async function exchangeCode(config: QQConfig, code: string): Promise<QQTokens> {
  const body = await call(config, TOKEN_PATH, {
    grant_type: 'authorization_code',
    client_id: config.appId,
    client_secret: config.appKey,
    code,
    redirect_uri: config.redirectUri,
    fmt: 'json',
  });
  return tokensFrom(body);
}

/** Asks QQ whose token this is. With `unionid`, QQ adds the unionid if the app may have it. */
export async function getIdentity(config: QQConfig, accessToken: string, unionid: boolean): Promise<QQIdentity> {
  const params: Record<string, string> = { access_token: accessToken, fmt: 'json' };
  if (unionid) params.unionid = '1';
  const parsed = answers().identity.safeParse(await call(config, ME_PATH, params));
  if (!parsed.success) throw new QQError('unavailable', null, 'unexpected /oauth2.0/me answer');
  return { clientId: parsed.data.client_id, openid: parsed.data.openid, unionid: parsed.data.unionid ?? null };
}

/** The QQ nickname and avatar (https, largest available). */
export async function getProfile(config: QQConfig, accessToken: string, openid: string): Promise<QQProfile> {
  const parsed = answers().profile.safeParse(
    await call(config, USER_INFO_PATH, { access_token: accessToken, oauth_consumer_key: config.appId, openid }),
  );
  if (!parsed.success) throw new QQError('unavailable', null, 'unexpected get_user_info answer');
  const p = parsed.data;
  const avatar = [p.figureurl_qq_2, p.figureurl_qq_1, p.figureurl_2, p.figureurl_1].find((u) => u) ?? null;
  return { nickname: p.nickname, avatar: avatar === null ? null : https(avatar) };
}

/**
 * Reads any body QQ sends: JSON, JSONP (`callback( {...} );`, with whitespace and a
 * trailing comma) or URL-encoded. Returns null for anything else.
 */
export function parseQQBody(text: string): Record<string, unknown> | null {
  const trimmed = text.trim();
  const jsonp = /^[\w$.]+\s*\(\s*([\s\S]*?)\s*\)\s*;?$/.exec(trimmed);
  const json = jsonp ? jsonp[1] : trimmed;
  if (json !== undefined && json.startsWith('{')) {
    return parseObject(json) ?? parseObject(json.replace(/,\s*}$/, '}'));
  }
  if (/^[\w.~%+-]+=[^\s]*$/.test(trimmed)) {
    return Object.fromEntries(new URLSearchParams(trimmed));
  }
  return null;
}

async function call(config: QQConfig, path: string, params: Record<string, string>): Promise<Record<string, unknown>> {
  let response: Response;
  let text: string;
  try {
    response = await config.fetch(`${config.apiBase}${path}?${new URLSearchParams(params)}`, {
      headers: { accept: 'application/json, text/html;q=0.9' },
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    const reason = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError') ? 'timed out' : 'unreachable';
    throw new QQError('unavailable', null, `${path} ${reason}`);
  }
  if (!response.ok) throw new QQError('unavailable', null, `${path} answered HTTP ${response.status}`);
  const body = parseQQBody(text);
  if (body === null) throw new QQError('unavailable', null, `${path} answered in an unknown format`);
  // QQ answers errors with HTTP 200: the body is the verdict.
  const code = errorCodeOf(body);
  if (code !== null) throw errorFor(code, stringField(body, 'error_description') ?? stringField(body, 'msg') ?? '');
  return body;
}

function errorCodeOf(body: Record<string, unknown>): number | null {
  for (const key of ['error', 'ret'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    const n = Number(value);
    if (key === 'ret' && n === 0) return null;
    return Number.isFinite(n) ? n : -1;
  }
  return null;
}

function errorFor(code: number, description: string): QQError {
  if (CODE_ERRORS.has(code)) return new QQError('code_invalid', code, description);
  if (TOKEN_ERRORS.has(code)) return new QQError('token_invalid', code, description);
  if (UNIONID_ERRORS.has(code)) return new QQError('unionid_denied', code, description);
  if (PERMISSION_ERRORS.has(code)) return new QQError('no_permission', code, description);
  const config = CONFIG_ERRORS[code];
  if (config !== undefined) return new QQError('config', code, config);
  // get_user_info's "please log in".
  if (code === 1002) return new QQError('token_invalid', code, description);
  return new QQError('unavailable', code, description);
}

// Built on the first QQ answer, not at startup.
const answers = once(() => ({
  token: z.object({
    access_token: z.string().check(z.minLength(1)),
    // A number in old answers, a string in live JSON ones.
    expires_in: z.catch(z.coerce.number().check(z.int(), z.positive()), 7776000),
    refresh_token: z.optional(z.string().check(z.minLength(1))),
  }),
  identity: z.object({
    client_id: z.coerce.string().check(z.minLength(1)),
    openid: z.string().check(z.minLength(1)),
    unionid: z.optional(z.string().check(z.minLength(1))),
  }),
  profile: z.object({
    nickname: z.catch(z.string(), ''),
    figureurl_qq_1: z.optional(z.string()),
    figureurl_qq_2: z.optional(z.string()),
    figureurl_1: z.optional(z.string()),
    figureurl_2: z.optional(z.string()),
  }),
}));

function tokensFrom(body: Record<string, unknown>): QQTokens {
  const parsed = answers().token.safeParse(body);
  if (!parsed.success) throw new QQError('unavailable', null, 'unexpected /oauth2.0/token answer');
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token ?? null,
    expiresIn: parsed.data.expires_in,
  };
}

function parseObject(json: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : null;
  } catch {
    return null;
  }
}

function stringField(body: Record<string, unknown>, key: string): string | null {
  const value = body[key];
  return typeof value === 'string' ? value : null;
}

function https(url: string): string {
  return url.replace(/^http:\/\//i, 'https://');
}
