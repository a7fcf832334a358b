import { issueToken } from '../auth/jwt';
import type { Ctx } from '../context';
import type { LoggedIn, PublicUser } from '../contract';
import type { User } from '../db/schema';
import { maskMobile } from '../log';

export type { LoggedIn, PublicUser };

export function publicUser(user: User): PublicUser {
  return { id: user.id, username: user.username, nickname: user.nickname, avatar: user.avatar };
}

/** The contract's login answer, with a fresh JWT for `user`. */
export async function loggedIn(ctx: Ctx, user: User, next?: string | null): Promise<LoggedIn> {
  const { token, expiresIn } = await issueToken(ctx.settings, user.id, ctx.now);
  const answer: LoggedIn = { status: 'logged_in', token, token_type: 'Bearer', expires_in: expiresIn, user: publicUser(user) };
  if (next !== undefined && next !== null) answer.next = next;
  return answer;
}

/** `138****8000` */
export function maskMobileOrNull(mobile: string | null): string | null {
  return mobile === null ? null : maskMobile(mobile);
}
