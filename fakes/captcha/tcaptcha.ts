// The fake Tencent Captcha widget (turing.captcha.qcloud.com): TCaptcha.js and its
// challenge iframe. The tickets it hands out go into a CaptchaTickets store that the fake
// DescribeCaptchaResult shares, so that API accepts each of them once, with its randstr.
import { Hono } from 'hono';
import { challengeRoutes } from './challenge';
import type { CaptchaTickets, Issued } from './tickets';
import { TCAPTCHA_SCRIPT } from './widgets';

export const FAKE_TENCENT_CAPTCHA_APP_ID = '190000001';

export interface FakeTencentWidget {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  readonly appId: string;
  /** A ticket and randstr for the app, as a visitor solving the widget gets them. */
  issueTicket(): Issued;
}

export function createFakeTencentWidget(options: { tickets: CaptchaTickets; appId?: string }): FakeTencentWidget {
  const appId = options.appId ?? FAKE_TENCENT_CAPTCHA_APP_ID;
  const { tickets } = options;
  const app = new Hono();
  app.route('/', challengeRoutes({ script: { name: 'TCaptcha.js', text: TCAPTCHA_SCRIPT }, appIds: [appId], tickets, ticketPrefix: 'tr0' }));
  app.post('/__fake/tickets', (c) => c.json(tickets.issue(appId, 'tr0')));
  return {
    fetch: async (input, init) => app.fetch(new Request(input, init)),
    appId,
    issueTicket: () => tickets.issue(appId, 'tr0'),
  };
}
