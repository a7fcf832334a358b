import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import type { Lang } from '../lang';
import { preferredLang } from '../lang';

export const LANG_COOKIE = 'lang';

/**
 * The page language: `?lang=` (remembered in a cookie, so QQ's redirect back keeps it),
 * else the cookie, else Accept-Language.
 */
export function pageLang(c: Context<AppEnv>): Lang {
  const asked = langOf(c.req.query('lang'));
  if (asked !== null) {
    setCookie(c, LANG_COOKIE, asked, {
      path: '/',
      maxAge: 365 * 24 * 60 * 60,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
    });
    return asked;
  }
  return langOf(getCookie(c, LANG_COOKIE)) ?? preferredLang(c.req.header('accept-language'));
}

function langOf(value: string | undefined): Lang | null {
  return value === 'zh' || value === 'en' ? value : null;
}
