/**
 * Which D1 session each path uses: reads of the login path and of /users/me on a session a
 * read replica may answer ('first-unconstrained', or the browser's bookmark), writes on the
 * primary ('first-primary'), and a flow that reads right after its own write sees it.
 */
import { describe, expect, it } from 'vitest';
import { Browser, freshMobile, harness } from './harness';

type H = ReturnType<typeof harness>;

const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/** A new account bound through the worker's routes in `browser`; returns its token and openid. */
async function bindIn(h: H, browser: Browser) {
  const user = h.qq.addUser({ nickname: '会话' });
  const start = await h.call<{ state: string }>('GET', '/oauth/qq/authorization', { browser });
  const code = h.qq.issueCode({ openid: user.openid, redirectUri: 'http://localhost:8787/login/qq/callback' });
  const first = await h.call<{ bind_ticket: string }>('GET', `/oauth/qq/callback?code=${code}&state=${start.body.state}`, { browser });
  const mobile = freshMobile();
  const sms_code = await h.smsCode(mobile);
  const bound = await h.measure(() =>
    h.call<{ token: string }>('POST', '/oauth/qq/bind', {
      browser,
      json: { bind_ticket: first.body.bind_ticket, mobile, sms_code, password: 'correct horse 1' },
    }),
  );
  expect(bound.result.status).toBe(201);
  return { token: bound.result.body.token, openid: user.openid, bind: bound };
}

/**
 * D1 whose sessions started without a bookmark see none of the rows (`empty`: a replica far
 * behind) or an older token version of every user (`olderVersions`: a replica that has not
 * seen a password change yet), or whose sessions anchored at a bookmark fail (`refuseBookmarks`).
 */
