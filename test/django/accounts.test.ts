/**
 * The account import/export of `npm run accounts` (scripts/accounts/), in the Workers
 * runtime with the real D1: the dump checks, the conflict rules against D1, the SQL it
 * writes (run here as one batch, as `wrangler d1 execute --local --file` runs it) and
 * logins of the imported accounts at the worker. test/django/run.mjs proves the same with
 * a real Django and wrangler.
 */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseDump, type Dump } from '../../scripts/accounts/dump.ts';
import { BINDING_COLUMNS, USER_COLUMNS, toFixture, type BindingRow, type UserRow } from '../../scripts/accounts/fixture.ts';
import { EDGE_MAX_ITERATIONS, MAX_STATEMENT_BYTES, checkDump, importStatements, planImport, sqlValue, uncheckableKind, type Plan } from '../../scripts/accounts/plan.ts';
import { formatDjangoTime, parseDjangoTime } from '../../scripts/accounts/times.ts';
import { canVerify, hashPassword, MAX_ITERATIONS } from '../../src/auth/password';
import { expectedError, harness } from '../harness';

const APP_ID = '101000001';
const PASSWORD = 'django pass 1';
const NOW = 1_800_000_000;

type Fields = Record<string, unknown>;
const user = (pk: number, fields: Fields) => ({ model: 'users.user', pk, fields: { password: 'md5$x$y', is_active: true, ...fields } as Fields });
const meiduoQQ = (pk: number, fields: Fields) => ({ model: 'oauth.oauthqquser', pk, fields });

function parsed(records: unknown[]): Dump {
  const result = parseDump(JSON.stringify(records));
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.dump;
}

async function d1Snapshot() {
  const users = await env.DB.prepare('SELECT id, username, mobile, nickname FROM users').all<{ id: number; username: string; mobile: string | null; nickname: string | null }>();
  const bindings = await env.DB.prepare('SELECT user_id, openid FROM qq_bindings').all<{ user_id: number; openid: string }>();
  return { users: users.results, bindings: bindings.results };
}

/** What `npm run accounts -- import` decides for these records against the test's D1. */
async function plan(records: unknown[]): Promise<{ ok: true; plan: Plan } | { ok: false; conflicts: string[] }> {
  const checked = checkDump(parsed(records));
  if (!checked.ok) return checked;
  return planImport(checked.checked, await d1Snapshot(), NOW);
}

/** Plans and writes like the CLI: every statement in one D1 batch. */
async function importRecords(records: unknown[]): Promise<Plan> {
  const result = await plan(records);
  if (!result.ok) throw new Error(result.conflicts.join('\n'));
  const statements = importStatements(result.plan, APP_ID, NOW);
  if (statements.length > 0) await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
  return result.plan;
}

async function count(table: 'users' | 'qq_bindings'): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
}

beforeEach(async () => {
  await env.DB.batch([env.DB.prepare('DELETE FROM qq_bindings'), env.DB.prepare('DELETE FROM users')]);
});

