import { issueToken, type TokenClaims } from '../auth/jwt';
import type { Ctx } from '../context';
import type { LoggedIn, PublicUser } from '../contract';
import type { User } from '../db/schema';
import { AppError } from '../errors';
import { maskMobile } from '../log';

export type { LoggedIn, PublicUser };

export function publicUser(user: User): PublicUser {
  return { id: user.id, username: user.username, nickname: user.nickname, avatar: user.avatar };
}

/** The contract's login answer, with a fresh JWT for `user` (carrying its token version). */
export async function loggedIn(ctx: Ctx, user: User, next?: string | null): Promise<LoggedIn> {
  const { token, expiresIn } = await issueToken(ctx.settings, user, ctx.now);
  const answer: LoggedIn = { status: 'logged_in', token, token_type: 'Bearer', expires_in: expiresIn, user: publicUser(user) };
  if (next !== undefined && next !== null) answer.next = next;
  return answer;
}

/** `138****8000` */
export function maskMobileOrNull(mobile: string | null): string | null {
  return mobile === null ? null : maskMobile(mobile);
}

/**
 * The user a Bearer token stands for, from the row the route read anyway: `unauthorized`
 * when the account is gone or inactive, or its token version moved past the token's
 * (logout, password change or reset since it was issued).
 */
export function currentUser<U extends Pick<User, 'isActive' | 'tokenVersion'>>(user: U | null | undefined, claims: TokenClaims): U {
  if (!user || !user.isActive || user.tokenVersion !== claims.version) throw new AppError('unauthorized');
  return user;
}
