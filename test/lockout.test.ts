/**
 * Password limits that a stranger cannot turn against the owner: per (account, client),
 * an account-wide captcha threshold and hard cap, per client across accounts; IPv6 per /64.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACCOUNT_CAP, CAP_WINDOW_SECONDS, CAPTCHA_AFTER, CLIENT_LIMIT, PAIR_LIMIT } from '../src/auth/throttle';
import { clientKey } from '../src/http/client';
import { addAccount, clockedHarness, freshMobile, freshName, harness } from './harness';
import { TURNSTILE_ON } from './settings';

type H = ReturnType<typeof harness>;

const PASSWORD = 'correct horse 1';
const WRONG = 'wrong password';
const CAPTCHA_ON = TURNSTILE_ON;

/** A distinct address per call: 198.18.0.0/15 is reserved for testing. */
let hosts = 0;
function address(): string {
  hosts++;
  return `198.18.${Math.floor(hosts / 250) % 250}.${(hosts % 250) + 1}`;
}

function clocked(settings: Record<string, string> = {}) {
  return clockedHarness({ settings });
}

async function account(): Promise<{ username: string; mobile: string }> {
  const username = freshName('erin_');
  const mobile = freshMobile();
  await addAccount({ username, mobile, password: PASSWORD });
  return { username, mobile };
}

function login(h: H, username: string, password: string, ip: string, extra: Record<string, string> = {}) {
  return h.call('POST', '/users/login', { json: { username, password, ...extra }, headers: { 'cf-connecting-ip': ip } });
}

async function counterRows(h: H): Promise<number> {
  return (await h.db.prepare('SELECT COUNT(*) AS n FROM counters').first<{ n: number }>())?.n ?? -1;
}

describe('a stranger cannot lock the owner out', () => {
  it('throttles the stranger’s address after 10 failures while the owner logs in from another', async () => {
    const { h } = clocked();
    const a = await account();
    const stranger = address();
    for (let i = 0; i < PAIR_LIMIT; i++) expect((await login(h, a.username, WRONG, stranger)).status).toBe(401);
    const blocked = await login(h, a.username, PASSWORD, stranger);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ error: { code: 'too_many_attempts' } });
    expect((await login(h, a.username, PASSWORD, address())).status).toBe(200);
    expect((await login(h, a.mobile, PASSWORD, address())).status).toBe(200);
    expect((await login(h, a.username, PASSWORD, stranger)).status).toBe(429);
  });

  it('counts the IPv6 addresses of one /64 as one client, and another /64 apart', async () => {
    const { h } = clocked();
    const a = await account();
    for (let i = 1; i <= PAIR_LIMIT; i++) expect((await login(h, a.username, WRONG, `2001:db8:abcd:12::${i.toString(16)}`)).status).toBe(401);
    expect((await login(h, a.username, PASSWORD, '2001:DB8:ABCD:0012:ffff:ffff:ffff:ffff')).status).toBe(429);
    expect((await login(h, a.username, WRONG, '2001:db8:abcd:13::1')).status).toBe(401);
    expect((await login(h, a.username, PASSWORD, '2001:db8:abcd:13::2')).status).toBe(200);
  });
});