describe('reading a dump', () => {
  it('refuses what is not JSON, not a list, or of an unknown model, naming the records', () => {
    expect(parseDump('[{"model": ')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^not valid JSON/)] });
    expect(parseDump('{"model": "users.user"}')).toMatchObject({ ok: false, problems: [expect.stringMatching(/expected a JSON list/)] });
    const result = parseDump(JSON.stringify([user(1, { username: 'a' }), { model: 'orders.order', pk: 1, fields: {} }, { model: 'orders.order', pk: 2, fields: {} }]));
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^unknown model "orders.order" \(records 2, 3\)/)] });
  });

  it('names each bad field with its record, without echoing the value', () => {
    const result = parseDump(
      JSON.stringify([
        user(1, { username: 'a', mobile: '12345' }),
        { model: 'users.user', fields: { username: 'b', password: 'x' } },
        user(3, { username: '', date_joined: 'yesterday' }),
        meiduoQQ(1, { user: 'one', openid: 'O1' }),
      ]),
    );
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual([
      'users.user pk 1 (record 1): fields.mobile: not a mainland China mobile (1[3-9] and 9 digits)',
      'users.user pk (none) (record 2): pk: no pk (dump without --natural-primary: the pk becomes the account id)',
      expect.stringMatching(/^users\.user pk 3 \(record 3\): fields\.username: /),
      'users.user pk 3 (record 3): fields.date_joined: not a Django datetime',
      expect.stringMatching(/^oauth\.oauthqquser pk 1 \(record 4\): fields\.user: expected a user pk or a natural key/),
    ]);
    expect(problems.join('\n')).not.toContain('yesterday');
  });

  it("tells meiduo's bindings from renran's by their fields, and other labels are named by flags", () => {
    const dump = parsed([
      user(1, { username: 'a', mobile: '+86 138-0013-8000' }),
      user(2, { username: 'b', nickname: '', avatar: 'avatar/2024/b.png' }),
      meiduoQQ(7, { user: 1, openid: 'O1', create_time: '2024-05-01T08:00:00Z', update_time: '2024-05-01T08:00:00Z' }),
      meiduoQQ(8, { qq_user: ['b'], qq_openid: 'O2', qq_access_token: 'PLAINTEXT', created_time: '2024-05-01T16:00:00', updated_time: '2024-05-01T16:00:00', is_deleted: false }),
    ]);
    expect(dump.users.map((u) => [u.mobile, u.nickname, u.avatar])).toEqual([['13800138000', null, null], [null, null, 'avatar/2024/b.png']]);
    expect(dump.bindings.map((b) => [b.shape, b.user, b.openid, b.hadAccessToken, b.createdAt])).toEqual([
      ['meiduo', 1, 'O1', false, Date.UTC(2024, 4, 1, 8) / 1000],
      ['renran', ['b'], 'O2', true, Date.UTC(2024, 4, 1, 8) / 1000],
    ]);
    const relabelled = JSON.stringify([{ model: 'accounts.member', pk: 1, fields: { username: 'a', password: 'x' } }]);
    expect(parseDump(relabelled).ok).toBe(false);
    expect(parseDump(relabelled, { user: 'accounts.member', qq: 'social.qq' }).ok).toBe(true);
  });

  it('reads naive Django times as China Standard Time and writes them back the same way', () => {
    expect(parseDjangoTime('2024-05-01T16:30:00.123')).toBe(Date.UTC(2024, 4, 1, 8, 30) / 1000);
    expect(parseDjangoTime('2024-05-01T08:30:00Z')).toBe(Date.UTC(2024, 4, 1, 8, 30) / 1000);
    expect(parseDjangoTime('2024-05-01T10:30:00+02:00')).toBe(Date.UTC(2024, 4, 1, 8, 30) / 1000);
    expect(parseDjangoTime('2024-02-30T00:00:00')).toBeNull();
    expect(formatDjangoTime(Date.UTC(2024, 4, 1, 8, 30) / 1000)).toBe('2024-05-01T16:30:00');
  });

  it("uses the worker's PBKDF2 limit, and counts as checkable exactly the hashes the worker can check", () => {
    expect(EDGE_MAX_ITERATIONS).toBe(MAX_ITERATIONS);
    const hash = 'ANur7dDMUkp/82YPSLh/ry0u+PB3whW+u0+iqrQsOCI=';
    for (const iterations of ['100000', '10000', '1e5', '0x100', '100001', '', '100000.0']) {
      const encoded = `pbkdf2_sha256$${iterations}$salt$${hash}`;
      expect(uncheckableKind(encoded) === null, encoded).toBe(canVerify(encoded));
    }
  });
});

