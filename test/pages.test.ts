/**
 * The hosted pages as the worker serves them: their script and stylesheet are static assets
 * under content-hashed names, cached for a year, and the pages hold no inline script or style.
 */
import { createExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { PATHS } from '../src/contract';
import { ERRORS, FIELD_MESSAGES } from '../src/errors';
import { TEXTS } from '../src/pages/texts';

/** Through the asset router and the worker, as a browser gets it. */
async function page(path: string, headers: Record<string, string> = {}) {
  const response = await exports.default.fetch(`http://localhost:8787${path}`, { headers });
  return { response, html: await response.text() };
}

function linked(html: string) {
  const script = /<script src="([^"]+)" defer=""><\/script>/.exec(html)?.[1];
  const stylesheet = /<link rel="stylesheet" href="([^"]+)"\/>/.exec(html)?.[1];
  if (!script || !stylesheet) throw new Error(`no script or stylesheet in ${html.slice(0, 400)}`);
  return { script, stylesheet };
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('/login and next', () => {
  it('refuses a next on another origin with a 400 page that carries it nowhere', async () => {
    for (const next of ['https://evil.example/', '//evil.example/', '/\\evil.example/']) {
      const { response, html } = await page(`/login?next=${encodeURIComponent(next)}`);
      expect(response.status).toBe(400);
      expect(html).not.toContain('evil.example');
    }
  });
});

