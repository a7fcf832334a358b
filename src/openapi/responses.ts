/**
 * The answers of every JSON route (api.md "Routes"), as schemas for GET /openapi.json. The
 * requests are described from the validators the routes run (see document.ts); this file
 * adds what a validator cannot know: the success answer and the route's own error codes.
 * The type checks at the end fail the build when a service's answer and its schema differ.
 */
import * as z from 'zod/mini';
import type { ErrorBody, ErrorCode } from '../errors';
import type { Me } from '../services/accounts';
import type { Bound } from '../services/bind';
import type { BindRequired, LoginOutcome } from '../services/qq-login';
import type { LoggedIn, PublicUser } from '../services/session';

const seconds = z.int().check(z.positive());

export const publicUser = z.object({
  id: z.int(),
  username: z.string(),
  nickname: z.nullable(z.string()),
  avatar: z.nullable(z.string()),
});

export const loggedIn = z.object({
  status: z.literal('logged_in'),
  token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: seconds,
  user: publicUser,
  next: z.optional(z.string()),
});

export const bindRequired = z.object({
  status: z.literal('bind_required'),
  bind_ticket: z.string(),
  expires_in: seconds,
  qq: z.nullable(z.object({ nickname: z.string(), avatar: z.nullable(z.string()) })),
  next: z.optional(z.string()),
});

export const loginOutcome = z.discriminatedUnion('status', [loggedIn, bindRequired]);

export const bound = z.extend(loggedIn, { created: z.boolean() });

export const authorizationStarted = z.object({ login_url: z.url(), state: z.string() });

export const smsSent = z.object({ expires_in: seconds, resend_after: z.int().check(z.nonnegative()) });

export const me = z.object({
  user: z.extend(publicUser, { mobile: z.nullable(z.string()) }),
  bindings: z.array(
    z.object({ provider: z.literal('qq'), nickname: z.nullable(z.string()), avatar: z.nullable(z.string()), bound_at: z.iso.datetime() }),
  ),
});

export const health = z.object({ ok: z.literal(true) });

/** An OpenAPI 3.1 document: any JSON object. */
export const openapiDocument = z.record(z.string(), z.unknown());

/** The contract's error body, its `code` one of `codes`. */
export function errorBodyOf(codes: readonly [ErrorCode, ...ErrorCode[]]) {
  return z.object({
    error: z.object({ code: z.enum(codes), message: z.string(), fields: z.optional(z.record(z.string(), z.string())) }),
  });
}

/** Named schemas, shared through `#/components/schemas/<name>`. */
export const COMPONENTS = {
  PublicUser: publicUser,
  LoggedIn: loggedIn,
  BindRequired: bindRequired,
  LoginOutcome: loginOutcome,
  Bound: bound,
  AuthorizationStarted: authorizationStarted,
  SmsSent: smsSent,
  Me: me,
  Health: health,
};

export interface Answer {
  summary: string;
  /** The success status and its body (null: no body). */
  status: 200 | 201 | 202 | 204;
  body: z.ZodMiniType | null;
  /** `POST /oauth/qq/bind` answers 200 for an existing account, 201 for a new one. */
  alsoStatus?: 200 | 201;
  /** The route's own error codes; the middleware's (body, validation, bearer) are added from the route. */
  errors: ErrorCode[];
  /** Query parameters of a route that reads them without a validator. */
  query?: Record<string, { required: boolean; description: string }>;
}

const CAPTCHA: ErrorCode[] = ['invalid_captcha', 'captcha_unavailable'];
const PASSWORD: ErrorCode[] = ['invalid_credentials', 'too_many_attempts', ...CAPTCHA];

