// A fake Tencent Cloud Captcha (captcha.tencentcloudapi.com): API 3.0 `DescribeCaptchaResult`,
// version 2019-07-22, behind the same gateway checks as every Tencent API. Tickets are the
// ones it issued (what the widget hands the browser), valid 5 minutes and verifiable once.
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { FAKE_TENCENT } from '../sms/tencent';
import { checkTencentCall, tencentAnswer, tencentError, type TencentApi, type TencentKeys } from '../tencent/gateway';
import { CaptchaTickets, type Redeemed } from './tickets';
import { controls, GARBAGE_HTML, hang, inProcess, withDefaults, type FakeEnv, type FakeMode } from '../kit';

export interface FakeTencentCaptchaOptions extends Partial<TencentKeys> {
  captchaAppId?: number;
  appSecretKey?: string;
  now?: () => number;
  /** The ticket store the widget issues into (createFakes shares one); a store of its own otherwise. */
  tickets?: CaptchaTickets;
}

/** The development captcha app (the values `.dev.vars.example` and scripts/dev.mjs use). */
export const FAKE_TENCENT_CAPTCHA = { captchaAppId: 190000000, appSecretKey: 'fake-captcha-app-secret-key-0000' };

const API: TencentApi = { service: 'captcha', action: 'DescribeCaptchaResult', version: '2019-07-22', regions: null };
const TICKET_TTL_SECONDS = 5 * 60;

// CaptchaCode values and messages as Tencent documents them for DescribeCaptchaResult.
const VERDICT = {
  ok: [1, 'OK'],
  randstrMismatch: [7, 'captcha no match'],
  expired: [8, 'ticket expired'],
  reused: [9, 'ticket reused'],
  unknownTicket: [15, 'decrypt fail'],
  otherApp: [16, 'appid-ticket mismatch'],
  risky: [21, 'diff'],
  badAppKey: [100, 'appid-secretkey-ticket mismatch'],
} as const satisfies Record<string, readonly [number, string]>;

const REDEEMED_VERDICT = {
  unknown: VERDICT.unknownTicket,
  'other-app': VERDICT.otherApp,
  used: VERDICT.reused,
  expired: VERDICT.expired,
  'wrong-randstr': VERDICT.randstrMismatch,
} as const satisfies Record<Exclude<Redeemed, 'ok'>, readonly [number, string]>;

const bodySchema = z.object({
  CaptchaType: z.number(),
  Ticket: z.string(),
  UserIp: z.string(),
  Randstr: z.string(),
  CaptchaAppId: z.number(),
  AppSecretKey: z.string(),
});

export interface FakeTencentCaptcha {
  readonly captchaAppId: number;
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** What the widget gives a browser that solved the puzzle (for `appId`, this app by default). */
  issueTicket(appId?: number): { ticket: string; randstr: string };
  /** Every DescribeCaptchaResult that passed the gateway, with the CaptchaCode it got. */
  readonly checks: { ticket: string; userIp: string; captchaCode: number }[];
  /** `refuse` answers CaptchaCode 21 (risk) for a valid ticket. */
  mode: FakeMode;
  reset(): void;
}

type Account = Required<Omit<FakeTencentCaptchaOptions, 'tickets'>>;

export function createFakeTencentCaptcha(options: FakeTencentCaptchaOptions = {}): FakeTencentCaptcha {
  const { tickets: shared, ...rest } = options;
  const account = withDefaults<Account>({ secretId: FAKE_TENCENT.secretId, secretKey: FAKE_TENCENT.secretKey, ...FAKE_TENCENT_CAPTCHA, now: Date.now }, rest);
  const tickets = shared ?? new CaptchaTickets({ ttlSeconds: TICKET_TTL_SECONDS, now: account.now });
  const fake: FakeTencentCaptcha = {
    captchaAppId: account.captchaAppId,
    fetch: () => Promise.reject(new Error('not ready')),
    issueTicket(appId = account.captchaAppId) {
      return tickets.issue(String(appId), 't03');
    },
    checks: [],
    mode: 'normal',
    reset() {
      fake.mode = 'normal';
      tickets.clear();
      fake.checks.length = 0;
    },
  };

  function verdict(request: z.infer<typeof bodySchema>): readonly [number, string] {
    if (request.CaptchaAppId !== account.captchaAppId || request.AppSecretKey !== account.appSecretKey) return VERDICT.badAppKey;
    const redeemed = tickets.redeem({ ticket: request.Ticket, randstr: request.Randstr, appId: String(request.CaptchaAppId) });
    if (redeemed !== 'ok') return REDEEMED_VERDICT[redeemed];
    return fake.mode === 'refuse' ? VERDICT.risky : VERDICT.ok;
  }

  const app = new Hono<FakeEnv>();
  app.route('/__fake', controls(fake));
  app.post('/__fake/tickets', (c) => c.json(fake.issueTicket()));
  app.post('/', async (c) => {
    if (fake.mode === 'hang') return hang(c.env.signal);
    if (fake.mode === 'garbage') return c.html(GARBAGE_HTML);
    if (fake.mode === 'fail') return tencentError({ Code: 'InternalError', Message: 'An internal error has occurred.' });
    const body = await c.req.text();
    const refused = await checkTencentCall(c.req.raw, body, API, account, account.now());
    if (refused !== null) return tencentError(refused);
    let json: unknown = null;
    try {
      json = JSON.parse(body);
    } catch {
      // answered below as a missing parameter
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.') ?? '';
      return tencentError({ Code: 'InvalidParameter', Message: `The parameter \`${field}\` is missing or of the wrong type.` });
    }
    if (parsed.data.CaptchaType !== 9) return tencentError({ Code: 'InvalidParameterValue', Message: 'CaptchaType must be 9.' });
    if (!Number.isInteger(parsed.data.CaptchaAppId)) return tencentError({ Code: 'InvalidParameter', Message: 'CaptchaAppId must be an integer.' });
    const [CaptchaCode, CaptchaMsg] = verdict(parsed.data);
    fake.checks.push({ ticket: parsed.data.Ticket, userIp: parsed.data.UserIp, captchaCode: CaptchaCode });
    return tencentAnswer({
      CaptchaCode,
      CaptchaMsg,
      EvilLevel: 0,
      GetCaptchaTime: 0,
      EvilBitmap: 0,
      SubmitCaptchaTime: Math.floor(account.now() / 1000),
      DeviceRiskCategory: '',
      Score: CaptchaCode === 1 ? 0 : 100,
    });
  });
  fake.fetch = inProcess(app);
  return fake;
}
