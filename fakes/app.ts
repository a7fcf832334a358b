// A fake graph.qq.com (QQ Connect) for local development and tests.
// It reproduces the wire formats described in shared/qq-connect.md, quirks included.
import { Hono } from 'hono';
import type { Context, HonoRequest, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { zValidator } from '@hono/zod-validator';
import * as z from 'zod';
import { authorizePage, messagePage, type AuthorizeForm } from './pages';

export const DEFAULT_APP_ID = '101000001';
export const DEFAULT_APP_KEY = 'fake-qq-app-key-0000000000000000';

export const ENDPOINTS = ['token', 'me', 'userinfo'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

const COMMON_MODES = ['normal', 'down', 'unreachable', 'garbage', 'hang'] as const;
type CommonMode = (typeof COMMON_MODES)[number];
export interface ModeByEndpoint {
  token: CommonMode;
  me: CommonMode | 'jsonp-trailing-comma';
  userinfo: CommonMode | 'no-permission';
}
export type Mode = ModeByEndpoint[Endpoint];
const MODES: { [E in Endpoint]: readonly ModeByEndpoint[E][] } = {
  token: COMMON_MODES,
  me: [...COMMON_MODES, 'jsonp-trailing-comma'],
  userinfo: [...COMMON_MODES, 'no-permission'],
};
const ALL_MODES = [...COMMON_MODES, 'jsonp-trailing-comma', 'no-permission'] as const;

export interface FakeQQOptions {
  appId?: string;
  appKey?: string;
  /** Hosts (any scheme/port, subdomains included) or exact origins ("http://localhost:8787"). */
  redirectDomains?: readonly string[];
  latencyMs?: number;
  unionidGranted?: boolean;
  now?: () => number;
}

export interface FakeUser {
  readonly openid: string;
  readonly unionid: string;
  readonly nickname: string;
  readonly gender: '男' | '女';
  readonly province: string;
  readonly city: string;
  readonly year: string;
  /** false: get_user_info answers an empty figureurl_qq_2, as QQ sometimes does. */
  readonly hasLargeAvatar: boolean;
}
export type NewUser = Pick<FakeUser, 'nickname'> & Partial<Omit<FakeUser, 'nickname'>>;

export interface Call {
  readonly endpoint: Endpoint;
  readonly params: Readonly<Record<string, string>>;
}
/** An array (so tests can filter and compare it) that can also be emptied. */
export class CallLog extends Array<Call> {
  clear(): void {
    this.length = 0;
  }
}

export interface FakeQQ {
  /** Drop-in for the global fetch: rejects like fetch on abort and in 'unreachable' mode. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  readonly appId: string;
  readonly appKey: string;
  readonly users: { add(user: NewUser): FakeUser; get(openid: string): FakeUser | undefined; list(): FakeUser[] };
  addUser(user: NewUser): FakeUser;
  issueCode(grant: { openid: string; redirectUri: string; clientId?: string }): string;
  issueAccessToken(grant: { openid: string; clientId?: string; expiresIn?: number }): string;
  setMode<E extends Endpoint>(endpoint: E, mode: ModeByEndpoint[E]): void;
  /** API calls received (token, me, userinfo), oldest first; 'unreachable' calls never arrive. */
  readonly calls: CallLog;
  /** Back to the initial state: preset users only, no codes or tokens, normal modes, empty call log. */
  reset(): void;
}

export const PRESET_USERS: readonly FakeUser[] = [
  { openid: '5E8F1C2A9B7D4E6F8A0B1C2D3E4F5A61', unionid: 'UID_7C1E0A9B3D5F4B2A8E6C0D1F2A3B4C51',
    nickname: '小明', gender: '男', province: '广东', city: '深圳', year: '1990', hasLargeAvatar: true },
  { openid: '5E8F1C2A9B7D4E6F8A0B1C2D3E4F5A62', unionid: 'UID_7C1E0A9B3D5F4B2A8E6C0D1F2A3B4C52',
    nickname: '小红', gender: '女', province: '浙江', city: '杭州', year: '1995', hasLargeAvatar: true },
  { openid: '5E8F1C2A9B7D4E6F8A0B1C2D3E4F5A63', unionid: 'UID_7C1E0A9B3D5F4B2A8E6C0D1F2A3B4C53',
    nickname: '老王', gender: '男', province: '北京', city: '北京', year: '1978', hasLargeAvatar: false },
];

const CODE_TTL_MS = 10 * 60 * 1000;
// QQ's captures disagree: URL-encoded answers say 90 days, live fmt=json answers 60 days.
const TOKEN_TTL_SECONDS = 7_776_000;
const JSON_TOKEN_TTL_SECONDS = 5_184_000;
// 'hang' needs a pending timer: workerd cancels a request whose promise can never settle.
const HANG_LIMIT_MS = 60_000;
const API_PATHS = new Map<string, Endpoint>([
  ['/oauth2.0/token', 'token'],
  ['/oauth2.0/me', 'me'],
  ['/user/get_user_info', 'userinfo'],
]);

interface QQError { error: number; error_description: string }
const qqError = (error: number, error_description: string): QQError => ({ error, error_description });
// 100000-100007 and 100022 come from QQ's error-code table; their English texts are our guesses.
const ERR = {
  responseType: qqError(100000, 'response_type is wrong or lost'),
  grantType: qqError(100004, 'param grant_type is wrong or lost'),
  codeMissing: qqError(100005, 'param code is wrong or lost'),
  refreshMissing: qqError(100006, 'param refresh_token is wrong or lost'),
  tokenMissing: qqError(100007, 'param access token is wrong or lost'),
  clientId: qqError(100008, 'client id is illegal'),
  clientSecret: qqError(100009, 'client secret is illegal'),
  redirectUri: qqError(100010, 'redirect uri is illegal'),
  tokenIllegal: qqError(100013, 'access token is illegal'),
  tokenExpired: qqError(100014, 'access token is expired'),
  codeInvalid: qqError(100019, 'code to access token error'),
  codeReused: qqError(100020, 'code is reused error'),
  refreshInvalid: qqError(100022, 'refresh token is illegal'),
  unionid: qqError(100048, 'CompanyID not set'),
};
// QQ's wiki shows this body verbatim, trailing comma and all.
const CHECK_FAILED_BODY = '{ "error":100016, "error_description":"access token check failed", }';
const NOT_LOGGED_IN = { ret: 1002, msg: '请先登录' };
const BAD_CONSUMER_KEY = { ret: -1, msg: "client request's parameters are invalid, invalid oauth_consumer_key" };
const NO_PERMISSION = { ret: 100030, msg: '用户没有对该api进行授权，或用户在腾讯侧删除了该api的权限' };
const DOWN_HTML = '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>';
const GARBAGE_HTML = '<!DOCTYPE html><html><head><title>QQ互联</title></head><body><p>系统繁忙，请稍后再试。</p></body></html>';

/** Misuse of the fake's controls (unknown user, bad mode...): a 400 over HTTP. */
export class FakeQQError extends Error {}

type Params = Readonly<Record<string, string>>;
interface Subject { clientId: string; openid: string }
interface CodeGrant extends Subject { redirectUri: string; expiresAt: number; used: boolean }
interface TokenGrant extends Subject { expiresAt: number }
type AppEnv = { Bindings: { signal: AbortSignal }; Variables: { params: Params } };
type Config = Required<FakeQQOptions>;

function randomHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}

/** Resolves after `ms`, rejects with the signal's reason as soon as it aborts; leaves no timer behind. */
function waitFor(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function readParams(req: HonoRequest): Promise<Params> {
  const params: Record<string, string> = { ...req.query() };
  if (req.method === 'POST') {
    for (const [key, value] of Object.entries(await req.parseBody())) {
      if (typeof value === 'string') params[key] = value;
    }
  }
  return params;
}

function redirectAllowed(uri: string, domains: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return domains.some((domain) =>
    domain.includes('://')
      ? url.origin === domain.replace(/\/$/, '')
      : url.hostname === domain || url.hostname.endsWith(`.${domain}`),
  );
}

/** Appends QQ's callback parameters, leaving the rest of redirect_uri as registered. */
function appendQuery(uri: string, params: Record<string, string | undefined>): string {
  const base = uri.split('#')[0] ?? uri;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  return `${base}${base.includes('?') ? '&' : '?'}${query.toString()}`;
}

function callbackBody(params: Params, json: string): string {
  return params.fmt === 'json' ? json : `callback( ${json} );\n`;
}

function qqText(c: Context<AppEnv>, body: string, contentType = 'text/html'): Response {
  return c.body(body, 200, { 'Content-Type': contentType });
}

function profile(user: FakeUser, appId: string): Record<string, string | number> {
  const qzapp = `http://qzapp.qlogo.cn/qzapp/${appId}/${user.openid}`;
  const qq = (size: number): string => `http://thirdqq.qlogo.cn/g?b=oidb&k=${user.openid}&s=${size}`;
  return {
    ret: 0, msg: '', is_lost: 0, nickname: user.nickname, gender: user.gender,
    province: user.province, city: user.city, year: user.year,
    figureurl: `${qzapp}/30`, figureurl_1: `${qzapp}/50`, figureurl_2: `${qzapp}/100`,
    figureurl_qq_1: qq(40), figureurl_qq_2: user.hasLargeAvatar ? qq(100) : '',
    figureurl_qq: user.hasLargeAvatar ? qq(640) : qq(40), figureurl_type: '1',
    is_yellow_vip: '0', vip: '0', yellow_vip_level: '0', level: '0', is_yellow_year_vip: '0',
  };
}

class QQState {
  readonly users = new Map<string, FakeUser>();
  readonly codes = new Map<string, CodeGrant>();
  readonly tokens = new Map<string, TokenGrant>();
  readonly refreshTokens = new Map<string, Subject>();
  readonly modes = new Map<Endpoint, Mode>();
  readonly calls = new CallLog();

  constructor(private readonly config: Config) {
    this.reset();
  }

  reset(): void {
    this.users.clear();
    for (const user of PRESET_USERS) this.users.set(user.openid, user);
    this.codes.clear();
    this.tokens.clear();
    this.refreshTokens.clear();
    this.modes.clear();
    this.calls.clear();
  }

  addUser(input: NewUser): FakeUser {
    const nickname = input.nickname.trim();
    if (nickname === '') throw new FakeQQError('nickname is required');
    const openid = input.openid ?? randomHex();
    if (this.users.has(openid)) throw new FakeQQError(`user ${openid} already exists`);
    const user: FakeUser = {
      openid, nickname, unionid: input.unionid ?? `UID_${randomHex()}`, gender: input.gender ?? '男',
      province: input.province ?? '广东', city: input.city ?? '广州', year: input.year ?? '2000',
      hasLargeAvatar: input.hasLargeAvatar ?? true,
    };
    this.users.set(openid, user);
    return user;
  }

  private requireUser(openid: string): void {
    if (!this.users.has(openid)) throw new FakeQQError(`no fake QQ user with openid ${openid}`);
  }

  issueCode(grant: { openid: string; redirectUri: string; clientId?: string }): string {
    this.requireUser(grant.openid);
    const code = randomHex();
    this.codes.set(code, {
      clientId: grant.clientId ?? this.config.appId, openid: grant.openid, redirectUri: grant.redirectUri,
      expiresAt: this.config.now() + CODE_TTL_MS, used: false,
    });
    return code;
  }

  issueTokens(subject: Subject, ttlSeconds: number): { accessToken: string; refreshToken: string } {
    const accessToken = randomHex();
    const refreshToken = randomHex();
    this.tokens.set(accessToken, { ...subject, expiresAt: this.config.now() + ttlSeconds * 1000 });
    this.refreshTokens.set(refreshToken, subject);
    return { accessToken, refreshToken };
  }

  issueAccessToken(grant: { openid: string; clientId?: string; expiresIn?: number }): string {
    this.requireUser(grant.openid);
    const subject = { clientId: grant.clientId ?? this.config.appId, openid: grant.openid };
    return this.issueTokens(subject, grant.expiresIn ?? TOKEN_TTL_SECONDS).accessToken;
  }

  setMode(endpoint: Endpoint, mode: Mode): void {
    const allowed: readonly Mode[] = MODES[endpoint];
    if (!allowed.includes(mode)) throw new FakeQQError(`mode ${mode} does not apply to ${endpoint}`);
    this.modes.set(endpoint, mode);
  }

  mode(endpoint: Endpoint): Mode {
    return this.modes.get(endpoint) ?? 'normal';
  }

  /** The checks of /oauth2.0/token, in QQ's order: the app first, then the grant. */
  grant(p: Params): Subject | QQError {
    if (p.client_id !== this.config.appId) return ERR.clientId;
    if (p.client_secret !== this.config.appKey) return ERR.clientSecret;
    if (p.grant_type === 'authorization_code') return this.exchangeCode(p);
    if (p.grant_type === 'refresh_token') return this.refresh(p);
    return ERR.grantType;
  }

  private exchangeCode(p: Params): Subject | QQError {
    if (!p.code) return ERR.codeMissing;
    const grant = this.codes.get(p.code);
    if (grant === undefined) return ERR.codeInvalid;
    if (grant.used) return ERR.codeReused;
    if (grant.expiresAt <= this.config.now()) return ERR.codeInvalid;
    grant.used = true; // a code that reached QQ is spent, whatever the rest of the request says
    if (grant.clientId !== p.client_id) return ERR.codeInvalid;
    if (grant.redirectUri !== p.redirect_uri) return ERR.redirectUri;
    return { clientId: grant.clientId, openid: grant.openid };
  }

  private refresh(p: Params): Subject | QQError {
    if (!p.refresh_token) return ERR.refreshMissing;
    const subject = this.refreshTokens.get(p.refresh_token);
    if (subject === undefined || subject.clientId !== p.client_id) return ERR.refreshInvalid;
    return subject;
  }

  checkToken(token: string | undefined): { clientId: string; user: FakeUser } | QQError {
    if (!token) return ERR.tokenMissing;
    const grant = this.tokens.get(token);
    const user = grant && this.users.get(grant.openid);
    if (grant === undefined || user === undefined) return ERR.tokenIllegal;
    if (grant.expiresAt <= this.config.now()) return ERR.tokenExpired;
    return { clientId: grant.clientId, user };
  }

  userInfo(p: Params): object {
    if (this.mode('userinfo') === 'no-permission') return NO_PERMISSION;
    const grant = this.checkToken(p.access_token);
    if ('error' in grant || grant.user.openid !== p.openid) return NOT_LOGGED_IN;
    if (grant.clientId !== p.oauth_consumer_key) return BAD_CONSUMER_KEY;
    return profile(grant.user, grant.clientId);
  }
}

function buildApp(config: Config, state: QQState): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Logs the call, then applies latency and the endpoint's failure mode.
  const api = (endpoint: Endpoint): MiddlewareHandler<AppEnv> => async (c, next) => {
    const params = await readParams(c.req);
    state.calls.push({ endpoint, params });
    c.set('params', params);
    if (config.latencyMs > 0) await waitFor(c.env.signal, config.latencyMs);
    const mode = state.mode(endpoint);
    if (mode === 'down') return c.html(DOWN_HTML, 503);
    if (mode === 'garbage') return c.html(GARBAGE_HTML);
    if (mode === 'hang') {
      await waitFor(c.env.signal, HANG_LIMIT_MS);
      return c.text('fake QQ: hang limit reached', 504);
    }
    await next();
  };

  app.on(['GET', 'POST'], '/oauth2.0/token', api('token'), (c) => {
    const p = c.var.params;
    const subject = state.grant(p);
    if ('error' in subject) return qqText(c, callbackBody(p, JSON.stringify(subject)));
    const json = p.fmt === 'json';
    const ttl = json ? JSON_TOKEN_TTL_SECONDS : TOKEN_TTL_SECONDS;
    const { accessToken, refreshToken } = state.issueTokens(subject, ttl);
    const answer = { access_token: accessToken, expires_in: String(ttl), refresh_token: refreshToken };
    return qqText(c, json ? JSON.stringify(answer) : new URLSearchParams(answer).toString());
  });

  app.get('/oauth2.0/me', api('me'), (c) => {
    const p = c.var.params;
    if (state.mode('me') === 'jsonp-trailing-comma') return qqText(c, callbackBody(p, CHECK_FAILED_BODY));
    const grant = state.checkToken(p.access_token);
    if ('error' in grant) return qqText(c, callbackBody(p, JSON.stringify(grant)));
    const wantsUnionid = p.unionid === '1';
    if (wantsUnionid && !config.unionidGranted) return qqText(c, callbackBody(p, JSON.stringify(ERR.unionid)));
    const answer = { client_id: grant.clientId, openid: grant.user.openid };
    const body = wantsUnionid ? { ...answer, unionid: grant.user.unionid } : answer;
    return qqText(c, callbackBody(p, JSON.stringify(body)));
  });

  app.get('/user/get_user_info', api('userinfo'), (c) =>
    qqText(c, JSON.stringify(state.userInfo(c.var.params)), 'text/html; charset=utf-8'),
  );

  app.on(['GET', 'POST'], '/oauth2.0/authorize', async (c) => {
    const p = await readParams(c.req);
    const form = checkAuthorize(config, p);
    if ('error' in form) return c.html(messagePage('QQ登录', `${form.error_description}(${form.error})`));
    if (c.req.method === 'GET') return c.html(authorizePage(form, [...state.users.values()]));
    if (p.action === 'cancel') {
      const back = { href: `${new URL(form.redirectUri).origin}/login`, label: '返回应用登录页' };
      return c.html(messagePage('已取消', '你已取消本次 QQ 登录。（真实的 QQ 取消后不会跳回应用。）', back));
    }
    const nickname = p.nickname?.trim() ?? '';
    const user = p.action === 'create' && nickname !== '' ? state.addUser({ nickname }) : state.users.get(p.openid ?? '');
    if (user === undefined) {
      return c.html(authorizePage(form, [...state.users.values()], '请选择一个用户，或填写新用户的昵称。'), 400);
    }
    const code = state.issueCode({ openid: user.openid, redirectUri: form.redirectUri, clientId: form.clientId });
    return c.redirect(appendQuery(form.redirectUri, { code, state: form.state }), 302);
  });

  app.route('/__fake', devControls(state));

  app.onError((err, c) => {
    if (c.env.signal.aborted) throw err; // reject like fetch does when the caller aborts
    if (err instanceof FakeQQError) return c.json({ error: err.message }, 400);
    if (err instanceof HTTPException) return err.getResponse();
    throw err;
  });
  return app;
}

function checkAuthorize(config: Config, p: Params): AuthorizeForm | QQError {
  if (p.response_type !== 'code') return ERR.responseType;
  if (p.client_id !== config.appId) return ERR.clientId;
  if (!p.redirect_uri || !redirectAllowed(p.redirect_uri, config.redirectDomains)) return ERR.redirectUri;
  return {
    clientId: p.client_id, redirectUri: p.redirect_uri, state: p.state,
    scope: p.scope ?? 'get_user_info', display: p.display,
  };
}

/** HTTP form of the test controls, for the benchmark and browser tests. Never deployed. */
function devControls(state: QQState): Hono<AppEnv> {
  const dev = new Hono<AppEnv>();
  const codeBody = z.object({ openid: z.string(), redirect_uri: z.string(), client_id: z.string().optional() });
  const tokenBody = z.object({
    openid: z.string(), client_id: z.string().optional(), expires_in: z.number().int().positive().optional(),
  });
  const modeBody = z.object({ endpoint: z.enum(ENDPOINTS), mode: z.enum(ALL_MODES) });
  const userBody = z.object({
    nickname: z.string(), openid: z.string().optional(), unionid: z.string().optional(),
    gender: z.enum(['男', '女']).optional(),
  });

  dev.post('/codes', zValidator('json', codeBody), (c) => {
    const { openid, redirect_uri, client_id } = c.req.valid('json');
    return c.json({ code: state.issueCode({ openid, redirectUri: redirect_uri, clientId: client_id }) });
  });
  dev.post('/tokens', zValidator('json', tokenBody), (c) => {
    const { openid, client_id, expires_in } = c.req.valid('json');
    return c.json({ access_token: state.issueAccessToken({ openid, clientId: client_id, expiresIn: expires_in }) });
  });
  dev.post('/mode', zValidator('json', modeBody), (c) => {
    const { endpoint, mode } = c.req.valid('json');
    state.setMode(endpoint, mode);
    return c.json({ endpoint, mode });
  });
  dev.post('/reset', (c) => {
    state.reset();
    return c.json({ ok: true });
  });
  dev.get('/users', (c) => c.json({ users: [...state.users.values()] }));
  dev.post('/users', zValidator('json', userBody), (c) => c.json(state.addUser(c.req.valid('json')), 201));
  dev.get('/calls', (c) => c.json({ calls: state.calls }));
  return dev;
}

export function createFakeQQ(options: FakeQQOptions = {}): FakeQQ {
  const config: Config = {
    appId: options.appId ?? DEFAULT_APP_ID,
    appKey: options.appKey ?? DEFAULT_APP_KEY,
    redirectDomains: options.redirectDomains ?? ['localhost', '127.0.0.1'],
    latencyMs: options.latencyMs ?? 0,
    unionidGranted: options.unionidGranted ?? true,
    now: options.now ?? Date.now,
  };
  const state = new QQState(config);
  const app = buildApp(config, state);

  const users = {
    add: (user: NewUser) => state.addUser(user),
    get: (openid: string) => state.users.get(openid),
    list: () => [...state.users.values()],
  };
  return {
    async fetch(input, init) {
      const signal = init?.signal ?? (input instanceof Request ? input.signal : null) ?? new AbortController().signal;
      signal.throwIfAborted();
      const request = new Request(input, init);
      const endpoint = API_PATHS.get(new URL(request.url).pathname);
      if (endpoint !== undefined && state.mode(endpoint) === 'unreachable') throw new TypeError('fetch failed');
      return app.fetch(request, { signal });
    },
    appId: config.appId,
    appKey: config.appKey,
    users,
    addUser: users.add,
    issueCode: (grant) => state.issueCode(grant),
    issueAccessToken: (grant) => state.issueAccessToken(grant),
    setMode: (endpoint, mode) => state.setMode(endpoint, mode),
    calls: state.calls,
    reset: () => state.reset(),
  };
}
