// Every fake outside service in one place, each with its own state, and the two ways to
// reach them: by host (the tests route the worker's outbound fetch here) and by path
// prefix (`npm run dev` serves them all on one port, see worker.ts). A new fake is one
// module under fakes/<kind>/ and one line in `createFakes`; fakes/README.md shows how.
import { createProviderFakes, type ProviderFakes, type ProviderFakesOptions } from './providers';
import { createFakeTencentWidget, type FakeTencentWidget } from './captcha/tcaptcha';
import { CaptchaTickets } from './captcha/tickets';
import { createFakeTurnstile, type FakeTurnstile, type FakeTurnstileOptions } from './captcha/turnstile';
import { createFakeQQ, type FakeQQ } from './qq/app';
import type { FakeQQOptions } from './qq/state';

/** A fake service answers like the real one, through a fetch-shaped function. */
export interface FakeService {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

/** Where a fake is reached: `host` in the tests, `prefix` on the dev server ('' = the root). */
export interface Mount {
  readonly host: string;
  readonly prefix: string;
  readonly service: FakeService;
}

export interface FakesOptions {
  qq?: FakeQQOptions;
  /** The SMS gateways and the captcha service (fakes/providers.ts). */
  providers?: ProviderFakesOptions;
  turnstile?: FakeTurnstileOptions;
}

/** The two ways in: by host (tests) and by path prefix (the dev server). */
export interface Router {
  /** The fake whose host `url` names, or null: the tests route the worker's outbound fetch by host. */
  byHost(url: URL): FakeService | null;
  /** Serves a request to the fakes' own server (dev): the longest matching prefix wins and is removed. */
  serve(request: Request): Promise<Response>;
}

export interface Fakes extends Router {
  readonly qq: FakeQQ;
  readonly providers: ProviderFakes;
  readonly turnstile: FakeTurnstile;
  readonly tencentWidget: FakeTencentWidget;
  /** Tencent Captcha tickets: the widget hands them out, DescribeCaptchaResult accepts each once. */
  readonly tencentTickets: CaptchaTickets;
}

export function createFakes(options: FakesOptions = {}): Fakes {
  const qq = createFakeQQ(options.qq);
  const turnstile = createFakeTurnstile(options.turnstile);
  // One ticket store behind the Tencent widget and DescribeCaptchaResult, as Tencent has.
  const tencentTickets = new CaptchaTickets({ now: options.providers?.tencentCaptcha?.now ?? options.turnstile?.now });
  const { mounts, ...providers } = createProviderFakes({
    ...options.providers,
    tencentCaptcha: { ...options.providers?.tencentCaptcha, tickets: tencentTickets },
  });
  const tencentWidget = createFakeTencentWidget({ tickets: tencentTickets, appId: String(providers.tencentCaptcha.captchaAppId) });
  return {
    qq,
    providers,
    turnstile,
    tencentWidget,
    tencentTickets,
    ...route([
      // QQ at the root, as on graph.qq.com (QQ_API_BASE is http://localhost:8788 in dev).
      { host: 'fake-qq.test', prefix: '', service: qq },
      ...mounts,
      { host: 'challenges.cloudflare.test', prefix: '/captcha/turnstile', service: turnstile },
      { host: 'turing.captcha.test', prefix: '/captcha/tcaptcha', service: tencentWidget },
    ]),
  };
}

export function route(mounts: readonly Mount[]): Router {
  for (const { prefix } of mounts) {
    if (prefix !== '' && !/^(\/[\w-]+)+$/.test(prefix)) throw new Error(`fake mount prefix ${prefix} is not /a/b`);
  }
  const byPrefix = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    byHost: (url) => mounts.find((mount) => mount.host === url.host)?.service ?? null,
    async serve(request) {
      const url = new URL(request.url);
      const mount = byPrefix.find(({ prefix }) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
      if (mount === undefined) return Response.json({ error: `no fake serves ${url.pathname}` }, { status: 404 });
      if (mount.prefix === '') return mount.service.fetch(request);
      url.pathname = url.pathname.slice(mount.prefix.length) || '/';
      return mount.service.fetch(new Request(url, request));
    },
  };
}
