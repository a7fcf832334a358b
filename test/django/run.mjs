// The real-Django proof of `npm run accounts` (docs/django.md); `bash test/django/run.sh`.
//
// A tiny Django shop with the seeds' models (test/django/shop/: SHOP=meiduo or renran) makes
// accounts with Django's own create_user and hashers, and QQ bindings; `dumpdata` writes them;
// `npm run accounts -- import` puts them into the local D1 of a `wrangler dev` worker
// (started as the browser tests start it, with the fake QQ). Then, at the worker: password
// and QQ logins under the Django ids, refusals for what the edge cannot check, SMS resets,
// re-import, a dangling binding refused whole, renran's plaintext QQ tokens left behind;
// and back in Django: an account made at the worker, exported and loaded into a fresh
// database, passes check_password, and Django verifies a worker token (PyJWT, simplejwt).
// Ends with a plain "N passed, N failed" line.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSystem } from '../e2e/system.mjs';

/**
 * @typedef {{ id: number, username: string, mobile: string, hash: string, active: boolean, edge: boolean,
 *   unusable: boolean, openid: string | null, deleted: boolean, token: string | null }} ShopUser
 * @typedef {{ password: string, users: ShopUser[] }} Seeded what a shop's `seed` command made
 * @typedef {{ status: number, body: any, cookie: string }} Answer
 * @typedef {{ code: number, stdout: string, stderr: string }} Ran
 * @typedef {Awaited<ReturnType<typeof startSystem>>} System
 */