describe('account-wide limits', () => {
  it('asks for a captcha past 10 failures from distinct addresses, before deriving anything', async () => {
    const { h } = clocked(CAPTCHA_ON);
    const a = await account();
    for (let i = 0; i < CAPTCHA_AFTER; i++) expect((await login(h, a.username, WRONG, address())).status).toBe(401);
    const rows = await counterRows(h);
    const without = await h.measure(() => login(h, a.username, PASSWORD, address()));
    expect(without.result.status).toBe(400);
    expect(without.result.body).toMatchObject({ error: { code: 'invalid_captcha' } });
    expect(without.counts.pbkdf2).toBe(0);
    expect(without.counts.d1Writes).toBe(0);
    // A captcha that cannot be verified is refused, and the password is still not looked at.
    const unverifiable = await h.measure(() => login(h, a.username, PASSWORD, address(), { captcha_token: 'token-from-the-widget' }));
    expect(unverifiable.result.body).toMatchObject({ error: { code: 'invalid_captcha' } });
    expect(unverifiable.counts.pbkdf2).toBe(0);
    expect(await counterRows(h)).toBe(rows);
  });

  it('lets the owner in without a captcha below the threshold, and asks a name no account has the same way', async () => {
    const { h } = clocked(CAPTCHA_ON);
    const a = await account();
    const ghost = freshName('ghost_');
    for (let i = 0; i < CAPTCHA_AFTER - 1; i++) {
      expect((await login(h, a.username, WRONG, address())).status).toBe(401);
      expect((await login(h, ghost, WRONG, address())).status).toBe(401);
    }
    expect((await login(h, a.username, PASSWORD, address())).status).toBe(200);
    expect((await login(h, a.username, WRONG, address())).status).toBe(401);
    expect((await login(h, ghost, WRONG, address())).status).toBe(401);
    const real = await login(h, a.username, PASSWORD, address());
    const fake = await login(h, ghost, PASSWORD, address());
    expect(fake.status).toBe(400);
    expect(fake.body).toEqual(real.body);
  });

  it('counts exactly 10 of 20 concurrent failures from 20 addresses before asking for a captcha', async () => {
    const { h } = clocked(CAPTCHA_ON);
    const a = await account();
    const answers = await Promise.all(Array.from({ length: 2 * CAPTCHA_AFTER }, () => login(h, a.username, WRONG, address())));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(CAPTCHA_AFTER);
    expect(statuses.filter((s) => s === 400)).toHaveLength(CAPTCHA_AFTER);
  });

  it('without a captcha provider, stops distributed guessing at exactly 100 failures an hour, the owner included', async () => {
    const { h, clock } = clocked();
    const a = await account();
    const extra = 10;
    const answers = await Promise.all(Array.from({ length: ACCOUNT_CAP + extra }, () => login(h, a.username, WRONG, address())));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(ACCOUNT_CAP);
    expect(statuses.filter((s) => s === 429)).toHaveLength(extra);
    const owner = await h.measure(() => login(h, a.username, PASSWORD, address()));
    expect(owner.result.status).toBe(429);
    expect(owner.counts.pbkdf2).toBe(0);
    const retryAfter = Number(owner.result.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(CAP_WINDOW_SECONDS - 120);
    expect(retryAfter).toBeLessThanOrEqual(CAP_WINDOW_SECONDS);
    clock.now += (retryAfter + 1) * 1000;
    expect((await login(h, a.username, PASSWORD, address())).status).toBe(200);
  }, 60_000);
});

describe('concurrent guesses', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('judges a right password by the counts after its derivation, so it cannot slip in behind concurrent failures', async () => {
    const { h } = clocked();
    const a = await account();
    const ip = address();
    // The right password's derivation is held until 10 wrong ones from the same client have answered.
    let started = (): void => {};
    let release = (): void => {};
    const derivationStarted = new Promise<void>((resolve) => (started = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const original = crypto.subtle.deriveBits.bind(crypto.subtle);
    let first = true;
    vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation(async (algorithm, key, length) => {
      if (first) {
        first = false;
        started();
        await held;
      }
      return original(algorithm, key, length);
    });
    const right = login(h, a.username, PASSWORD, ip);
    await derivationStarted;
    for (let i = 0; i < PAIR_LIMIT; i++) expect((await login(h, a.username, WRONG, ip)).status).toBe(401);
    release();
    const answer = await right;
    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ error: { code: 'too_many_attempts' } });
  });
});

describe('per client across accounts', () => {
  it('writes no new rows for a client over its limit', async () => {
    const { h } = clocked();
    const ip = address();
    for (let i = 0; i < CLIENT_LIMIT; i += 20) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => login(h, freshName('spray_'), WRONG, ip)));
      expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 401));
    }
    const rows = await counterRows(h);
    for (let i = 0; i < 5; i++) {
      const { result, counts } = await h.measure(() => login(h, freshName('spray_'), WRONG, ip));
      expect(result.status).toBe(429);
      expect(counts.d1Writes).toBe(0);
      expect(counts.pbkdf2).toBe(0);
    }
    expect(await counterRows(h)).toBe(rows);
  }, 60_000);

  it('writes nothing for a pair over its limit', async () => {
    const { h } = clocked();
    const a = await account();
    const ip = address();
    for (let i = 0; i < PAIR_LIMIT; i++) await login(h, a.username, WRONG, ip);
    const { result, counts } = await h.measure(() => login(h, a.username, WRONG, ip));
    expect(result.status).toBe(429);
    expect(counts.d1Writes).toBe(0);
  });
});

describe('clientKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002::ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::ffff:198.51.100.4', '198.51.100.4'],
    ['2001:db8:1:2::203.0.113.1', '2001:db8:1:2::/64'],
  ])('keys %s as %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });

  it.each(['not an address', '2001:db8::1::2', '1.2.3.256', '2001:db8:1:2:3:4:5:6:7'])('keys %j apart from any address', (ip) => {
    expect(clientKey(ip)).toMatch(/^raw:/);
  });

  it('has no client without an address', () => {
    expect(clientKey(null)).toBeNull();
  });
});
