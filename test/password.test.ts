/** Django-format PBKDF2 password hashes (src/auth/password.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countPbkdf2 } from './harness';
import { DUMMY_HASH, ITERATIONS, MAX_ITERATIONS, hashPassword, verifyPassword } from '../src/auth/password';

const DJANGO_FORMAT = /^pbkdf2_sha256\$(\d+)\$([A-Za-z0-9]+)\$([A-Za-z0-9+/]{43}=)$/;

// From Django's own hasher tests: make_password('lètmein', 'seasalt', 'pbkdf2_sha256') at 10,000 iterations.
const DJANGO_VECTOR = 'pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=';
// The same password and salt at Django 5's 600,000 iterations (computed with Python/Node pbkdf2).
const DJANGO_600K = 'pbkdf2_sha256$600000$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA=';

async function derivations(work: () => Promise<unknown>): Promise<number> {
  return (await countPbkdf2(work)).pbkdf2;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('iteration limits', () => {
  it('caps PBKDF2 at 100,000 iterations, the Workers production limit', () => {
    // Local workerd allows more, so this is the only guard before production refuses it.
    expect(MAX_ITERATIONS).toBe(100_000);
    expect(ITERATIONS).toBeLessThanOrEqual(MAX_ITERATIONS);
  });

  it('makes new hashes with exactly 100,000 iterations', async () => {
    const match = DJANGO_FORMAT.exec(await hashPassword('correct horse battery'));
    expect(match?.[1]).toBe('100000');
  });
});

describe('hashPassword', () => {
  it('writes Django’s format with a 22-character salt', async () => {
    const encoded = await hashPassword('correct horse battery');
    const match = DJANGO_FORMAT.exec(encoded);
    expect(match).not.toBeNull();
    expect(match?.[2]).toHaveLength(22);
  });

  it('uses a new salt every time', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
    expect(a?.split('$')[2]).not.toBe(b?.split('$')[2]);
  });

  it('round-trips: the password verifies, another does not', async () => {
    const encoded = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', encoded)).toBe(true);
    expect(await verifyPassword('correct horse batterY', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('round-trips non-ASCII passwords as UTF-8', async () => {
    const encoded = await hashPassword('密码是lètmein🔑');
    expect(await verifyPassword('密码是lètmein🔑', encoded)).toBe(true);
    expect(await verifyPassword('密码是letmein🔑', encoded)).toBe(false);
  });
});

describe('verifyPassword with Django hashes', () => {
  it('accepts the known Django vector for lètmein', async () => {
    expect(await verifyPassword('lètmein', DJANGO_VECTOR)).toBe(true);
  });

  it.each(['letmein', 'lètmeiN', 'lètmein ', '', 'seasalt'])('refuses %j against the Django vector', async (guess) => {
    expect(await verifyPassword(guess, DJANGO_VECTOR)).toBe(false);
  });

  it('refuses a 600,000-iteration hash for the right password, at the cost of one ordinary derivation (no timing tell)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    let result: boolean | undefined;
    const count = await derivations(async () => {
      result = await verifyPassword('lètmein', DJANGO_600K);
    });
    expect(result).toBe(false);
    expect(count).toBe(1);
  });

  it('refuses 100,001 iterations with one ordinary derivation', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const count = await derivations(() => verifyPassword('lètmein', 'pbkdf2_sha256$100001$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='));
    expect(count).toBe(1);
  });

  it('costs exactly one derivation for a well-formed hash', async () => {
    expect(await derivations(() => verifyPassword('wrong', DJANGO_VECTOR))).toBe(1);
  });
});

describe('verifyPassword with malformed hashes', () => {
  it.each([
    ['another algorithm', 'pbkdf2_sha1$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='],
    ['argon2', 'argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$Ynd9ZmFtcGxl'],
    ['bcrypt', 'bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuJ8pS1Q7xQ2y7Q4lRkY0Xz0rYbWcZ8a'],
    ['3 parts', 'pbkdf2_sha256$10000$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='],
    ['5 parts', 'pbkdf2_sha256$10000$sea$salt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='],
    ['non-numeric iterations', 'pbkdf2_sha256$many$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='],
    ['fractional iterations', 'pbkdf2_sha256$10000.5$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='],
    ['zero iterations', 'pbkdf2_sha256$0$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='],
    ['negative iterations', 'pbkdf2_sha256$-10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='],
    ['empty iterations', 'pbkdf2_sha256$$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='],
    ['empty salt', 'pbkdf2_sha256$10000$$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='],
    ['bad base64', 'pbkdf2_sha256$10000$seasalt$!!not*base64!!'],
    ['an empty hash', 'pbkdf2_sha256$10000$seasalt$'],
    ['a hash truncated to its first 3 bytes', 'pbkdf2_sha256$10000$seasalt$CWWF'],
    ['a hash with an extra byte', 'pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVYA'],
    ['an empty string', ''],
    ['an unusable Django password', '!XvUuZ1vWcV5j1sB3WmP4o9gK2hR7tLq8nYcD0eFa'],
  ])('returns false for %s without throwing', async (_, encoded) => {
    await expect(verifyPassword('lètmein', encoded)).resolves.toBe(false);
  });
});

describe('DUMMY_HASH', () => {
  it('is a well-formed hash at the production iteration count', () => {
    const match = DJANGO_FORMAT.exec(DUMMY_HASH);
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBe(ITERATIONS);
  });

  it('costs one derivation like a real account', async () => {
    expect(await derivations(() => verifyPassword('anything at all', DUMMY_HASH))).toBe(1);
  });

  it.each(['', 'password', 'password123', '12345678', 'qqloginworkerdummy', 'correct horse 1', 'lètmein'])(
    'does not match %j',
    async (guess) => {
      expect(await verifyPassword(guess, DUMMY_HASH)).toBe(false);
    },
  );
});