function staleReplica(d1: D1Database, mode: 'empty' | 'olderVersions' | 'refuseBookmarks'): D1Database {
  const broken = (session: D1DatabaseSession): D1DatabaseSession =>
    new Proxy(session, {
      get(target, prop) {
        if (prop === 'prepare' && mode === 'olderVersions') {
          return (query: string) => target.prepare(query.replaceAll('"users"."token_version"', '"users"."token_version" - 1'));
        }
        if (prop === 'prepare') {
          return (query: string) => {
            const stmt = target.prepare(query);
            const answer = () => (mode === 'empty' ? Promise.resolve([]) : Promise.reject(new Error('D1_ERROR: bookmark not found')));
            return { bind: () => ({ raw: answer, all: answer, first: answer, run: answer }), raw: answer, all: answer, first: answer, run: answer, stmt };
          };
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === 'withSession') {
        return (constraint?: string) => {
          const session = target.withSession(constraint);
          const anchored = constraint !== undefined && BOOKMARK.test(constraint);
          const stale = mode === 'refuseBookmarks' ? anchored : constraint === 'first-unconstrained';
          return stale ? broken(session) : session;
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('D1 sessions: reads near the user', () => {
  it('authorization opens no session; a returning user’s callback reads once on a first-unconstrained session and writes nothing', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    const browser = new Browser();
    const start = await h.measure(() => h.call<{ state: string }>('GET', '/oauth/qq/authorization', { browser }));
    expect(start.counts.sessions).toEqual([]);
    const code = h.qq.issueCode({ openid, redirectUri: 'http://localhost:8787/login/qq/callback' });
    const { result, counts } = await h.measure(() => h.call('GET', `/oauth/qq/callback?code=${code}&state=${start.result.body.state}`, { browser }));
    expect(result.body).toMatchObject({ status: 'logged_in' });
    expect(counts.sessions).toEqual(['first-unconstrained']);
    expect(counts.d1Log).toEqual([{ on: 'first-unconstrained', kind: 'read' }]);
    // Nothing written, so no bookmark to hand back.
    expect(result.headers.getSetCookie().filter((c) => c.includes('d1_bookmark'))).toEqual([]);
  });

  it('app-login reads on a first-unconstrained session too', async () => {
    const h = harness();
    const { openid } = await h.signUp(freshMobile());
    const { result, counts } = await h.measure(() => h.call('POST', '/oauth/qq/app-login', { json: { access_token: h.qq.issueAccessToken({ openid }) } }));
    expect(result.status).toBe(200);
    expect(counts.d1Log).toEqual([{ on: 'first-unconstrained', kind: 'read' }]);
  });

  it('/users/me without a bookmark reads once on a first-unconstrained session', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    const { result, counts } = await h.measure(() => h.call('GET', '/users/me', { token }));
    expect(result.status).toBe(200);
    expect(counts.sessions).toEqual(['first-unconstrained']);
    expect(counts.d1Log).toEqual([{ on: 'first-unconstrained', kind: 'read' }]);
  });
});

describe('D1 sessions: writes and reading one’s own writes', () => {
  it('bind writes on a first-primary session and hands the browser its bookmark; /users/me then reads from that bookmark', async () => {
    const h = harness();
    const browser = new Browser();
    const { token, bind } = await bindIn(h, browser);
    expect(bind.counts.sessions).toEqual(['first-primary']);
    expect(new Set(bind.counts.d1Log.map((q) => q.on))).toEqual(new Set(['first-primary']));
    expect(bind.counts.d1Log.some((q) => q.kind === 'write')).toBe(true);
    const bookmark = browser.cookies.get('d1_bookmark') ?? '';
    expect(bookmark).toMatch(BOOKMARK);
    const cookie = bind.result.headers.getSetCookie().find((c) => c.startsWith('d1_bookmark=')) ?? '';
    expect(cookie.split(';').map((a) => a.trim().toLowerCase()).slice(1).sort()).toEqual(['httponly', 'max-age=300', 'path=/', 'samesite=lax']);

    const me = await h.measure(() => h.call('GET', '/users/me', { token, browser }));
    expect(me.result.status).toBe(200);
    expect(me.result.body).toMatchObject({ bindings: [{ provider: 'qq' }] });
    expect(me.counts.sessions).toEqual([bookmark]);
    expect(me.counts.d1Log).toEqual([{ on: bookmark, kind: 'read' }]);
  });

  it('over https the bookmark cookie is __Host-, Secure', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    const answer = await h.call('DELETE', '/users/me/bindings/qq', { token, https: true });
    expect(answer.status).toBe(204);
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('__Host-d1_bookmark=')) ?? '';
    expect(cookie.split(';').map((a) => a.trim().toLowerCase()).slice(1).sort()).toEqual(['httponly', 'max-age=300', 'path=/', 'samesite=lax', 'secure']);
  });

  it('after an unbind, /users/me in the same browser reads from the unbind’s bookmark and sees no binding', async () => {
    const h = harness();
    const browser = new Browser();
    const { token } = await h.signUp(freshMobile());
    expect((await h.call('DELETE', '/users/me/bindings/qq', { token, browser })).status).toBe(204);
    const bookmark = browser.cookies.get('d1_bookmark') ?? '';
    expect(bookmark).toMatch(BOOKMARK);
    const me = await h.measure(() => h.call('GET', '/users/me', { token, browser }));
    expect(me.result.body).toMatchObject({ bindings: [] });
    expect(me.counts.sessions).toEqual([bookmark]);
  });

  it('ignores a bookmark cookie that is not a D1 bookmark', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    const browser = new Browser();
    browser.cookies.set('d1_bookmark', 'first-primary');
    const me = await h.measure(() => h.call('GET', '/users/me', { token, browser }));
    expect(me.result.status).toBe(200);
    expect(me.counts.sessions).toEqual(['first-unconstrained']);
  });

  it('a client without the cookie whose replica has not seen its new account yet gets it from the primary', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    const counted = h.env.DB as D1Database;
    h.env.DB = staleReplica(counted, 'empty');
    try {
      const me = await h.measure(() => h.call('GET', '/users/me', { token }));
      expect(me.result.status).toBe(200);
      expect(me.counts.sessions).toEqual(['first-unconstrained', 'first-primary']);
    } finally {
      h.env.DB = counted;
    }
  });

  it('a client without the cookie whose replica has not seen its password change yet gets its account from the primary', async () => {
    const h = harness();
    const { token: old, password } = await h.signUp(freshMobile());
    const changed = await h.call<{ token: string }>('PUT', '/users/me/password', { token: old, json: { current_password: password, new_password: 'another horse 2' } });
    expect(changed.status).toBe(200);
    const counted = h.env.DB as D1Database;
    h.env.DB = staleReplica(counted, 'olderVersions');
    try {
      const me = await h.measure(() => h.call('GET', '/users/me', { token: changed.body.token }));
      expect(me.result.status).toBe(200);
      expect(me.counts.sessions).toEqual(['first-unconstrained', 'first-primary']);
    } finally {
      h.env.DB = counted;
    }
  });

  it('a revoked token is refused on the word of a replica that has seen the revocation: one read', async () => {
    const h = harness();
    const { token } = await h.signUp(freshMobile());
    expect((await h.call('POST', '/users/logout', { token })).status).toBe(204);
    const me = await h.measure(() => h.call('GET', '/users/me', { token }));
    expect(me.result.status).toBe(401);
    expect(me.counts.d1Log).toEqual([{ on: 'first-unconstrained', kind: 'read' }]);
  });

  it('a bookmark D1 refuses costs a read on the primary, not an error', async () => {
    const h = harness();
    const browser = new Browser();
    const { token } = await bindIn(h, browser);
    const bookmark = browser.cookies.get('d1_bookmark');
    const counted = h.env.DB as D1Database;
    h.env.DB = staleReplica(counted, 'refuseBookmarks');
    try {
      const me = await h.measure(() => h.call('GET', '/users/me', { token, browser }));
      expect(me.result.status).toBe(200);
      expect(me.counts.sessions).toEqual([bookmark, 'first-primary']);
    } finally {
      h.env.DB = counted;
    }
  });

  it('a bookmark D1 refuses does not break a QQ login: the callback reads the primary instead', async () => {
    const h = harness();
    const browser = new Browser();
    const { openid } = await bindIn(h, browser);
    const bookmark = browser.cookies.get('d1_bookmark');
    const counted = h.env.DB as D1Database;
    h.env.DB = staleReplica(counted, 'refuseBookmarks');
    try {
      const start = await h.call<{ state: string }>('GET', '/oauth/qq/authorization', { browser });
      const code = h.qq.issueCode({ openid, redirectUri: 'http://localhost:8787/login/qq/callback' });
      const { result, counts } = await h.measure(() => h.call('GET', `/oauth/qq/callback?code=${code}&state=${start.body.state}`, { browser }));
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ status: 'logged_in' });
      expect(counts.sessions).toEqual([bookmark, 'first-primary']);
    } finally {
      h.env.DB = counted;
    }
  });

  it('a token for an account that no longer exists is refused after asking the primary', async () => {
    const h = harness();
    const { token, userId } = await h.signUp(freshMobile());
    await h.db.prepare('DELETE FROM users WHERE id = ?').bind(userId).run();
    const me = await h.measure(() => h.call('GET', '/users/me', { token }));
    expect(me.result.status).toBe(401);
    expect(me.counts.d1Log).toEqual([
      { on: 'first-unconstrained', kind: 'read' },
      { on: 'first-primary', kind: 'read' },
    ]);
  });
});
