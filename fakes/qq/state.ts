// The fake QQ's state: users, codes and tokens, the failure modes and the call log, with
// QQ's checks on them (the order QQ checks in, the error codes it answers). No HTTP here:
// fakes/qq/app.ts serves it.
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
export const ALL_MODES = [...COMMON_MODES, 'jsonp-trailing-comma', 'no-permission'] as const;

export interface FakeQQOptions {
  appId?: string;
  appKey?: string;
  /** Hosts (any scheme/port, subdomains included) or exact origins ("http://localhost:8787"). */
  redirectDomains?: readonly string[];
  latencyMs?: number;
  unionidGranted?: boolean;
  now?: () => number;
}
export type Config = Required<FakeQQOptions>;

export function configFrom(options: FakeQQOptions): Config {
  return {
    appId: options.appId ?? DEFAULT_APP_ID,
    appKey: options.appKey ?? DEFAULT_APP_KEY,
    redirectDomains: options.redirectDomains ?? ['localhost', '127.0.0.1'],
    latencyMs: options.latencyMs ?? 0,
    unionidGranted: options.unionidGranted ?? true,
    now: options.now ?? Date.now,
  };
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

export const PRESET_USERS: readonly FakeUser[] = [
  { openid: '5E8F1C2A9B7D4E6F8A0B1C2D3E4F5A61', unionid: 'UID_7C1E0A9B3D5F4B2A8E6C0D1F2A3B4C51',
    nickname: '小明', gender: '男', province: '广东', city: '深圳', year: '1990', hasLargeAvatar: true },
  { openid: '5E8F1C2A9B7D4E6F8A0B1C2D3E4F5A62', unionid: 'UID_7C1E0A9B3D5F4B2A8E6C0D1F2A3B4C52',
    nickname: '小红', gender: '女', province: '浙江', city: '杭州', year: '1995', hasLargeAvatar: true },
  { openid: '5E8F1C2A9B7D4E6F8A0B1C2D3E4F5A63', unionid: 'UID_7C1E0A9B3D5F4B2A8E6C0D1F2A3B4C53',
    nickname: '老王', gender: '男', province: '北京', city: '北京', year: '1978', hasLargeAvatar: false },
];

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

/** Misuse of the fake's controls (unknown user, bad mode...): a 400 over HTTP. */
export class FakeQQError extends Error {}

const CODE_TTL_MS = 10 * 60 * 1000;
// QQ's captures disagree: URL-encoded answers say 90 days, live fmt=json answers 60 days.
export const TOKEN_TTL_SECONDS = 7_776_000;
export const JSON_TOKEN_TTL_SECONDS = 5_184_000;

export interface QQError { error: number; error_description: string }
const qqError = (error: number, error_description: string): QQError => ({ error, error_description });
// 100000-100007 and 100022 come from QQ's error-code table; their English texts are our guesses.
export const ERR = {
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
const NOT_LOGGED_IN = { ret: 1002, msg: '请先登录' };
const BAD_CONSUMER_KEY = { ret: -1, msg: "client request's parameters are invalid, invalid oauth_consumer_key" };
const NO_PERMISSION = { ret: 100030, msg: '用户没有对该api进行授权，或用户在腾讯侧删除了该api的权限' };

export type Params = Readonly<Record<string, string>>;
export interface Subject { clientId: string; openid: string }
interface CodeGrant extends Subject { redirectUri: string; expiresAt: number; used: boolean }
interface TokenGrant extends Subject { expiresAt: number }

function randomHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
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

export class QQState {
  readonly users = new Map<string, FakeUser>();
  readonly codes = new Map<string, CodeGrant>();
  readonly tokens = new Map<string, TokenGrant>();
  readonly refreshTokens = new Map<string, Subject>();
  readonly modes = new Map<Endpoint, Mode>();
  readonly calls = new CallLog();

  constructor(readonly config: Config) {
    this.reset();
  }

  /** Back to the initial state: preset users only, no codes or tokens, normal modes, empty call log. */
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
