// A fake graph.qq.com (QQ Connect) for local development and tests: QQ's HTTP API and
// authorize page over the state in ./state.ts, with the wire formats of
// shared/qq-connect.md, quirks included, and the test controls over HTTP under /__fake/.
import { Hono } from 'hono';
import type { Context, HonoRequest, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { zValidator } from '@hono/zod-validator';
import * as z from 'zod';
import { waitFor } from '../kit';
import { authorizePage, messagePage, type AuthorizeForm } from './pages';
import {
  ALL_MODES, ENDPOINTS, ERR, FakeQQError, JSON_TOKEN_TTL_SECONDS, QQState, TOKEN_TTL_SECONDS, configFrom,
  type CallLog, type Config, type Endpoint, type FakeQQOptions, type FakeUser, type ModeByEndpoint, type NewUser,
  type Params, type QQError,
} from './state';

export interface FakeQQ {
  /** Drop-in for the global fetch: rejects like fetch on abort and in 'unreachable' mode. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  readonly appId: string;
  readonly appKey: string;
  addUser(user: NewUser): FakeUser;
  issueCode(grant: { openid: string; redirectUri: string; clientId?: string }): string;
  issueAccessToken(grant: { openid: string; clientId?: string; expiresIn?: number }): string;
  setMode<E extends Endpoint>(endpoint: E, mode: ModeByEndpoint[E]): void;
  /** API calls received (token, me, userinfo), oldest first; 'unreachable' calls never arrive. */
  readonly calls: CallLog;
  /** Back to the initial state: preset users only, no codes or tokens, normal modes, empty call log. */
  reset(): void;
}

// 'hang' needs a pending timer: workerd cancels a request whose promise can never settle.
const HANG_LIMIT_MS = 60_000;
const API_PATHS = new Map<string, Endpoint>([
  ['/oauth2.0/token', 'token'],
  ['/oauth2.0/me', 'me'],
  ['/user/get_user_info', 'userinfo'],
]);
// QQ's wiki shows this body verbatim, trailing comma and all.
const CHECK_FAILED_BODY = '{ "error":100016, "error_description":"access token check failed", }';
const DOWN_HTML = '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>';
const GARBAGE_HTML = '<!DOCTYPE html><html><head><title>QQ互联</title></head><body><p>系统繁忙，请稍后再试。</p></body></html>';

type AppEnv = { Bindings: { signal: AbortSignal }; Variables: { params: Params } };

export function createFakeQQ(options: FakeQQOptions = {}): FakeQQ {
  const state = new QQState(configFrom(options));
  const app = buildApp(state);
  return {
    async fetch(input, init) {
      const signal = init?.signal ?? (input instanceof Request ? input.signal : null) ?? new AbortController().signal;
      signal.throwIfAborted();
      const request = new Request(input, init);
      const endpoint = API_PATHS.get(new URL(request.url).pathname);
      if (endpoint !== undefined && state.mode(endpoint) === 'unreachable') throw new TypeError('fetch failed');
      return app.fetch(request, { signal });
    },
    appId: state.config.appId,
    appKey: state.config.appKey,
    addUser: (user) => state.addUser(user),
    issueCode: (grant) => state.issueCode(grant),
    issueAccessToken: (grant) => state.issueAccessToken(grant),
    setMode: (endpoint, mode) => state.setMode(endpoint, mode),
    calls: state.calls,
    reset: () => state.reset(),
  };
}

function buildApp(state: QQState): Hono<AppEnv> {
  const { config } = state;
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
      // QQ itself just closes its page. The way back goes to the app's callback with the state
      // and no code: the app, which keeps `next` with its state, says the login was cancelled.
      const back = { href: appendQuery(form.redirectUri, { state: form.state }), label: '返回应用' };
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

/** HTTP form of the test controls, for `npm run dev`, the benchmark and the browser tests. */
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

function checkAuthorize(config: Config, p: Params): AuthorizeForm | QQError {
  if (p.response_type !== 'code') return ERR.responseType;
  if (p.client_id !== config.appId) return ERR.clientId;
  if (!p.redirect_uri || !redirectAllowed(p.redirect_uri, config.redirectDomains)) return ERR.redirectUri;
  return {
    clientId: p.client_id, redirectUri: p.redirect_uri, state: p.state,
    scope: p.scope ?? 'get_user_info', display: p.display,
  };
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
  if (query.size === 0) return base;
  return `${base}${base.includes('?') ? '&' : '?'}${query.toString()}`;
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

function callbackBody(params: Params, json: string): string {
  return params.fmt === 'json' ? json : `callback( ${json} );\n`;
}

function qqText(c: Context<AppEnv>, body: string, contentType = 'text/html'): Response {
  return c.body(body, 200, { 'Content-Type': contentType });
}
