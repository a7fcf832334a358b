/** The hosted login pages (api.md "Hosted pages"); their script and stylesheet are static assets (./assets.ts). */
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../env';
import type { Lang } from '../lang';
import { ERRORS } from '../errors';
import { safeNext } from '../oauth/next';
import { AccountPage } from './account';
import { pageAssets } from './assets';
import { CallbackPage } from './callback';
import { pageLang } from './i18n';
import { pageCaptcha, pageCsp } from './security';
import { TEXTS } from './texts';
import { Layout, type PageName } from './layout';
import { LoginPage, MessagePage } from './login';

/** Where the pages send the browser after a login when no `next` is given. */
const DEFAULT_NEXT = '/account';
const ACCOUNT_LOGIN_HREF = '/login?next=/account';

/** The longest `state` a site may give `/login` (api.md "Hosted pages"). */
const MAX_SITE_STATE = 256;

// Per page route rather than `use('*')`, so JSON routes and unknown paths keep their own answers.
const pageHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.header('Content-Security-Policy', pageCsp(c.var.settings));
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header('Cache-Control', 'no-store');
});

export const pages = new Hono<AppEnv>();

pages.get('/login', pageHeaders, (c) => {
  const lang = pageLang(c);
  const t = TEXTS[lang];
  const given = c.req.query('next');
  const next = safeNext(given ?? DEFAULT_NEXT, c.var.settings.ALLOWED_REDIRECT_ORIGINS);
  // The site's own value, handed back untouched beside the token.
  const state = c.req.query('state') || undefined;
  if (next === null || (state !== undefined && state.length > MAX_SITE_STATE)) {
    const link = { href: '/login', label: t.backToLogin };
    const [title, message] = next === null ? [t.badNextTitle, ERRORS.invalid_next[lang]] : [t.badStateTitle, t.badState];
    return render(c, lang, { page: 'message', title, status: 400, body: <MessagePage title={title} message={message} link={link} /> });
  }
  const keep = { ...(given === undefined ? {} : { next }), ...(state === undefined ? {} : { state }) };
  return render(c, lang, {
    page: 'login',
    title: t.loginTitle,
    keep,
    // Only a value the server's rule accepted reaches the page's script.
    data: { next, ...(state === undefined ? {} : { state }) },
    wide: true,
    body: <LoginPage t={t} devSms={c.var.settings.SMS_PROVIDER === 'console'} />,
  });
});

pages.get('/login/qq/callback', pageHeaders, (c) => {
  const lang = pageLang(c);
  const t = TEXTS[lang];
  // The language switch drops code and state: they are single use, and the script keeps
  // what it needs to show the binding choices again.
  return render(c, lang, {
    page: 'callback',
    title: t.progressTitle,
    body: <CallbackPage t={t} devSms={c.var.settings.SMS_PROVIDER === 'console'} />,
  });
});

pages.get('/account', pageHeaders, (c) => {
  const lang = pageLang(c);
  const t = TEXTS[lang];
  return render(c, lang, { page: 'account', title: t.accountTitle, body: <AccountPage t={t} loginHref={ACCOUNT_LOGIN_HREF} /> });
});

interface PageParts {
  page: PageName;
  title: string;
  body: Child;
  /** Query parameters the language switch keeps. */
  keep?: Record<string, string>;
  /** `data-*` values for the script. */
  data?: Record<string, string>;
  wide?: boolean;
  status?: ContentfulStatusCode;
}

async function render(c: Context<AppEnv>, lang: Lang, p: PageParts): Promise<Response> {
  const other: Lang = lang === 'en' ? 'zh' : 'en';
  const otherLangHref = `${c.req.path}?${new URLSearchParams({ ...p.keep, lang: other }).toString()}`;
  const assets = await pageAssets(c.env.ASSETS);
  const t = TEXTS[lang];
  // The default name is the pages' own and is translated; a site's own name is shown as given.
  const site = c.var.settings.SITE_NAME === TEXTS.zh.brand ? t.brand : c.var.settings.SITE_NAME;
  return c.html(
    <>
      {raw('<!DOCTYPE html>')}
      <Layout
        lang={lang}
        t={t}
        page={p.page}
        title={p.title}
        site={site}
        assets={assets}
        captcha={pageCaptcha(c.var.settings)}
        otherLangHref={otherLangHref}
        data={p.data}
        wide={p.wide}
      >
        {p.body}
      </Layout>
    </>,
    p.status ?? 200,
  );
}
