// A fake 容联云 (cloopen, app.cloopen.com:8883) TemplateSMS, the seeds' provider: the URL's
// `sig` (upper-case hex MD5 of account sid + auth token + timestamp) and the Authorization
// header (base64 of "sid:timestamp", Beijing time yyyyMMddHHmmss, valid 24 hours) prove
// the account. Every answer is HTTP 200; `statusCode` "000000" means sent. JSON when the
// client accepts it, XML otherwise, as the real service does.
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { md5Hex } from '../../src/md5';
import { controls, GARBAGE_HTML, hang, inProcess, Outbox, withDefaults, type FakeEnv, type FakeMode } from '../kit';

export interface FakeYuntongxunOptions {
  accountSid?: string;
  authToken?: string;
  appId?: string;
  templateId?: string;
  /** How many `datas` the template takes ({1} = code, {2} = minutes). */
  templateParams?: number;
  now?: () => number;
  log?: (line: string) => void;
}

/** The development account (the values `.dev.vars.example` and scripts/dev.mjs use). */
export const FAKE_YUNTONGXUN = {
  accountSid: '8a216da8fake0000000000000000sid1',
  authToken: 'fake0000yuntongxun0000authtoken1',
  appId: '8a216da8fake0000000000000000app1',
  templateId: '1',
};

type Account = Required<Omit<FakeYuntongxunOptions, 'log'>> & Pick<FakeYuntongxunOptions, 'log'>;

const WINDOW_MS = 24 * 3600_000;

// 000000, 111109, 111141 and the 112xxx/160xxx codes are the published ones; the numbers of
// the other Authorization failures are this fake's own, in the same 1111xx range.
const STATUS = {
  authMissing: ['111100', '【账号】请求包头Authorization参数为空'],
  authUndecodable: ['111101', '【账号】请求包头Authorization参数Base64解码失败'],
  authMalformed: ['111102', '【账号】请求包头Authorization参数解码后格式有误'],
  expired: ['111105', '【账号】请求包头Authorization参数解码后时间戳过期'],
  accountMismatch: ['111106', '【账号】请求包头Authorization参数中账户ID跟请求地址中的账户ID不一致'],
  sigMissing: ['111108', '【账号】请求地址Sig参数为空'],
  sigMismatch: ['111109', '【账号】请求地址Sig校验失败'],
  noAccount: ['111141', '【账号】主账户不存在'],
  noMobile: ['112306', '【短信】接收模板短信的手机号码为空'],
  noDatas: ['112308', '【短信】模板短信模板data参数为空'],
  system: ['160000', '【短信】系统错误'],
  unparseable: ['160031', '【短信】参数解析失败'],
  badTemplate: ['160032', '【短信】短信模板无效'],
  tooFrequent: ['160038', '【短信】短信验证码发送过频繁'],
  badMobile: ['160042', '【短信】号码格式有误'],
  appTemplateMismatch: ['160043', '【短信】应用与模板id不匹配'],
} as const satisfies Record<string, readonly [string, string]>;

const bodySchema = z.object({
  to: z.optional(z.string()),
  appId: z.string(),
  templateId: z.string(),
  datas: z.optional(z.array(z.string())),
});

export interface FakeYuntongxun {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  readonly outbox: Outbox;
  mode: FakeMode;
  reset(): void;
}

/** Milliseconds of a Beijing-time `yyyyMMddHHmmss`, or null when it is not one. */
function beijingMs(timestamp: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(timestamp);
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h - 8, mi, s);
  return Number.isNaN(ms) ? null : ms;
}