describe('page assets', () => {
  it('every page links one script and one stylesheet named by a hash of their content', async () => {
    for (const path of ['/login', '/login/qq/callback', '/account', '/login?next=https://evil.example/']) {
      const { html } = await page(path);
      const { script, stylesheet } = linked(html);
      expect(script).toMatch(/^\/assets\/pages-[0-9a-f]{16}\.js$/);
      expect(stylesheet).toMatch(/^\/assets\/pages-[0-9a-f]{16}\.css$/);
      for (const url of [script, stylesheet]) {
        const asset = await env.ASSETS.fetch(`http://localhost${url}`);
        expect(asset.status).toBe(200);
        const hash = (await sha256Hex(await asset.arrayBuffer())).slice(0, 16);
        expect(url).toContain(`-${hash}.`);
      }
    }
  });

  // In production the asset router answers these before the worker runs (the browser tests
  // see that through wrangler dev); here the binding it uses applies the same _headers.
  it('the assets are cached for a year, with their own types', async () => {
    const { html } = await page('/login');
    const { script, stylesheet } = linked(html);
    for (const [url, type] of [
      [script, /^(text|application)\/javascript/],
      [stylesheet, /^text\/css/],
    ] as const) {
      const response = await env.ASSETS.fetch(`http://localhost:8787${url}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(type);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      await response.arrayBuffer();
    }
  });

  it('an asset name that was never built is a 404 from the worker, not a page', async () => {
    const response = await exports.default.fetch('http://localhost:8787/assets/pages-0000000000000000.js');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('page headers', () => {
  it('a strict CSP: scripts, styles and requests from the worker only; no inline script or style in the page', async () => {
    for (const path of ['/login', '/login/qq/callback', '/account']) {
      const { response, html } = await page(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });
});

/** A page from a worker with these settings besides the test ones. */
async function pageWith(settings: Record<string, string>, path: string) {
  const response = await createApp().fetch(new Request(`http://localhost:8787${path}`), { ...env, ...settings }, createExecutionContext());
  return { response, html: await response.text() };
}

describe('SITE_NAME', () => {
  const named = (html: string) => ({
    title: /<title>([^<]*)<\/title>/.exec(html)?.[1],
    brand: /<span class="brand-name">([^<]*)<\/span>/.exec(html)?.[1],
    footer: /<footer class="footer">([^<]*)<\/footer>/.exec(html)?.[1],
    data: /data-site="([^"]*)"/.exec(html)?.[1],
  });

  it('names the pages in their header, title and footer', async () => {
    for (const path of ['/login', '/login?lang=en', '/login/qq/callback', '/account']) {
      const { html } = await pageWith({ SITE_NAME: '美多商城' }, path);
      const { title, brand, footer, data } = named(html);
      expect(title).toMatch(/ · 美多商城$/);
      expect(brand).toBe('美多商城');
      expect(footer).toMatch(/^美多商城 · /);
      expect(data).toBe('美多商城');
    }
  });

  it('left at its default, is the pages\' own name in each language', async () => {
    expect(named((await pageWith({}, '/login')).html)).toMatchObject({ brand: '账号中心', title: '登录 · 账号中心' });
    expect(named((await pageWith({}, '/login?lang=en')).html)).toMatchObject({ brand: 'Account', title: 'Sign in · Account' });
  });

  it('is text, never markup', async () => {
    const { html } = await pageWith({ SITE_NAME: '<img src=x onerror=alert(1)>' }, '/login');
    expect(html).not.toContain('<img src=x');
    expect(named(html).brand).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('longer than 40 characters, is refused like any invalid setting', async () => {
    const { response } = await pageWith({ SITE_NAME: '名'.repeat(41) }, '/login');
    expect(response.status).toBe(500);
  });
});

describe('Chinese texts', () => {
  // ASCII , ; : ! ? and a full stop after a Han character: Chinese takes the full-width forms.
  const HALF_WIDTH = /[,;:!?]|\p{Script=Han}\.|\.\p{Script=Han}/u;

  it('every Chinese message of the API and the pages uses full-width punctuation', () => {
    const messages = [
      ...Object.values(ERRORS).map((e) => e.zh),
      ...Object.values(FIELD_MESSAGES).map((m) => m.zh),
      ...Object.values(TEXTS.zh),
    ];
    expect(messages.length).toBeGreaterThan(100);
    expect(messages.filter((m) => HALF_WIDTH.test(m))).toEqual([]);
  });
});

describe('GET /login?state=…', () => {
  it('keeps the site\'s state for the script and the language switch', async () => {
    const state = 'a&b"<c>' + 'x'.repeat(249);
    expect(state).toHaveLength(256);
    const { response, html } = await page(`/login?next=/orders&state=${encodeURIComponent(state)}`);
    expect(response.status).toBe(200);
    expect(html).toContain(`data-state="a&amp;b&quot;&lt;c&gt;${'x'.repeat(249)}"`);
    const switchHref = /class="lang-switch" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(new URL(switchHref, 'http://localhost').searchParams.get('state')).toBe(state);
  });

  it('refuses a state longer than 256 characters with a page that says so', async () => {
    const { response, html } = await page(`/login?state=${'x'.repeat(257)}`);
    expect(response.status).toBe(400);
    expect(html).toContain('登录参数 state 过长');
    expect(html).not.toContain('data-state');
  });
});

describe('captcha widget on the pages', () => {
  const TURNSTILE = { CAPTCHA_PROVIDER: 'turnstile', TURNSTILE_SITE_KEY: '0x4AAAAAAAtest', TURNSTILE_SECRET_KEY: 'turnstile-secret' };
  const TENCENT = {
    CAPTCHA_PROVIDER: 'tencent',
    TENCENT_SECRET_ID: 'AKIDtest',
    TENCENT_SECRET_KEY: 'tencent-secret',
    TENCENT_CAPTCHA_APP_ID: '190000000',
    TENCENT_CAPTCHA_APP_SECRET_KEY: 'app-secret',
  };
  const directives = (csp: string | null) => Object.fromEntries((csp ?? '').split('; ').map((d) => [d.split(' ')[0], d]));

  it('none: the strict CSP as it is, and no widget', async () => {
    const { response, html } = await pageWith({ CAPTCHA_PROVIDER: 'none' }, '/login');
    const csp = directives(response.headers.get('content-security-policy'));
    expect(csp['script-src']).toBe("script-src 'self'");
    expect(csp['connect-src']).toBe("connect-src 'self'");
    expect(csp['frame-src']).toBeUndefined();
    expect(html).not.toMatch(/data-captcha(-key|-script)?="(?!true)/);
  });

  it('turnstile: exactly its script origin for scripts, frames and requests; the site key for the widget', async () => {
    for (const path of ['/login', '/login/qq/callback', '/account']) {
      const { response, html } = await pageWith(TURNSTILE, path);
      const csp = directives(response.headers.get('content-security-policy'));
      expect(csp['script-src']).toBe("script-src 'self' https://challenges.cloudflare.com");
      expect(csp['frame-src']).toBe("frame-src 'self' https://challenges.cloudflare.com");
      expect(csp['connect-src']).toBe("connect-src 'self' https://challenges.cloudflare.com");
      expect(csp['style-src']).toBe("style-src 'self'");
      expect(csp['default-src']).toBe("default-src 'self'");
      expect(html).toContain('data-captcha="turnstile"');
      expect(html).toContain('data-captcha-key="0x4AAAAAAAtest"');
      expect(html).toContain('data-captcha-script="https://challenges.cloudflare.com/turnstile/v0/api.js"');
    }
  });

  it('tencent: its script origin, and the CaptchaAppId for `new TencentCaptcha`', async () => {
    const { response, html } = await pageWith(TENCENT, '/login');
    const csp = directives(response.headers.get('content-security-policy'));
    expect(csp['script-src']).toBe("script-src 'self' https://turing.captcha.qcloud.com");
    expect(csp['frame-src']).toBe("frame-src 'self' https://turing.captcha.qcloud.com");
    expect(html).toContain('data-captcha="tencent"');
    expect(html).toContain('data-captcha-key="190000000"');
  });

  it('a script URL of the site\'s choosing widens the CSP by its origin alone', async () => {
    const { response, html } = await pageWith({ ...TURNSTILE, TURNSTILE_SCRIPT_URL: 'https://captcha.example.net/widget/api.js?render=explicit' }, '/login');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(directives(csp)['script-src']).toBe("script-src 'self' https://captcha.example.net");
    expect(csp).not.toContain('challenges.cloudflare.com');
    expect(csp).not.toContain('/widget');
    expect(html).toContain('data-captcha-script="https://captcha.example.net/widget/api.js?render=explicit"');
  });
});

describe('the paths the pages call', () => {
  for (const [name, path] of Object.entries(PATHS)) {
    it(`${name}: ${path} is a route of the worker`, async () => {
      const response = await createApp().fetch(new Request(`http://localhost:8787${path}`), env, createExecutionContext());
      const body: unknown = await response.json();
      expect(body).not.toMatchObject({ error: { code: 'not_found' } });
    });
  }
});
