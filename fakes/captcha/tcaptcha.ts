// The fake Tencent Captcha widget (turing.captcha.qcloud.com): TCaptcha.js and its
// challenge iframe. The tickets it hands out go into a CaptchaTickets store that the fake
// DescribeCaptchaResult shares, so that API accepts each of them once, with its randstr.
import { Hono } from 'hono';
import { challengeRoutes } from './challenge';
import type { CaptchaTickets, Issued } from './tickets';
import { FAKE_TENCENT_CAPTCHA } from './tencent';
import { TCAPTCHA_SCRIPT } from './widgets';

// Tencent's tickets start so; the fake DescribeCaptchaResult hands out the same.
const TICKET_PREFIX = 't03';

export interface FakeTencentWidget {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  readonly appId: string;
  /** A ticket and randstr for the app, as a visitor solving the widget gets them. */
  issueTicket(): Issued;
}

export function createFakeTencentWidget(options: { tickets: CaptchaTickets; appId?: string }): FakeTencentWidget {
  const appId = options.appId ?? String(FAKE_TENCENT_CAPTCHA.captchaAppId);
  const { tickets } = options;
  const app = new Hono();
  app.route('/', challengeRoutes({ script: { name: 'TCaptcha.js', text: TCAPTCHA_SCRIPT }, appIds: [appId], tickets, ticketPrefix: TICKET_PREFIX }));
  app.post('/__fake/tickets', (c) => c.json(tickets.issue(appId, TICKET_PREFIX)));
  return {
    fetch: async (input, init) => app.fetch(new Request(input, init)),
    appId,
    issueTicket: () => tickets.issue(appId, TICKET_PREFIX),
  };
}
