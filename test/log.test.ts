/** src/log.ts: what reaches a log line, whatever an error message happens to hold. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeError, logError, logEvent, logWarning, maskMobile, scrub } from '../src/log';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('scrub', () => {
  it("drops everything after drizzle's params:", () => {
    const text = 'Failed query: update "users" set "password_hash" = ? where "users"."id" = ?\nparams: pbkdf2_sha256$100000$salt$hash,5';
    expect(scrub(text)).toBe('Failed query: update "users" set "password_hash" = ? where "users"."id" = ?\nparams: [hidden]');
  });

  it.each([
    ['a Django password hash', 'hash pbkdf2_sha256$100000$abcdefghijklmnopqrstuv$q83vEjRWeJBUvGRnFuYnZbEPGrY1rqsHHTj+G1l6Y9s= found', 'hash [password hash] found'],
    ['an imported bcrypt hash', 'bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuu', '[password hash]'],
    ['a sealed QQ token', 'value v1.Zm9vYmFy-baz_qux kept', 'value [sealed] kept'],
    ['a JWT', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl', 'token [redacted]'],
    ['a QQ access token', 'at 8F3A9B2C7D1E4F60A5B6C7D8E9F00112 refused', 'at [redacted] refused'],
    ['a mobile', 'send to 13800138000 failed', 'send to 138****8000 failed'],
    ['a mobile with +86', 'to +8613800138000.', 'to 138****8000.'],
    ['a 6-digit code', 'code 123456 rejected', 'code [digits] rejected'],
  ])('hides %s', (_, text, expected) => {
    expect(scrub(text)).toBe(expected);
  });

  it('keeps ordinary words, long ones included, and short numbers', () => {
    const text = 'housekeeping_of_spent_bind_tickets failed after 30 s (HTTP 502, 1000 rows, ret -1)';
    expect(scrub(text)).toBe(text);
  });

  it("hides every 6-digit number, QQ's error codes too: the price of never logging an SMS code", () => {
    expect(scrub('QQ refused the unionid (100048)')).toBe('QQ refused the unionid ([digits])');
  });

  it('never returns more than 500 characters', () => {
    expect(scrub('word '.repeat(1000))).toHaveLength(500);
  });
});

describe('describeError', () => {
  it('names the innermost cause, scrubbed', () => {
    const inner = new TypeError('D1_ERROR: write failed for 13800138000 with 654321');
    const outer = new Error('Failed query: insert\nparams: secret', { cause: inner });
    expect(describeError(outer)).toBe('TypeError: D1_ERROR: write failed for 138****8000 with [digits]');
  });

  it('says nothing of what was thrown when it is not an Error', () => {
    expect(describeError({ password: 'hunter2hunter2' })).toBe('non-error thrown');
    expect(describeError('JWT_SECRET=abcdefghijklmnopqrstuvwxyz0123456789')).toBe('non-error thrown');
  });
});

describe('log lines', () => {
  it('logEvent prints one object with the mobile masked and only the contract fields', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const event = { event: 'bind', outcome: 'logged_in', user_id: 7, mobile: '13800138000', token: 'x' } as const;
    logEvent(event);
    expect(log.mock.calls).toEqual([[{ event: 'bind', outcome: 'logged_in', user_id: 7, mobile: '138****8000' }]]);
    logEvent({ event: 'sms_send', outcome: 'invalid_request', mobile: 'not a mobile' });
    expect(log.mock.calls[1]).toEqual([{ event: 'sms_send', outcome: 'invalid_request', mobile: '***' }]);
  });

  it('logWarning and logError scrub both what they are told and the error', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    logWarning('code 123456 for 13800138000', new Error('sealed v1.abcdefgh-ijkl'));
    logError('hash pbkdf2_sha256$1$s$h');
    expect(warn.mock.calls).toEqual([['code [digits] for 138****8000: Error: sealed [sealed]']]);
    expect(error.mock.calls).toEqual([['hash [password hash]']]);
  });

  it('maskMobile keeps the first three and last four digits of a mainland mobile only', () => {
    expect(maskMobile('13800138000')).toBe('138****8000');
    expect(maskMobile('+8613800138000')).toBe('***');
    expect(maskMobile('1380013800')).toBe('***');
  });
});