export function createFakeYuntongxun(options: FakeYuntongxunOptions = {}): FakeYuntongxun {
  const account = withDefaults<Account>({ ...FAKE_YUNTONGXUN, templateParams: 2, now: Date.now }, options);
  const fake: FakeYuntongxun = {
    fetch: () => Promise.reject(new Error('not ready')),
    outbox: new Outbox(account.log, 'yuntongxun sms'),
    mode: 'normal',
    reset() {
      fake.mode = 'normal';
      fake.outbox.clear();
    },
  };

  /** The account checks, in the service's order; null when the request is the account's. */
  function authenticate(sid: string, sig: string | undefined, authorization: string | null): readonly [string, string] | null {
    if (!authorization) return STATUS.authMissing;
    let decoded: string;
    try {
      decoded = atob(authorization);
    } catch {
      return STATUS.authUndecodable;
    }
    const [authSid, timestamp, ...rest] = decoded.split(':');
    if (!authSid || !timestamp || rest.length > 0) return STATUS.authMalformed;
    if (authSid !== sid) return STATUS.accountMismatch;
    if (sid !== account.accountSid) return STATUS.noAccount;
    const at = beijingMs(timestamp);
    if (at === null) return STATUS.authMalformed;
    if (Math.abs(account.now() - at) > WINDOW_MS) return STATUS.expired;
    if (!sig) return STATUS.sigMissing;
    // The sig must be upper case, over the Authorization's timestamp.
    if (sig !== md5Hex(`${account.accountSid}${account.authToken}${timestamp}`).toUpperCase()) return STATUS.sigMismatch;
    return null;
  }

  function templateSms(body: string): readonly [string, string] | { mobiles: string[]; datas: string[] } {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return STATUS.unparseable;
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success) return STATUS.unparseable;
    const { to, appId, templateId, datas } = parsed.data;
    if (!to) return STATUS.noMobile;
    const mobiles = to.split(',');
    if (!mobiles.every((m) => /^1[3-9]\d{9}$/.test(m))) return STATUS.badMobile;
    if (appId !== account.appId) return STATUS.appTemplateMismatch;
    if (templateId !== account.templateId) return STATUS.badTemplate;
    if (!datas || datas.length === 0) return STATUS.noDatas;
    if (datas.length !== account.templateParams) return STATUS.badTemplate;
    if (fake.mode === 'refuse') return STATUS.tooFrequent;
    return { mobiles, datas };
  }

  const app = new Hono<FakeEnv>();
  app.route('/__fake', controls(fake));
  app.post('/2013-12-26/Accounts/:sid/SMS/TemplateSMS', async (c) => {
    if (fake.mode === 'hang') return hang(c.env.signal);
    if (fake.mode === 'garbage') return c.html(GARBAGE_HTML);
    const json = (c.req.header('accept') ?? '').includes('application/json');
    const answer = (statusCode: string, more: Record<string, string | Record<string, string>>): Response => {
      if (json) return c.json({ statusCode, ...more });
      const xml = Object.entries(more)
        .map(([k, v]) => `<${k}>${typeof v === 'string' ? v : Object.entries(v).map(([ik, iv]) => `<${ik}>${iv}</${ik}>`).join('')}</${k}>`)
        .join('');
      const body = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Response><statusCode>${statusCode}</statusCode>${xml}</Response>`;
      return c.body(body, 200, { 'content-type': 'application/xml;charset=utf-8' });
    };
    const status = (statusCode: string, statusMsg: string): Response => answer(statusCode, { statusMsg });
    if (fake.mode === 'fail') return status(...STATUS.system);
    const refused = authenticate(c.req.param('sid'), c.req.query('sig'), c.req.header('authorization') ?? null);
    if (refused !== null) return status(...refused);
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return status(...STATUS.unparseable);
    const sent = templateSms(await c.req.text());
    if (!('mobiles' in sent)) return status(...sent);
    for (const mobile of sent.mobiles) fake.outbox.deliver({ mobile, code: sent.datas[0] ?? '', params: sent.datas });
    const dateCreated = new Date(account.now() + 8 * 3600_000).toISOString().slice(0, 19).replace(/\D/g, '');
    const smsMessageSid = crypto.randomUUID().replaceAll('-', '');
    return answer('000000', json ? { templateSMS: { smsMessageSid, dateCreated } } : { TemplateSMS: { dateCreated, smsMessageSid } });
  });
  fake.fetch = inProcess(app);
  return fake;
}