describe('conflicts are listed by name and nothing is decided', () => {
  it('within the dump: a pk, username, mobile or nickname twice, a dangling binding, two QQ identities for one user', () => {
    const result = checkDump(
      parsed([
        user(1, { username: 'a', mobile: '13800138001', nickname: 'N' }),
        user(1, { username: 'a2' }),
        user(2, { username: 'a', mobile: '13800138001', nickname: 'N' }),
        user(3, { username: 'c' }),
        meiduoQQ(1, { user: 3, openid: 'O1' }),
        meiduoQQ(2, { user: 3, openid: 'O2' }),
        meiduoQQ(3, { user: 9, openid: 'O3' }),
        meiduoQQ(4, { user: 2, openid: 'O1' }),
      ]),
    );
    expect(result).toEqual({
      ok: false,
      conflicts: [
        'pk 1: two users in the dump (a, a2)',
        'username a: held by 2 users in the dump (pk 1 (a), pk 2 (a))',
        'mobile 138****8001: held by 2 users in the dump (pk 1 (a), pk 2 (a))',
        'nickname N: held by 2 users in the dump (pk 1 (a), pk 2 (a))',
        'oauth.oauthqquser pk 3 (record 7): its user pk 9 is not in the dump (bindings are imported with their users)',
        'openid O1: 2 bindings in the dump (pk 3 (c), pk 2 (a))',
        'pk 3 (c): 2 QQ identities in the dump (openids O1, O2); an account has one',
      ],
    });
  });

  it('against D1: an id, username, mobile, nickname or openid held by another account', async () => {
    await importRecords([
      user(1, { username: 'alice', mobile: '13800138001', nickname: 'Al' }),
      user(2, { username: 'bob', mobile: '13800138002' }),
      meiduoQQ(1, { user: 1, openid: 'O-ALICE' }),
    ]);
    const result = await plan([
      user(2, { username: 'carol', mobile: '13800138003' }),
      user(3, { username: 'alice', mobile: '13800138002', nickname: 'Al' }),
      user(4, { username: 'dan' }),
      meiduoQQ(1, { user: 4, openid: 'O-ALICE' }),
    ]);
    expect(result).toEqual({
      ok: false,
      conflicts: [
        'pk 2 (carol): account 2 in D1 is someone else (bob)',
        'username alice: held in D1 by account 1 (alice), the dump gives it to pk 3 (alice)',
        'mobile 138****8002: held in D1 by account 2 (bob), the dump gives it to pk 3 (alice)',
        'nickname Al: held in D1 by account 1 (alice), the dump gives it to pk 3 (alice)',
        'openid O-ALICE: bound in D1 to account 1, the dump binds it to pk 4 (dan)',
      ],
    });
    expect(await plan([user(1, { username: 'alice', mobile: '13800138001' }), meiduoQQ(1, { user: 1, openid: 'O-OTHER' })])).toEqual({
      ok: false,
      conflicts: ['pk 1 (alice): bound in D1 to another QQ identity (openid O-ALICE)'],
    });
  });
});

