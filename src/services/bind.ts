/**
 * First QQ login: binding the QQ identity of a bind ticket to an account. Each flow reads
 * what it needs in one batch, checks the password (one PBKDF2 derivation), then writes in
 * one atomic batch that also spends the ticket, so no half-written account can remain.
 */
import type { BatchItem } from 'drizzle-orm/batch';
import { hashPassword } from '../auth/password';
import type { CaptchaFields } from '../captcha/check';
import type { Ctx } from '../context';
import { brokenUniqueConstraint } from '../db/client';
import { seconds } from '../time';
import { spentBindTickets, users, type User } from '../db/schema';
import { accountByLoginQuery, accountByMobileQuery, insertBindingQuery, takenQuery } from '../db/users';
import { AppError, type ErrorCode } from '../errors';
import { forgetTicket, readTicket, type Ticket } from '../oauth/ticket';
import { checkCodeQueries, codeVerdict, consumeCodeQuery, guessOf, type CodeGuess } from '../sms/codes';
import { attemptCountsQuery, checkPassword } from './passwords';
import { loggedIn, type LoggedIn } from './session';

export type Bound = LoggedIn & { created: boolean };


/** Mobile + SMS code + password: binds the account with that mobile, or creates one. */
export async function bindByMobile(
  ctx: Ctx,
  input: { bindTicket: string; mobile: string; smsCode: string; password: string; captcha: CaptchaFields },
): Promise<Bound> {
  const ticket = await ticketOrThrow(ctx, input.bindTicket);
  const guess = await guessOf(ctx.settings, input.mobile, input.smsCode);
  const target = { mobile: input.mobile };
  const [found, counts, ...checked] = await ctx.db.batch([
    accountByMobileQuery(ctx.db, input.mobile),
    attemptCountsQuery(ctx, target),
    ...checkCodeQueries(ctx.db, ctx.settings, guess, ctx.now),
  ]);
  codeVerdict(checked, ctx.settings, ctx.now);
  const account = found[0] ?? null;
  if (account === null) {
    const passwordHash = await hashPassword(input.password);
    const create = { username: input.mobile, mobile: input.mobile, nickname: null, passwordHash };
    // Lost a race with another bind creating this mobile's account: that account is bound now.
    return completeBind(ctx, ticket, { create }, guess, { 'users.mobile': 'account_already_bound', 'users.username': 'account_already_bound' });
  }
  const user = await checkPassword(ctx, target, counts, account.user, input.password, input.captcha);
  if (account.bindingId !== null) throw new AppError('account_already_bound');
  return completeBind(ctx, ticket, { existing: user }, guess);
}

/** Username (or mobile) + password of an existing account. */
export async function bindToAccount(
  ctx: Ctx,
  input: { bindTicket: string; username: string; password: string; captcha: CaptchaFields },
): Promise<Bound> {
  const ticket = await ticketOrThrow(ctx, input.bindTicket);
  const target = { login: input.username };
  const [found, counts] = await ctx.db.batch([accountByLoginQuery(ctx.db, input.username), attemptCountsQuery(ctx, target)]);
  const account = found[0] ?? null;
  const user = await checkPassword(ctx, target, counts, account?.user ?? null, input.password, input.captcha);
  if (account !== null && account.bindingId !== null) throw new AppError('account_already_bound');
  return completeBind(ctx, ticket, { existing: user }, null);
}

/** A new account with nickname + mobile (proven by SMS) + password. */
export async function registerAndBind(
  ctx: Ctx,
  input: { bindTicket: string; nickname: string; mobile: string; smsCode: string; password: string },
): Promise<Bound> {
  const ticket = await ticketOrThrow(ctx, input.bindTicket);
  const guess = await guessOf(ctx.settings, input.mobile, input.smsCode);
  const [taken, ...checked] = await ctx.db.batch([takenQuery(ctx.db, input.mobile, input.nickname), ...checkCodeQueries(ctx.db, ctx.settings, guess, ctx.now)]);
  codeVerdict(checked, ctx.settings, ctx.now);
  // Known conflicts answer before the password is hashed; the unique indexes decide races.
  if (taken.some((t) => t.mobile)) throw new AppError('mobile_taken');
  if (taken.some((t) => t.nickname)) throw new AppError('nickname_taken');
  const passwordHash = await hashPassword(input.password);
  return completeBind(
    ctx,
    ticket,
    { create: { username: input.mobile, mobile: input.mobile, nickname: input.nickname, passwordHash } },
    guess,
  );
}

async function ticketOrThrow(ctx: Ctx, bindTicket: string): Promise<Ticket> {
  const ticket = await readTicket(ctx.kv, bindTicket);
  if (ticket === null) throw new AppError('invalid_bind_ticket');
  return ticket;
}

type Owner = { existing: User } | { create: { username: string; mobile: string; nickname: string | null; passwordHash: string } };

/** Which unique index a losing concurrent write broke, as the contract's answer. */
const CONFLICTS: Record<string, ErrorCode> = {
  'spent_bind_tickets.ticket_hash': 'invalid_bind_ticket',
  'qq_bindings.openid': 'qq_already_bound',
  'qq_bindings.unionid': 'qq_already_bound',
  'qq_bindings.user_id': 'account_already_bound',
  'users.mobile': 'mobile_taken',
  'users.username': 'mobile_taken',
  'users.nickname': 'nickname_taken',
};

async function completeBind(
  ctx: Ctx,
  ticket: Ticket,
  owner: Owner,
  guess: CodeGuess | null,
  conflicts: Record<string, ErrorCode> = {},
): Promise<Bound> {
  const { db } = ctx;
  const now = seconds(ctx.now);
  const t = ticket.payload;
  const binding = { ...t, now };
  // First, so that of two uses of one ticket the second fails here. (Housekeeping deletes
  // spent tickets once they are older than any ticket can live.)
  const head = [db.insert(spentBindTickets).values({ ticketHash: ticket.hash, spentAt: now })] as const;
  const tail: BatchItem<'sqlite'>[] = guess ? [consumeCodeQuery(db, guess)] : [];
  let user: User;
  try {
    if ('existing' in owner) {
      user = owner.existing;
      await db.batch([...head, insertBindingQuery(db, { userId: user.id }, binding), ...tail]);
    } else {
      const c = owner.create;
      const [, created] = await db.batch([
        ...head,
        db.insert(users).values({ ...c, createdAt: now, updatedAt: now }).returning(),
        insertBindingQuery(db, { mobile: c.mobile }, binding),
        ...tail,
      ]);
      const row = created[0];
      if (row === undefined) throw new Error('account insert returned no row');
      user = row;
    }
  } catch (err) {
    const broken = brokenUniqueConstraint(err) ?? '';
    const conflict = conflicts[broken] ?? CONFLICTS[broken];
    if (conflict === undefined) throw err;
    throw new AppError(conflict);
  }
  ctx.waitUntil(forgetTicket(ctx.kv, ticket.hash));
  return { ...(await loggedIn(ctx, user, t.next)), created: 'create' in owner };
}