/** Every JSON route of the contract, by `METHOD /path`. */
export const ANSWERS: Record<string, Answer> = {
  'GET /oauth/qq/authorization': {
    summary: 'Start a QQ login: the URL to send the browser to, and a state bound to this browser by a cookie',
    status: 200,
    body: authorizationStarted,
    errors: ['invalid_next'],
  },
  'GET /oauth/qq/callback': {
    summary: "Finish a QQ login with QQ's code and state: logged in, or a bind ticket for a first login",
    status: 200,
    body: loginOutcome,
    // invalid_credentials: the QQ identity's account is kept inactive (api.md, Django moves).
    errors: ['invalid_state', 'invalid_request', 'qq_code_invalid', 'qq_unavailable', 'invalid_credentials'],
    query: {
      code: { required: true, description: "QQ's authorization code, as QQ gave it to the callback page" },
      state: { required: true, description: 'The state of GET /oauth/qq/authorization, as QQ gave it back' },
    },
  },
  'POST /oauth/qq/app-login': {
    summary: "Log in with the access token of QQ's own SDK (native apps)",
    status: 200,
    body: loginOutcome,
    errors: ['qq_token_invalid', 'qq_unavailable', 'invalid_credentials'],
  },
  'POST /sms/codes': {
    summary: 'Send a 6-digit SMS code to a mobile',
    status: 202,
    body: smsSent,
    errors: ['sms_too_frequent', 'sms_send_failed', ...CAPTCHA],
  },
  'POST /oauth/qq/bind': {
    summary: 'First QQ login: bind by mobile + SMS code + password (an existing account with that mobile, or a new one)',
    status: 201,
    alsoStatus: 200,
    body: bound,
    errors: ['invalid_bind_ticket', 'invalid_sms_code', 'sms_code_locked', ...PASSWORD, 'qq_already_bound', 'account_already_bound'],
  },
  'POST /oauth/qq/bind/account': {
    summary: 'First QQ login: bind to an existing account proven by its password',
    status: 200,
    body: bound,
    errors: ['invalid_bind_ticket', ...PASSWORD, 'qq_already_bound', 'account_already_bound'],
  },
  'POST /oauth/qq/bind/register': {
    summary: 'First QQ login: register a new account (nickname + mobile + SMS code + password) and bind it',
    status: 201,
    body: bound,
    errors: ['invalid_bind_ticket', 'invalid_sms_code', 'sms_code_locked', 'mobile_taken', 'nickname_taken', 'qq_already_bound'],
  },
  'POST /users/login': { summary: 'Password login by username or mobile', status: 200, body: loggedIn, errors: PASSWORD },
  'POST /users/logout': { summary: 'Log out everywhere: revokes every token of this user', status: 204, body: null, errors: [] },
  'PUT /users/me/password': {
    summary: 'Change the password; answers a fresh token and revokes every earlier one',
    status: 200,
    body: loggedIn,
    errors: PASSWORD,
  },
  'POST /users/password/reset': {
    summary: 'Forgotten password: prove the mobile by SMS code and set a new password',
    status: 200,
    body: loggedIn,
    errors: ['invalid_sms_code', 'sms_code_locked', 'invalid_credentials'],
  },
  'GET /users/me': { summary: 'The logged-in user and their bindings', status: 200, body: me, errors: [] },
  'DELETE /users/me/bindings/qq': { summary: "Unbind the user's QQ identity", status: 204, body: null, errors: ['not_found'] },
  'GET /healthz': { summary: 'Liveness, without touching D1, KV or QQ', status: 200, body: health, errors: [] },
  'GET /openapi.json': { summary: 'This document', status: 200, body: openapiDocument, errors: [] },
};

// What the services answer is exactly what the schemas describe.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type Checks = [
  Holds<Same<z.output<typeof publicUser>, PublicUser>>,
  Holds<Same<z.output<typeof loggedIn>, LoggedIn>>,
  Holds<Same<z.output<typeof bindRequired>, BindRequired>>,
  Holds<Same<z.output<typeof loginOutcome>, LoginOutcome>>,
  Holds<Same<z.output<typeof bound>, Bound>>,
  Holds<Same<z.output<typeof me>, Me>>,
  Holds<Same<z.output<ReturnType<typeof errorBodyOf>>, ErrorBody>>,
];
