// The captcha answers a fake widget hands out and a fake verification API accepts, shared
// by both as the real services share theirs: each answer belongs to one app (Turnstile
// site key, Tencent CaptchaAppId), expires, and is accepted once.

export interface Issued {
  /** Turnstile's token, or Tencent's ticket. */
  readonly ticket: string;
  /** Tencent's randstr (Turnstile has none and ignores it). */
  readonly randstr: string;
}

/** What a verification learns: `ok`, or why the answer does not pass. */
export type Redeemed = 'ok' | 'unknown' | 'other-app' | 'wrong-randstr' | 'expired' | 'used';

export interface TicketOptions {
  /** How long an answer stays valid (Turnstile: 300 s). */
  ttlSeconds?: number;
  now?: () => number;
}

interface Entry {
  appId: string;
  randstr: string;
  expiresAt: number;
  used: boolean;
}

export class CaptchaTickets {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: TicketOptions = {}) {
    this.ttlMs = (options.ttlSeconds ?? 300) * 1000;
    this.now = options.now ?? Date.now;
  }

  /** A fresh answer for `appId`, as a solved widget gets it. */
  issue(appId: string, prefix = ''): Issued {
    const ticket = `${prefix}${randomToken(96)}`;
    const randstr = `@${randomToken(3)}`;
    this.entries.set(ticket, { appId, randstr, expiresAt: this.now() + this.ttlMs, used: false });
    return { ticket, randstr };
  }

  /**
   * Checks an answer for `appId` and spends it: whatever the verdict, a known answer
   * presented for its own app is never accepted again.
   */
  redeem(answer: { ticket: string; randstr?: string; appId: string }): Redeemed {
    const entry = this.entries.get(answer.ticket);
    if (entry === undefined) return 'unknown';
    if (entry.appId !== answer.appId) return 'other-app';
    const used = entry.used;
    entry.used = true;
    if (used) return 'used';
    if (this.now() >= entry.expiresAt) return 'expired';
    if (answer.randstr !== undefined && answer.randstr !== entry.randstr) return 'wrong-randstr';
    return 'ok';
  }

  clear(): void {
    this.entries.clear();
  }
}

function randomToken(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b & 63]).join('');
}
