import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { logEvent, type EventName } from '../log';
import type { LoggedIn } from '../services/session';

/** What a handler tells the event line about its request. */
export interface EventNote {
  outcome?: 'logged_in' | 'bind_required' | 'sent' | 'ok';
  userId?: number;
  mobile?: string;
}

/**
 * Writes the request's one event line (api.md "Logs") once it is answered: the outcome
 * is the error code answered, or what the handler noted (`ok` when it noted nothing).
 */
export function authEvent(event: EventName) {
  return createMiddleware<AppEnv>(async (c, next) => {
    try {
      await next();
    } finally {
      const note = c.get('event') ?? {};
      const error = c.error;
      const outcome = error === undefined ? (note.outcome ?? 'ok') : error instanceof AppError ? error.code : 'internal_error';
      logEvent({ event, outcome, user_id: note.userId, mobile: note.mobile });
    }
  });
}

/** Notes a login answer (or a bind_required one) and its user. */
export function noteLogin(c: Context<AppEnv>, answer: LoggedIn | { status: 'bind_required' }): void {
  noteEvent(c, answer.status === 'logged_in' ? { outcome: 'logged_in', userId: answer.user.id } : { outcome: 'bind_required' });
}

/** Adds to what the request's event line will say. */
export function noteEvent(c: Context<AppEnv>, note: EventNote): void {
  c.set('event', { ...c.get('event'), ...note });
}
