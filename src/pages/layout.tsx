import type { Child, FC } from 'hono/jsx';
import type { Lang } from '../lang';
import type { PageAssets } from './assets';
import type { PageCaptcha } from './security';
import { BrandMark } from './components';
import { fill } from './fill';
import { CLIENT_TEXTS, type Texts } from './texts';

export type PageName = 'login' | 'callback' | 'account' | 'message';

const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%230b78cc'/%3E%3Cpath fill='white' d='M16 6l-8 3v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V9z'/%3E%3C/svg%3E";

interface LayoutProps {
  lang: Lang;
  t: Texts;
  page: PageName;
  title: string;
  /** The name of the pages (SITE_NAME). */
  site: string;
  assets: PageAssets;
  /** The captcha widget the script renders when the API asks for one. */
  captcha: PageCaptcha | null;
  /** Where the language switch goes (the same page in the other language). */
  otherLangHref: string;
  /** `data-*` values for the script, e.g. `next`. */
  data?: Record<string, string>;
  /** Room for the hero panel beside the content on wide screens. */
  wide?: boolean;
  children?: Child;
}

export const Layout: FC<LayoutProps> = ({ lang, t, page, title, site, assets, captcha, otherLangHref, data = {}, wide = false, children }) => {
  const clientTexts = Object.fromEntries(CLIENT_TEXTS.map((key) => [key, t[key]]));
  const widget = captcha === null ? {} : { captcha: captcha.provider, 'captcha-key': captcha.key, 'captcha-script': captcha.script };
  const dataAttributes = Object.fromEntries(Object.entries({ ...data, ...widget }).map(([key, value]) => [`data-${key}`, value]));
  return (
    <html lang={lang === 'en' ? 'en' : 'zh-CN'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>{`${title} · ${site}`}</title>
        <link rel="icon" href={FAVICON} />
        <link rel="stylesheet" href={assets.stylesheet} />
        <script src={assets.script} defer></script>
      </head>
      <body data-page={page} data-site={site} data-t={JSON.stringify(clientTexts)} {...dataAttributes}>
        <header class="topbar">
          <a class="brand" href="/login">
            <BrandMark />
            <span class="brand-name">{site}</span>
          </a>
          <a class="lang-switch" href={otherLangHref} hreflang={lang === 'en' ? 'zh-CN' : 'en'} aria-label={t.switchLangLabel}>
            {t.switchLang}
          </a>
        </header>
        <main class="main">
          <div class={wide ? 'card card-wide' : 'card'}>
            <noscript>
              <p class="alert">{t.noscript}</p>
            </noscript>
            {children}
          </div>
        </main>
        <footer class="footer">{fill(t.footer, { site })}</footer>
      </body>
    </html>
  );
};
