// A fake Alibaba Cloud SMS (dysmsapi.aliyuncs.com): `SendSms`, version 2017-05-25, RPC style,
// signed with ACS3-HMAC-SHA256. The gateway refuses with a 4xx (signature, the 15-minute
// x-acs-date window, a reused nonce, an unknown key); business refusals come with HTTP 200.
import { Hono } from 'hono';
import { parseAcs3Authorization, acs3Sign } from '../../src/aliyun/acs3';
import { sha256Hex } from '../../src/crypto';
import { controls, GARBAGE_HTML, hang, inProcess, Outbox, requestId, withDefaults, type FakeEnv, type FakeMode } from '../kit';

export interface FakeAliyunSmsOptions {
  accessKeyId?: string;
  accessKeySecret?: string;
  signName?: string;
  templateCode?: string;
  now?: () => number;
  log?: (line: string) => void;
}

/** The development account (the values `.dev.vars.example` and scripts/dev.mjs use). */
export const FAKE_ALIYUN = {
  accessKeyId: 'LTAIfakeAliyunAccessKey0',
  accessKeySecret: 'fake-aliyun-access-key-secret-000',
  signName: '美多商城',
  templateCode: 'SMS_000000001',
};

type Account = Required<Omit<FakeAliyunSmsOptions, 'log'>> & Pick<FakeAliyunSmsOptions, 'log'>;

const WINDOW_MS = 15 * 60_000;
const HOST_ID = 'dysmsapi.aliyuncs.com';

export interface FakeAliyunSms {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  readonly outbox: Outbox;
  mode: FakeMode;
  reset(): void;
}

function answer(status: number, Code: string, Message: string): Response {
  const RequestId = requestId();
  const recommend = `https://api.aliyun.com/troubleshoot?q=${Code}&product=Dysmsapi&requestId=${RequestId}`;
  return Response.json({ RequestId, HostId: HOST_ID, Code, Message, Recommend: recommend }, { status });
}

export function createFakeAliyunSms(options: FakeAliyunSmsOptions = {}): FakeAliyunSms {
  const account = withDefaults<Account>({ ...FAKE_ALIYUN, now: Date.now }, options);
  const nonces = new Map<string, number>();
  const fake: FakeAliyunSms = {
    fetch: () => Promise.reject(new Error('not ready')),
    outbox: new Outbox(account.log, 'aliyun sms'),
    mode: 'normal',
    reset() {
      fake.mode = 'normal';
      fake.outbox.clear();
      nonces.clear();
    },
  };

  /** The gateway's checks, in its order; null when the request may reach SendSms. */
  async function gateway(request: Request, body: string): Promise<Response | null> {
    const h = request.headers;
    const url = new URL(request.url);
    const action = h.get('x-acs-action');
    if (action !== 'SendSms') return answer(404, 'InvalidApi.NotFound', 'Specified api is not found, please check your url and method.');
    if (h.get('x-acs-version') !== '2017-05-25') return answer(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    const date = h.get('x-acs-date') ?? '';
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(date) || Number.isNaN(Date.parse(date))) {
      return answer(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
    }
    if (Math.abs(account.now() - Date.parse(date)) > WINDOW_MS) return answer(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    const nonce = h.get('x-acs-signature-nonce');
    if (!nonce) return answer(400, 'MissingSignatureNonce', 'SignatureNonce is mandatory for this action.');
    const auth = parseAcs3Authorization(h.get('authorization') ?? '');
    if (auth === null) return answer(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
    if (auth.accessKeyId !== account.accessKeyId) return answer(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    // Host, Content-Type and every x-acs-* header must be signed.
    const mustSign = ['host', ...[...h.keys()].filter((name) => name.startsWith('x-acs-') || name === 'content-type')];
    if (!mustSign.every((name) => auth.signedHeaders.includes(name))) {
      return answer(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
    }
    const signedValues: [string, string][] = [];
    for (const name of auth.signedHeaders) {
      const value = name === 'host' ? (h.get('host') ?? url.host) : h.get(name);
      if (value === null) return answer(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
      signedValues.push([name, value]);
    }
    const payloadHash = await sha256Hex(body);
    const expected = await acs3Sign({
      secret: account.accessKeySecret,
      method: request.method,
      uri: '/',
      query: Object.fromEntries(url.searchParams),
      headers: signedValues,
      payloadHash,
    });
    if (h.get('x-acs-content-sha256') !== payloadHash || expected.signature !== auth.signature || expected.signedHeaders !== auth.signedHeaders.join(';')) {
      return answer(400, 'SignatureDoesNotMatch', `Specified signature does not match our calculation. server string to sign is:${expected.stringToSign}`);
    }
    for (const [seen, at] of nonces) if (account.now() - at > WINDOW_MS) nonces.delete(seen);
    if (nonces.has(nonce)) return answer(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    nonces.set(nonce, account.now());
    return null;
  }

  function sendSms(query: URLSearchParams): Response {
    for (const name of ['PhoneNumbers', 'SignName', 'TemplateCode']) {
      if (!query.get(name)) return answer(400, `Missing${name}`, `${name} is mandatory for this action.`);
    }
    const mobiles = (query.get('PhoneNumbers') ?? '').split(',').map((n) => n.replace(/^(\+|00)?86/, ''));
    if (!mobiles.every((m) => /^1[3-9]\d{9}$/.test(m))) return answer(200, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    if (query.get('SignName') !== account.signName) return answer(200, 'isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名');
    if (query.get('TemplateCode') !== account.templateCode) return answer(200, 'isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板');
    let params: unknown;
    try {
      params = JSON.parse(query.get('TemplateParam') ?? '');
    } catch {
      return answer(200, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
    }
    const code: unknown = typeof params === 'object' && params !== null ? Reflect.get(params, 'code') : undefined;
    if (code === undefined) return answer(200, 'isv.TEMPLATE_MISSING_PARAMETERS', '模板变量缺少对应参数值');
    if (typeof code !== 'string') return answer(200, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
    if (!/^[A-Za-z0-9]{4,6}$/.test(code)) return answer(200, 'isv.INVALID_PARAMETERS', '验证码模板变量只能为 4-6 位数字或字母');
    if (fake.mode === 'refuse') return answer(200, 'isv.BUSINESS_LIMIT_CONTROL', '触发号码天级流控Permits:10');
    for (const mobile of mobiles) fake.outbox.deliver({ mobile, code, params: [code] });
    return Response.json({ Code: 'OK', Message: 'OK', BizId: `${Date.now()}^0`, RequestId: requestId() });
  }

  const app = new Hono<FakeEnv>();
  app.route('/__fake', controls(fake));
  app.on(['GET', 'POST'], '/', async (c) => {
    if (fake.mode === 'hang') return hang(c.env.signal);
    if (fake.mode === 'garbage') return c.html(GARBAGE_HTML);
    if (fake.mode === 'fail') return answer(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.');
    const body = await c.req.text();
    return (await gateway(c.req.raw, body)) ?? sendSms(new URL(c.req.url).searchParams);
  });
  fake.fetch = inProcess(app);
  return fake;
}
