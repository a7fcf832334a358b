/**
 * The JSON answers of the HTTP contract and the paths of its routes, as the routes answer
 * them and the hosted pages' script reads them. No imports, so browser code can use it.
 */

export const PATHS = {
  authorization: '/oauth/qq/authorization',
  callback: '/oauth/qq/callback',
  smsCodes: '/sms/codes',
  bind: '/oauth/qq/bind',
  bindAccount: '/oauth/qq/bind/account',
  bindRegister: '/oauth/qq/bind/register',
  login: '/users/login',
  logout: '/users/logout',
  me: '/users/me',
  password: '/users/me/password',
  passwordReset: '/users/password/reset',
  qqBinding: '/users/me/bindings/qq',
} as const;

export interface PublicUser {
  id: number;
  username: string;
  nickname: string | null;
  avatar: string | null;
}

/** A successful login anywhere. */
export interface LoggedIn {
  status: 'logged_in';
  token: string;
  token_type: 'Bearer';
  expires_in: number;
  user: PublicUser;
  next?: string;
}

/** A QQ identity bound to no account yet. */
export interface BindRequired {
  status: 'bind_required';
  bind_ticket: string;
  expires_in: number;
  qq: { nickname: string; avatar: string | null } | null;
  next?: string;
}

export type LoginOutcome = LoggedIn | BindRequired;

/** `GET /oauth/qq/authorization` */
export interface AuthorizationStarted {
  login_url: string;
  state: string;
}

/** `POST /sms/codes` */
export interface SmsSent {
  expires_in: number;
  resend_after: number;
}

/** `GET /users/me` */
export interface Me {
  user: PublicUser & { mobile: string | null };
  bindings: { provider: 'qq'; nickname: string | null; avatar: string | null; bound_at: string }[];
}