describe('the import', () => {
  const records = async () => [
    user(3, { username: 'u100k', mobile: '13800000003', password: await hashPassword(PASSWORD, 100_000), date_joined: '2023-01-01T12:00:00' }),
    user(7, { username: 'u20k', mobile: '13800000007', password: await hashPassword(PASSWORD, 20_000) }),
    user(9, { username: 'u260k', mobile: '13800000009', password: await hashPassword(PASSWORD, 260_000) }),
    user(12, { username: 'md5', mobile: '13800000012', password: 'md5$salt$0123456789abcdef0123456789abcdef' }),
    user(15, { username: 'gone', mobile: '13800000015', password: await hashPassword(PASSWORD, 100_000), is_active: false }),
    meiduoQQ(1, { user: 3, openid: 'OPENID-3', create_time: '2024-01-01T00:00:00Z', update_time: '2024-01-02T00:00:00Z' }),
    { model: 'oauth.oauthqquser', pk: 2, fields: { qq_user: 7, qq_openid: 'OPENID-7', qq_access_token: 'PLAINTEXT-QQ-TOKEN' } },
    { model: 'oauth.oauthqquser', pk: 3, fields: { qq_user: 9, qq_openid: 'OPENID-9', qq_access_token: 'x', is_deleted: true } },
    meiduoQQ(4, { user: 15, openid: 'OPENID-15' }),
  ];

  it('keeps ids and hashes byte for byte, stores no QQ token, and counts what the edge cannot check', async () => {
    const dump = await records();
    const result = await importRecords(dump);
    expect(result.createUsers.map((u) => u.id)).toEqual([3, 7, 9, 12, 15]);
    expect(result.uncheckable).toEqual({ 'pbkdf2_sha256 over 100,000 iterations': 1, 'md5': 1 });
    expect([result.inactive, result.droppedTokens, result.deletedBindings, result.highestId]).toEqual([1, 1, 1, 15]);
    const rows = await env.DB.prepare('SELECT id, password_hash, is_active, created_at FROM users ORDER BY id').all();
    expect(rows.results).toEqual(
      dump.slice(0, 5).map((r) => {
        const f = r.fields as Fields;
        return { id: r.pk, password_hash: f.password, is_active: f.is_active ? 1 : 0, created_at: r.pk === 3 ? Date.UTC(2023, 0, 1, 4) / 1000 : NOW };
      }),
    );
    const bindings = await env.DB.prepare('SELECT * FROM qq_bindings ORDER BY user_id').all();
    expect(bindings.results).toMatchObject([
      { user_id: 3, openid: 'OPENID-3', app_id: APP_ID, access_token: null, refresh_token: null, created_at: Date.UTC(2024, 0, 1) / 1000, updated_at: Date.UTC(2024, 0, 2) / 1000 },
      { user_id: 7, openid: 'OPENID-7', app_id: APP_ID, access_token: null, refresh_token: null },
      { user_id: 15, openid: 'OPENID-15', app_id: APP_ID, access_token: null },
    ]);
    expect(JSON.stringify(bindings.results)).not.toContain('PLAINTEXT-QQ-TOKEN');
  });

  it('logs the accounts in at the worker under their Django ids; the others, and inactive ones, answer invalid_credentials', async () => {
    await importRecords(await records());
    const h = harness();
    for (const [username, id] of [['u100k', 3], ['u20k', 7], ['13800000003', 3]] as const) {
      const answer = await h.call('POST', '/users/login', { json: { username, password: PASSWORD } });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ user: { id } });
    }
    for (const username of ['u260k', 'md5', 'gone']) {
      const answer = await h.call('POST', '/users/login', { json: { username, password: PASSWORD } });
      expect(answer).toMatchObject({ status: 401, body: expectedError('invalid_credentials') });
    }
    h.qq.addUser({ nickname: '导入', openid: 'OPENID-3' });
    const qq = await h.qqLogin('OPENID-3');
    expect(qq.body).toMatchObject({ status: 'logged_in', user: { id: 3 } });
    h.qq.addUser({ nickname: '停用', openid: 'OPENID-15' });
    const inactive = await h.qqLogin('OPENID-15');
    expect(inactive).toMatchObject({ status: 401, body: expectedError('invalid_credentials') });
    await h.settle();
  });

  it('updates on re-import without duplicating, and revokes tokens when the hash changes', async () => {
    const dump = await records();
    await importRecords(dump);
    const again = await importRecords(dump);
    expect([again.createUsers.length, again.updateUsers.length, again.createBindings.length, again.updateBindings.length]).toEqual([0, 5, 0, 3]);
    expect([await count('users'), await count('qq_bindings')]).toEqual([5, 3]);
    const changed = dump.map((r) => (r.pk === 3 && r.model === 'users.user' ? { ...r, fields: { ...r.fields, password: 'md5$new$hash' } } : r));
    await importRecords(changed);
    const versions = await env.DB.prepare('SELECT id, token_version FROM users WHERE id IN (3, 7) ORDER BY id').all();
    expect(versions.results).toEqual([{ id: 3, token_version: 1 }, { id: 7, token_version: 0 }]);
  });

  it('gives accounts created at the edge afterwards ids above every imported one', async () => {
    await importRecords([user(4000, { username: 'high', mobile: '13800004000' })]);
    const seq = await env.DB.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'users'").first<{ seq: number }>();
    expect(seq?.seq).toBeGreaterThanOrEqual(4000);
    const { userId } = await harness().signUp('13900004001');
    expect(userId).toBeGreaterThan(4000);
  });

  it('writes nothing when one statement fails, e.g. the edge took a mobile after the check', async () => {
    const result = await plan(await records());
    if (!result.ok) throw new Error('unexpected conflicts');
    await env.DB.prepare("INSERT INTO users (id, username, mobile, password_hash) VALUES (100, 'edge', '13800000015', 'x')").run();
    const statements = importStatements(result.plan, APP_ID, NOW);
    await expect(env.DB.batch(statements.map((sql) => env.DB.prepare(sql)))).rejects.toThrow(/UNIQUE/);
    expect([await count('users'), await count('qq_bindings')]).toEqual([1, 0]);
  });

  it('stores any text byte for byte and keeps each statement within D1 limits', async () => {
    const hostile = ["o'brien; DROP TABLE users; --", 'BEGIN TRANSACTION; x COMMIT;', '用户 😀\n\ttab', '"quoted" `back` [bracket]'];
    expect(hostile.map(sqlValue).every((v) => !v.includes(';'))).toBe(true);
    const many = Array.from({ length: 1500 }, (_, i) => user(i + 1, { username: `${hostile[i % 4]}#${i}`, nickname: `昵称${i}`.repeat(8) }));
    const result = await plan(many);
    if (!result.ok) throw new Error(result.conflicts.join('\n'));
    const statements = importStatements(result.plan, APP_ID, NOW);
    expect(statements.length).toBeGreaterThan(1);
    for (const sql of statements) expect(new TextEncoder().encode(sql).byteLength).toBeLessThanOrEqual(MAX_STATEMENT_BYTES);
    await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
    const names = await env.DB.prepare('SELECT username FROM users ORDER BY id').all<{ username: string }>();
    expect(names.results.map((r) => r.username)).toEqual(many.map((r) => r.fields.username));
  });
});

