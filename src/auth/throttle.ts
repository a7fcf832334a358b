/**
 * Password-guessing limits, counted in D1 `counters` (fixed windows). A failure counts under
 * up to four keys:
 *
 * - pair: the account from this client; past 10 in 15 minutes that client gets 429 for
 *   that account, and nobody else does, so a stranger cannot lock the owner out;
 * - account: the account from everywhere; past 10 in 15 minutes a captcha is required
 *   (when one is configured);
 * - account-hour: the account from everywhere; past 100 in an hour everyone gets 429,
 *   which stops distributed guessing;
 * - client: this client across all accounts; past 100 in 15 minutes it gets 429 everywhere.
 *
 * A successful check writes nothing. The answer to a guess is decided after its PBKDF2
 * derivation by one atomic D1 statement: a wrong password is counted by a single gated
 * upsert that counts nothing (and writes no row) when any limit is already reached, and a
 * right one is let in only if a read at that point finds every limit unreached. So
 * concurrent guesses cannot get more answers than the limits allow, and a client over its
 * limit writes nothing.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { liveCountsQuery, oneMoreEvent, type Counted } from '../db/counters';
import { counters } from '../db/schema';
import { accountIdByLogin, accountIdByMobile } from '../db/users';
import { AppError } from '../errors';
import { seconds } from '../time';

export const WINDOW_SECONDS = 15 * 60;
export const CAP_WINDOW_SECONDS = 60 * 60;
/** Failures of one account from one client before that client gets 429 for it. */
export const PAIR_LIMIT = 10;
/** Failures of one account from everywhere before a captcha is required. */
export const CAPTCHA_AFTER = 10;
/** Failures of one account from everywhere, per hour, before everyone gets 429. */
export const ACCOUNT_CAP = 100;
/** Failures of one client across all accounts before it gets 429 everywhere. */
export const CLIENT_LIMIT = 100;

type Role = 'pair' | 'account' | 'accountHour' | 'client';

const RULES: Record<Role, { limit: number; window: number; prefix: string }> = {
  pair: { limit: PAIR_LIMIT, window: WINDOW_SECONDS, prefix: 'pw:pair:' },
  account: { limit: CAPTCHA_AFTER, window: WINDOW_SECONDS, prefix: 'pw:acct:' },
  accountHour: { limit: ACCOUNT_CAP, window: CAP_WINDOW_SECONDS, prefix: 'pw:acct-hour:' },
  client: { limit: CLIENT_LIMIT, window: WINDOW_SECONDS, prefix: 'pw:client:' },
};

/** The limits that answer 429; the account's 15-minute count asks for a captcha instead. */
const HARD: readonly Role[] = ['pair', 'accountHour', 'client'];

/** Whose password is guessed: an account already known, or the one a login name or a mobile names. */
export type Target = { userId: number } | { login: string } | { mobile: string };

/** The counter keys of one guess; `client` is null where no client address is known. */
export type AttemptKeys = Record<Exclude<Role, 'client'>, string> & { client: string | null };

/**
 * An account counts as `u<id>`; a login name no account has as `n:<name>`, so guessing at
 * it is answered exactly like guessing at an account. Pairs are `<client> <account>`
 * (client keys hold no space), `-` standing for an unknown client.
 */
function keyParts(client: string | null): { role: Role; prefix: string; perAccount: boolean }[] {
  const parts = [
    { role: 'pair' as const, prefix: `${RULES.pair.prefix}${client ?? '-'} `, perAccount: true },
    { role: 'account' as const, prefix: RULES.account.prefix, perAccount: true },
    { role: 'accountHour' as const, prefix: RULES.accountHour.prefix, perAccount: true },
  ];
  return client === null ? parts : [...parts, { role: 'client', prefix: `${RULES.client.prefix}${client}`, perAccount: false }];
}

/** The keys of a guess at `target`, once its account (if any) is known. */
export function attemptKeys(target: Target, user: { id: number } | null, client: string | null): AttemptKeys {
  const account = 'userId' in target ? `u${target.userId}` : user !== null ? `u${user.id}` : `n:${nameOf(target)}`;
  const keys: AttemptKeys = { pair: '', account: '', accountHour: '', client: null };
  for (const { role, prefix, perAccount } of keyParts(client)) keys[role] = perAccount ? prefix + account : prefix;
  return keys;
}