const PYTHON = '/usr/bin/python3'; // Debian's, where python3-django is installed
const RESULTS = 'test-results/django';
const SHOP_SOURCE = resolve('test/django/shop');
const DEV_VARS = Object.fromEntries(
  readFileSync('.dev.vars.example', 'utf8')
    .split('\n')
    .filter((/** @type {string} */ line) => /^[A-Z_]+=/.test(line))
    .map((/** @type {string} */ line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

const tally = { passed: 0, failed: 0, skipped: 0 };
const work = mkdtempSync(join(tmpdir(), 'django-accounts-'));
const shopDir = join(work, 'shop');
mkdirSync(RESULTS, { recursive: true });

/** @type {System | undefined} */
let system;
try {
  const started = startSystem({ logFile: join(RESULTS, 'system.log') });
  const shops = await prepareShops().catch(async (err) => {
    await started.then((s) => s.stop(), () => {});
    throw err;
  });
  system = await started;
  console.log(`# the worker, the fake QQ and both Django shops are ready (${(performance.now() / 1000).toFixed(1)} s)`);
  // The browser tests' helpers read the SMS codes the console provider prints.
  Object.assign(process.env, { E2E_WORKER_URL: system.workerUrl, E2E_QQ_URL: system.qqUrl, E2E_LOG: join(RESULTS, 'system.log'), E2E_RESULTS: RESULTS });
  await scenario(system, shops, await import('../e2e/browser.mjs'));
} catch (err) {
  tally.failed++;
  console.log(`not ok - the run stopped: ${err instanceof Error ? err.stack : err}`);
} finally {
  await system?.stop();
  rmSync(work, { recursive: true, force: true });
}
if (tally.skipped > 0) console.log(`${tally.skipped} skipped`);
console.log(`${tally.passed} passed, ${tally.failed} failed`);
process.exitCode = tally.failed === 0 && tally.passed > 0 ? 0 : 1;

/**
 * Both shops (in a copy, where their migrations are made): migrated, seeded, dumped.
 * @returns {Promise<{ meiduo: Seeded, renran: Seeded }>}
 */
async function prepareShops() {
  cpSync(SHOP_SOURCE, shopDir, { recursive: true });
  /** @type {Record<string, Seeded>} */
  const seeded = {};
  for (const shop of /** @type {const} */ (['meiduo', 'renran'])) {
    await django(shop, `${shop}.sqlite3`, ['makemigrations', 'users', 'oauth', '-v', '0']);
    await django(shop, `${shop}.sqlite3`, ['migrate', '-v', '0']);
    seeded[shop] = JSON.parse(await django(shop, `${shop}.sqlite3`, ['seed']));
    await django(shop, `${shop}.sqlite3`, ['dumpdata', 'users.User', 'oauth.OAuthQQUser', '--indent', '2', '-o', join(work, `${shop}.json`)]);
  }
  return { meiduo: /** @type {Seeded} */ (seeded.meiduo), renran: /** @type {Seeded} */ (seeded.renran) };
}

/**
 * @param {System} system
 * @param {{ meiduo: Seeded, renran: Seeded }} shops
 * @param {{ smsCodeFor(mobile: string, mark: number): Promise<string>, logMark(): number }} log the browser tests' helpers
 */
async function scenario(system, { meiduo, renran }, { smsCodeFor, logMark }) {
  const password = meiduo.password;
  const state = system.persistTo;
  const worker = system.workerUrl;
  /** @type {Record<string, ShopUser>} */
  const byName = Object.fromEntries(meiduo.users.map((u) => [u.username, u]));
  /** @param {string} name */
  const user = (name) => {
    const found = byName[name];
    if (!found) throw new Error(`the shop has no ${name}`);
    return found;
  };
  /**
   * @param {string} method
   * @param {string} path
   * @param {{ json?: unknown, cookie?: string, token?: string }} [init]
   * @returns {Promise<Answer>}
   */
  const api = async (method, path, { json, cookie, token } = {}) => {
    const headers = { ...(json ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const res = await fetch(worker + path, { method, headers, body: json ? JSON.stringify(json) : undefined, redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
  };
  /** @param {string} username */
  const login = (username, pw = password) => api('POST', '/users/login', { json: { username, password: pw } });
  /** @param {string} openid */
  const qqLogin = async (openid) => {
    await fake(system, '/__fake/users', { nickname: `Q${openid.slice(-4)}`, openid }).catch(() => {}); // already there: fine
    const start = await api('GET', '/oauth/qq/authorization?next=/orders');
    const { code } = await fake(system, '/__fake/codes', { openid, redirect_uri: `${worker}/login/qq/callback` });
    return api('GET', `/oauth/qq/callback?code=${code}&state=${encodeURIComponent(start.body.state)}`, { cookie: start.cookie });
  };
  /** @param {string} mobile */
  const smsCode = async (mobile) => {
    const mark = logMark();
    const sent = await api('POST', '/sms/codes', { json: { mobile } });
    equal(sent.status, 202, `SMS to ${mobile}`);
    return smsCodeFor(mobile, mark);
  };

  await check('meiduo dump: imported, with the hashes the edge cannot check counted', async () => {
    const out = await accounts(['import', join(work, 'meiduo.json'), '--local', '--persist-to', state]);
    equal(out.code, 0, `exit code (${out.stderr})`);
    match(out.stdout, /users: 7 created, 0 updated/);
    match(out.stdout, /QQ bindings: 4 created, 0 updated/);
    match(out.stdout, /hashes the edge cannot check: 3 \(pbkdf2_sha256 over 100,000 iterations: 1, md5: 1, unusable \(no password set\): 1\)/);
    match(out.stdout, /1 inactive users kept/);
  });

  await check('each importable password logs in at the worker with its Django id, by username and by mobile', async () => {
    for (const u of meiduo.users.filter((x) => x.edge && x.active)) {
      for (const name of [u.username, u.mobile]) {
        const answer = await login(name);
        equal([answer.status, answer.body?.user?.id], [200, u.id], `login ${name}`);
      }
    }
  });

  await check('the others answer invalid_credentials: 260,000 iterations, MD5, no password', async () => {
    for (const u of meiduo.users.filter((x) => !x.edge)) {
      const answer = await login(u.username);
      equal([answer.status, answer.body?.error?.code], [401, 'invalid_credentials'], `login ${u.username}`);
    }
  });

  await check('an inactive Django user cannot log in at the worker, by password or QQ', async () => {
    const answer = await login('inactive');
    const qq = await qqLogin(String(user('inactive').openid));
    equal([answer.status, answer.body?.error?.code], [401, 'invalid_credentials'], 'password login');
    if (qq.body?.status === 'logged_in') throw new Error('QQ login of an inactive account succeeded');
  });

  await check('each QQ binding logs in through QQ with its Django id', async () => {
    for (const u of meiduo.users.filter((x) => x.openid && x.active)) {
      const answer = await qqLogin(String(u.openid));
      equal([answer.status, answer.body?.status, answer.body?.user?.id], [200, 'logged_in', u.id], `QQ login of ${u.username}`);
    }
  });

  await check('accounts the edge cannot check set a new password by SMS, then log in', async () => {
    for (const u of [user('umd5'), user('u260k')]) {
      const code = await smsCode(u.mobile);
      const reset = await api('POST', '/users/password/reset', { json: { mobile: u.mobile, sms_code: code, new_password: 'reset-at-edge-1' } });
      equal([reset.status, reset.body?.user?.id], [200, u.id], `reset ${u.username}`);
      equal((await login(u.username, 'reset-at-edge-1')).status, 200, `login ${u.username} after reset`);
    }
  });

  await check('importing the same dump again updates and never duplicates', async () => {
    const out = await accounts(['import', join(work, 'meiduo.json'), '--persist-to', state]);
    equal(out.code, 0, `exit code (${out.stderr})`);
    match(out.stdout, /users: 0 created, 7 updated/);
    match(out.stdout, /QQ bindings: 0 created, 4 updated/);
  });

  await check('a dump with a dangling binding is refused whole, naming it', async () => {
    const dump = JSON.parse(readFileSync(join(work, 'meiduo.json'), 'utf8'));
    const extra = { model: 'users.user', pk: 50, fields: { ...dump[0].fields, username: 'newcomer', mobile: '13800000050' } };
    const dangling = { model: 'oauth.oauthqquser', pk: 99, fields: { user: 999, openid: 'D1A0000000000000000000000000DEAD', create_time: dump[0].fields.date_joined, update_time: dump[0].fields.date_joined } };
    writeFileSync(join(work, 'dangling.json'), JSON.stringify([...dump, extra, dangling]));
    const out = await accounts(['import', join(work, 'dangling.json'), '--persist-to', state]);
    equal(out.code, 1, 'exit code');
    match(out.stderr, /nothing was written/);
    match(out.stderr, /oauth\.oauthqquser pk 99 \(record \d+\): its user pk 999 is not in the dump/);
    equal((await login('newcomer')).status, 401, 'the dump\'s new user was not written');
  });

  await check('a renran dump: a dry run writes nothing', async () => {
    const out = await accounts(['import', join(work, 'renran.json'), '--persist-to', state, '--dry-run']);
    equal(out.code, 0, `exit code (${out.stderr})`);
    match(out.stdout, /users: 2 created, 0 updated \(would be\)/);
    equal((await login('13900001001')).status, 401, 'not imported yet');
  });

  await check("a renran dump is imported without its plaintext QQ tokens; its soft-deleted binding is not", async () => {
    const out = await accounts(['import', join(work, 'renran.json'), '--persist-to', state]);
    equal(out.code, 0, `exit code (${out.stderr})`);
    match(out.stdout, /QQ bindings: 1 created, 0 updated/);
    match(out.stdout, /1 QQ access tokens in the dump not imported/);
    match(out.stdout, /1 bindings marked is_deleted skipped/);
    const [first, second] = renran.users;
    if (!first || !second) throw new Error('the renran shop has two users');
    equal((await login(first.username)).body?.user, { id: 1001, username: first.username, nickname: '荏苒一号', avatar: 'avatar/2024/1001.png' }, 'renran login');
    equal((await qqLogin(String(first.openid))).body?.user?.id, 1001, 'renran QQ login');
    equal((await qqLogin(String(second.openid))).body?.status, 'bind_required', 'the deleted binding');
    const leaked = filesContaining(state, renran.users.map((u) => String(u.token)));
    equal(leaked, [], 'files of the local D1/KV holding a renran token');
  });

  /** @type {{ id: number, mobile: string, openid: string }} */
  let created = { id: 0, mobile: '', openid: '' };
  await check('an account created at the worker gets an id above every imported one', async () => {
    const openid = 'D1A00000000000000000000000EDGE01';
    const bind = await qqLogin(openid);
    equal(bind.body?.status, 'bind_required', 'first QQ login');
    const mobile = '13700000001';
    const code = await smsCode(mobile);
    const answer = await api('POST', '/oauth/qq/bind/register', { json: { bind_ticket: bind.body.bind_ticket, nickname: '边缘用户', mobile, sms_code: code, password: 'made-at-the-edge-1' } });
    equal(answer.status, 201, `register (${JSON.stringify(answer.body)})`);
    created = { id: answer.body.user.id, mobile, openid };
    if (!(created.id > 1002)) throw new Error(`id ${created.id} is not above the imported 1002`);
  });

  await check("exported in meiduo's format, loaded into a fresh Django: check_password accepts the worker's and the imported passwords", async () => {
    const file = join(work, 'export-meiduo.json');
    const out = await accounts(['export', file, '--persist-to', state]);
    equal(out.code, 0, `exit code (${out.stderr})`);
    await django('meiduo', 'fresh-meiduo.sqlite3', ['migrate', '-v', '0']);
    await django('meiduo', 'fresh-meiduo.sqlite3', ['loaddata', file]);
    /** @type {{ id: number, found: boolean, ok: boolean, hash: string, username: string, mobile: string }[]} */
    const checks = JSON.parse(await django('meiduo', 'fresh-meiduo.sqlite3', ['checkpass'], JSON.stringify([
      { id: created.id, password: 'made-at-the-edge-1' },
      { id: user('u100k').id, password },
      // Re-importing the dump after the SMS reset put Django's hash back.
      { id: user('u260k').id, password },
      { id: user("o'brien; BEGIN TRANSACTION; --").id, password },
      { id: 1001, password: renran.password },
    ])));
    equal(checks.map((c) => c.ok), [true, true, true, true, true], `check_password (${JSON.stringify(checks.map((c) => [c.id, c.found, c.ok]))})`);
    equal(checks[1]?.hash, user('u100k').hash, 'the imported hash, byte for byte');
    equal(checks[3]?.username, "o'brien; BEGIN TRANSACTION; --", 'a username full of SQL');
    equal(checks[0]?.mobile, created.mobile, 'mobile');
  });

  await check("exported in renran's format, loaded into a fresh renran Django (USE_TZ = False): nickname kept, check_password accepts", async () => {
    const file = join(work, 'export-renran.json');
    const out = await accounts(['export', file, '--persist-to', state, '--format', 'renran']);
    equal(out.code, 0, `exit code (${out.stderr})`);
    await django('renran', 'fresh-renran.sqlite3', ['migrate', '-v', '0']);
    await django('renran', 'fresh-renran.sqlite3', ['loaddata', file]);
    const [check] = JSON.parse(await django('renran', 'fresh-renran.sqlite3', ['checkpass'], JSON.stringify([{ id: created.id, password: 'made-at-the-edge-1' }])));
    equal([check.ok, check.nickname], [true, '边缘用户'], 'the account made at the worker');
  });

  await check('going back into the running shop: the merge script adds and updates, keeping what the export does not carry', async () => {
    const script = readFileSync('scripts/accounts/merge_into_django.py', 'utf8');
    const merged = await django('meiduo', 'meiduo.sqlite3', ['shell'], script, { ACCOUNTS_FILE: join(work, 'export-meiduo.json') });
    match(merged, /merged 10 users \(3 new\) and 6 QQ bindings/);
    const [edge, kept] = JSON.parse(await django('meiduo', 'meiduo.sqlite3', ['checkpass'], JSON.stringify([{ id: created.id, password: 'made-at-the-edge-1' }, { id: user('u100k').id, password }])));
    equal([edge.ok, edge.openids], [true, [created.openid]], 'the account made at the worker, with its QQ binding');
    equal([kept.ok, kept.email, kept.openids], [true, 'u100k@shop.example', [user('u100k').openid]], 'an account the shop had');
  });

  await check('Django verifies a worker token: PyJWT, and simplejwt with USER_ID_CLAIM = "sub"; forged ones are refused', async () => {
    const token = (await login('u100k')).body.token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      worker: token,
      'same claims, signed here': forge(claims),
      tampered: token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'),
      'another issuer': forge({ ...claims, iss: 'someone-else' }),
      expired: forge({ ...claims, iat: now - 7200, exp: now - 3600 }),
      'alg none': forge(claims, { alg: 'none' }),
      'another key': forge(claims, { secret: 'not-the-worker-secret-0123456789abcdef' }),
    };
    const answers = JSON.parse(await django('meiduo', 'fresh-meiduo.sqlite3', ['verifyjwt', ...Object.values(tokens)]));
    const id = String(user('u100k').id);
    const simple = answers[0].simplejwt !== null;
    Object.keys(tokens).forEach((name, i) => {
      const { pyjwt, simplejwt, stateless } = answers[i];
      const accepted = [pyjwt.sub, ...(simple ? [simplejwt.user_id, stateless.user_id] : [])];
      const expected = i < 2 ? accepted.map(() => id) : accepted.map(() => undefined);
      equal(accepted, expected, `${name} (${JSON.stringify(answers[i])})`);
    });
    if (!simple) return { skip: 'djangorestframework-simplejwt is not installed (PyJWT passed)' };
  });
}

/** An HS256 (or alg none) JWT signed here, as anyone holding the key could. @param {object} claims */
function forge(claims, { alg = 'HS256', secret = DEV_VARS.JWT_SECRET } = {}) {
  const part = (/** @type {unknown} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ alg, typ: 'JWT' })}.${part(claims)}`;
  return `${signed}.${alg === 'none' ? '' : createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

/** One check: passed, failed (with why) or skipped. @param {string} name @param {() => Promise<{ skip: string } | void>} fn */
async function check(name, fn) {
  const started = performance.now();
  try {
    const outcome = await fn();
    if (outcome?.skip) {
      tally.skipped++;
      console.log(`skip - ${name}: ${outcome.skip}`);
    } else {
      tally.passed++;
      console.log(`ok - ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  } catch (err) {
    tally.failed++;
    console.log(`not ok - ${name}\n    ${String(err instanceof Error ? err.message : err).replaceAll('\n', '\n    ')}`);
  }
}

/** @param {unknown} actual @param {unknown} expected @param {string} what */
function equal(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** @param {string} text @param {RegExp} pattern */
function match(text, pattern) {
  if (!pattern.test(text)) throw new Error(`expected ${pattern} in:\n${text}`);
}

/** Files under `dir` whose bytes contain any of `needles`. @param {string} dir @param {string[]} needles */
function filesContaining(dir, needles) {
  /** @type {string[]} */
  const found = [];
  for (const entry of readdirSync(dir, { recursive: true })) {
    const path = join(dir, String(entry));
    if (!statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    if (needles.some((n) => bytes.includes(n))) found.push(path);
  }
  return found;
}

/** @param {System} system @param {string} path @param {unknown} body */
async function fake(system, path, body) {
  const res = await fetch(system.qqUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`fake QQ ${path} answered ${res.status}`);
  return res.json();
}

/** `npm run accounts -- …args` @param {string[]} args */
function accounts(args) {
  return run('npm', ['run', '-s', 'accounts', '--', ...args], { env: { QQ_APP_ID: DEV_VARS.QQ_APP_ID } });
}

/**
 * `python manage.py …args` in the shop's copy; its stdout.
 * @param {'meiduo' | 'renran'} shop
 * @param {string} db the SQLite file's name
 * @param {string[]} args
 * @param {string} [input] stdin
 * @param {Record<string, string>} [more] environment
 */
async function django(shop, db, args, input, more = {}) {
  const env = { SHOP: shop, SHOP_DB: join(work, db), JWT_SECRET: DEV_VARS.JWT_SECRET, JWT_ISSUER: DEV_VARS.JWT_ISSUER, PYTHONDONTWRITEBYTECODE: '1', ...more };
  const out = await run(PYTHON, ['manage.py', ...args], { cwd: shopDir, env, input });
  if (out.code !== 0) throw new Error(`manage.py ${args[0]} (${shop}) failed:\n${out.stderr.slice(-3000)}`);
  return out.stdout;
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string | undefined>, input?: string }} [options]
 * @returns {Promise<Ran>}
 */
function run(command, args, { cwd, env = {}, input } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (/** @type {number} */ code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
