/** From QQ's answer to a login: the callback (web) and app-login (native SDK) flows. */
import type { Ctx } from '../context';
import type { BindRequired, LoginOutcome } from '../contract';
import { seconds } from '../time';
import { qqBindings, type QQBinding } from '../db/schema';
import { findAccountByOpenid } from '../db/users';
import { AppError, type ErrorCode } from '../errors';
import { logError, logWarning } from '../log';
import { onePer } from '../memo';
import type { Settings } from '../settings';
import { issueState, openState } from '../oauth/state';
import { issueTicket, type TicketPayload } from '../oauth/ticket';
import {
  authorizationUrl,
  exchangeCode,
  getIdentity,
  getProfile,
  QQError,
  type QQErrorKind,
  type QQIdentity,
  type QQProfile,
  type QQTokens,
} from '../qq/client';
import { eq } from 'drizzle-orm';
import { loggedIn, type LoggedIn } from './session';

export type { BindRequired, LoginOutcome };

/** A stored QQ profile older than this is refreshed after a returning login. */
export const PROFILE_MAX_AGE_SECONDS = 24 * 60 * 60;

/** A login to start in the browser: QQ's authorize URL, its state and the cookie that goes with it. */
export interface StartedLogin {
  loginUrl: string;
  state: string;
  cookie: { name: string; value: string };
}

export async function startLogin(ctx: Ctx, next: string, display?: 'mobile'): Promise<StartedLogin> {
  const issued = await issueState(ctx.settings, next, ctx.now);
  // Only a `next` too long for a cookie gets here.
  if (issued === null) throw new AppError('invalid_next');
  return {
    loginUrl: authorizationUrl(ctx.qq, issued.state, display),
    state: issued.state,
    cookie: { name: issued.cookieName, value: issued.cookieValue },
  };
}

/**
 * The web callback: the state against its cookie (`cookie`, the value of the cookie named
 * by `cookieNameFor(state)`), then code → token → openid, then the account.
 */
export async function finishWebLogin(ctx: Ctx, code: string, state: string, cookie: string | undefined): Promise<LoginOutcome> {
  const opened = await openState(ctx.settings, state, cookie, ctx.now);
  if (opened === null) throw new AppError('invalid_state');
  let tokens: QQTokens;
  let identity: QQIdentity;
  try {
    tokens = await exchangeCode(ctx.qq, code);
    identity = await identify(ctx, tokens.accessToken);
  } catch (err) {
    throw flowError(err, WEB_FLOW_ERRORS);
  }
  if (identity.clientId !== ctx.settings.QQ_APP_ID) {
    throw flowError(new QQError('config', null, 'token issued to another app'), WEB_FLOW_ERRORS);
  }
  return finishLogin(ctx, tokens, identity, opened.next);
}

/** Native apps: the QQ SDK's access token, which must have been issued to our app. */
export async function finishAppLogin(ctx: Ctx, accessToken: string): Promise<LoginOutcome> {
  let identity: QQIdentity;
  try {
    identity = await identify(ctx, accessToken);
  } catch (err) {
    throw flowError(err, APP_FLOW_ERRORS);
  }
  if (identity.clientId !== ctx.settings.QQ_APP_ID) throw new AppError('qq_token_invalid');
  return finishLogin(ctx, { accessToken, refreshToken: null, expiresIn: 0 }, identity, null);
}

async function finishLogin(ctx: Ctx, tokens: QQTokens, identity: QQIdentity, next: string | null): Promise<LoginOutcome> {
  // Read-only, so a read replica near the user may answer. Writes through the primary
  // (binds) hand the browser a bookmark that anchors this read (src/db/client.ts).
  const account = await findAccountByOpenid(ctx.d1, 'replica', identity.openid);
  if (account !== null) {
    // Accounts kept inactive (say, from a Django shop) cannot log in, through QQ either.
    if (!account.user.isActive) throw new AppError('invalid_credentials');
    if (account.binding.profileUpdatedAt < seconds(ctx.now) - PROFILE_MAX_AGE_SECONDS) {
      ctx.waitUntil(refreshBinding(ctx, account.binding, tokens, identity));
    }
    return loggedIn(ctx, account.user, next);
  }
  const profile = await profileOrNull(ctx, tokens.accessToken, identity.openid);
  const payload: TicketPayload = {
    appId: ctx.settings.QQ_APP_ID,
    openid: identity.openid,
    unionid: identity.unionid,
    nickname: profile?.nickname ?? null,
    avatar: profile?.avatar ?? null,
    ...(await sealTokens(ctx, tokens, identity.openid)),
    next,
  };
  const ttl = ctx.settings.BIND_TICKET_TTL_SECONDS;
  const ticket = await issueTicket(ctx.kv, payload, ttl);
  const answer: BindRequired = { status: 'bind_required', bind_ticket: ticket, expires_in: ttl, qq: profile };
  if (next !== null) answer.next = next;
  return answer;
}