function nameOf(target: { login: string } | { mobile: string }): string {
  return 'login' in target ? target.login : target.mobile;
}

/** {@link attemptKeys} as SQL, for the read that shares a batch with the account lookup. */
function keysSql(target: Target, client: string | null): SQL[] {
  const account =
    'userId' in target
      ? sql`${`u${target.userId}`}`
      : sql`COALESCE('u' || ${'login' in target ? accountIdByLogin(target.login) : accountIdByMobile(target.mobile)}, ${`n:${nameOf(target)}`})`;
  return keyParts(client).map(({ prefix, perAccount }) => (perAccount ? sql`(${prefix} || ${account})` : sql`${prefix}`));
}

function keyList(keys: AttemptKeys): [Role, string][] {
  return Object.entries(keys).filter((e): e is [Role, string] => e[1] !== null);
}

/** The live counters of a guess at `target`; put it in the batch that looks the account up. */
export function countersQuery(db: Database, target: Target, client: string | null, nowMs: number) {
  return liveCountsQuery(db, keysSql(target, client), seconds(nowMs));
}

/** The live counters of known keys. */
export function countersOfKeysQuery(db: Database, keys: AttemptKeys, nowMs: number) {
  return liveCountsQuery(
    db,
    keyList(keys).map(([, key]) => key),
    seconds(nowMs),
  );
}

/** Failures counted so far under each key of a guess. */
export class Tally {
  readonly #rows: Map<string, Counted>;

  constructor(
    readonly keys: AttemptKeys,
    rows: readonly Counted[],
  ) {
    this.#rows = new Map(rows.map((r) => [r.key, r]));
  }

  count(role: Role): number {
    const key = this.keys[role];
    return key === null ? 0 : (this.#rows.get(key)?.count ?? 0);
  }

  /** The account has failed often enough lately to require a captcha (when one is configured). */
  get wantsCaptcha(): boolean {
    return this.count('account') >= CAPTCHA_AFTER;
  }

  /** `too_many_attempts` with the time until the last limit reached lets go, or null. */
  refusal(nowMs: number): AppError | null {
    const waits = HARD.filter((role) => this.count(role) >= RULES[role].limit).map(
      (role) => (this.#rows.get(this.keys[role] ?? '')?.windowEndsAt ?? 0) - seconds(nowMs),
    );
    return waits.length === 0 ? null : new AppError('too_many_attempts', { retryAfter: Math.max(1, ...waits) });
  }
}

/**
 * Counts a failed guess under every key of `keys` in one statement, unless a limit was
 * already reached (then it counts and writes nothing, and returns no rows). The guard is
 * read before any row is written, and D1 runs each statement atomically, so concurrent
 * failures cannot push a count past its limit. `captchaGate`: the account's captcha
 * threshold also stops the count (a captcha is configured and none was verified).
 */
export function countFailureQuery(db: Database, keys: AttemptKeys, nowMs: number, captchaGate: boolean) {
  const now = seconds(nowMs);
  const list = keyList(keys);
  const rows = sql.join(
    list.map(([role, key]) => sql`(${key}, ${now + RULES[role].window})`),
    sql`, `,
  );
  const gates = list.filter(([role]) => HARD.includes(role) || (captchaGate && role === 'account'));
  const reached = sql.join(
    gates.map(([role, key]) => sql`(${counters.key} = ${key} AND ${counters.count} >= ${RULES[role].limit})`),
    sql` OR `,
  );
  return db
    .insert(counters)
    .select(
      sql`SELECT column1, 1, column2 FROM (VALUES ${rows})
          WHERE NOT EXISTS (SELECT 1 FROM ${counters} WHERE ${counters.windowEndsAt} > ${now} AND (${reached}))`,
    )
    .onConflictDoUpdate({ target: counters.key, set: oneMoreEvent(now) })
    .returning({ key: counters.key });
}

/** After a right password: this client's failures at this account are forgiven. */
export function forgivePairQuery(db: Database, keys: AttemptKeys) {
  return db.delete(counters).where(sql`${counters.key} = ${keys.pair}`);
}