describe('the export', () => {
  it("writes meiduo's and renran's fields, and reads back as the same accounts", async () => {
    const hash = await hashPassword(PASSWORD);
    await importRecords([
      user(5, { username: 'exp', mobile: '13800000005', password: hash, nickname: '昵称', avatar: 'a.png', date_joined: '2024-03-01T10:00:00' }),
      user(6, { username: 'nomobile', password: hash, is_active: false }),
      meiduoQQ(1, { user: 5, openid: 'OPENID-5', create_time: '2024-03-02T10:00:00', update_time: '2024-03-03T10:00:00' }),
    ]);
    const users = (await env.DB.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY id`).all<UserRow>()).results;
    const bindings = (await env.DB.prepare(`SELECT ${BINDING_COLUMNS} FROM qq_bindings ORDER BY id`).all<BindingRow>()).results;
    const meiduo = toFixture(users, bindings, 'meiduo');
    expect(meiduo).toEqual([
      { model: 'users.user', pk: 5, fields: { username: 'exp', password: hash, mobile: '13800000005', is_active: true, date_joined: '2024-03-01T10:00:00' } },
      { model: 'users.user', pk: 6, fields: { username: 'nomobile', password: hash, mobile: '', is_active: false, date_joined: formatDjangoTime(NOW) } },
      { model: 'oauth.oauthqquser', pk: bindings[0]!.id, fields: { user: 5, openid: 'OPENID-5', create_time: '2024-03-02T10:00:00', update_time: '2024-03-03T10:00:00' } },
    ]);
    const renran = toFixture(users, bindings, 'renran');
    expect(renran[0]!.fields).toMatchObject({ nickname: '昵称', avatar: 'a.png' });
    expect(renran[2]!.fields).toEqual({ qq_user: 5, qq_openid: 'OPENID-5', created_time: '2024-03-02T10:00:00', updated_time: '2024-03-03T10:00:00' });
    const again = await plan(renran);
    expect(again).toMatchObject({ ok: true, plan: { createUsers: [], updateUsers: [{ id: 5 }, { id: 6 }], createBindings: [], updateBindings: [{ userId: 5 }] } });
  });

  it('says which hashes the edge can check', () => {
    expect(uncheckableKind('pbkdf2_sha256$100000$salt$ANur7dDMUkp/82YPSLh/ry0u+PB3whW+u0+iqrQsOCI=')).toBeNull();
    expect(uncheckableKind('pbkdf2_sha256$100001$salt$ANur7dDMUkp/82YPSLh/ry0u+PB3whW+u0+iqrQsOCI=')).toBe('pbkdf2_sha256 over 100,000 iterations');
    expect(uncheckableKind('pbkdf2_sha256$1000$salt$short')).toBe('malformed pbkdf2_sha256');
    expect(uncheckableKind('argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA')).toBe('argon2');
    expect(uncheckableKind('!unusableXYZ')).toBe('unusable (no password set)');
  });
});