/** Sealed tokens and their expiry, as stored on a binding or in a ticket. */
export async function sealTokens(
  ctx: Ctx,
  tokens: QQTokens,
  openid: string,
): Promise<{ accessToken: string; refreshToken: string | null; tokenExpiresAt: number | null }> {
  return {
    accessToken: await ctx.sealer.seal(tokens.accessToken, openid),
    refreshToken: tokens.refreshToken === null ? null : await ctx.sealer.seal(tokens.refreshToken, openid),
    tokenExpiresAt: tokens.expiresIn > 0 ? seconds(ctx.now) + tokens.expiresIn : null,
  };
}

// Apps without a unionid grant get 100048 on every `unionid=1`: after a refusal this
// isolate asks for the openid alone for a while, instead of making two calls per login.
// Kept per settings object (once per isolate), like the other per-isolate caches.
const UNIONID_RETRY_MS = 60 * 60 * 1000;
const unionidBackoff = onePer((_settings: Settings) => ({ deniedUntil: 0 }));

async function identify(ctx: Ctx, accessToken: string): Promise<QQIdentity> {
  const backoff = unionidBackoff(ctx.settings);
  const wantUnionid = ctx.settings.QQ_UNIONID && ctx.now >= backoff.deniedUntil;
  try {
    return await getIdentity(ctx.qq, accessToken, wantUnionid);
  } catch (err) {
    if (!(wantUnionid && err instanceof QQError && err.kind === 'unionid_denied')) throw err;
    backoff.deniedUntil = ctx.now + UNIONID_RETRY_MS;
    logWarning(`QQ_UNIONID is true but QQ refused the unionid (${err.qqCode}); logging in by openid only`);
    return getIdentity(ctx.qq, accessToken, false);
  }
}

async function profileOrNull(ctx: Ctx, accessToken: string, openid: string): Promise<QQProfile | null> {
  try {
    return await getProfile(ctx.qq, accessToken, openid);
  } catch (err) {
    logWarning('QQ profile unavailable', err);
    return null;
  }
}

/** After a returning login with a stale profile: new profile and tokens, off the critical path. */
async function refreshBinding(ctx: Ctx, binding: QQBinding, tokens: QQTokens, identity: QQIdentity): Promise<void> {
  try {
    const profile = await profileOrNull(ctx, tokens.accessToken, identity.openid);
    const sealed = await sealTokens(ctx, tokens, identity.openid);
    await ctx.db
      .update(qqBindings)
      .set({
        ...(profile ? { nickname: profile.nickname, avatar: profile.avatar } : {}),
        ...sealed,
        refreshToken: sealed.refreshToken ?? binding.refreshToken,
        unionid: identity.unionid ?? binding.unionid,
        profileUpdatedAt: seconds(ctx.now),
        updatedAt: seconds(ctx.now),
      })
      .where(eq(qqBindings.id, binding.id));
  } catch (err) {
    logWarning('QQ binding refresh failed', err);
  }
}

/**
 * The answer for each way a QQ call can fail. In the web flow a refused token is QQ's
 * fault or ours, never the visitor's; in the app flow the token is the client's input.
 */
const WEB_FLOW_ERRORS: Record<QQErrorKind, ErrorCode> = {
  code_invalid: 'qq_code_invalid',
  token_invalid: 'qq_unavailable',
  unionid_denied: 'qq_unavailable',
  no_permission: 'qq_unavailable',
  config: 'qq_unavailable',
  unavailable: 'qq_unavailable',
};

const APP_FLOW_ERRORS: Record<QQErrorKind, ErrorCode> = {
  ...WEB_FLOW_ERRORS,
  token_invalid: 'qq_token_invalid',
};

function flowError(err: unknown, codes: Record<QQErrorKind, ErrorCode>): Error {
  if (!(err instanceof QQError)) return err instanceof Error ? err : new Error('unknown failure');
  const code = codes[err.kind];
  if (err.kind === 'config') logError('QQ refused our app settings', err);
  else if (code !== 'qq_code_invalid' && code !== 'qq_token_invalid') logWarning('QQ call failed', err);
  return new AppError(code);
}
