import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { LOGIN_JS } from './client-script';
import { LOGIN_CSS } from './styles';

const ASSETS = {
  js: { path: '/assets/login.js', type: 'text/javascript; charset=utf-8', body: LOGIN_JS },
  css: { path: '/assets/login.css', type: 'text/css; charset=utf-8', body: LOGIN_CSS },
} as const;

type AssetName = keyof typeof ASSETS;

// Pages link each asset with a hash of its content, so it can be cached for a year and
// a deploy that changes it is still picked up at once. Hashed on the first page, not at
// startup: most isolates serve only the JSON routes.
let versions: Record<AssetName, string> | null = null;

export function assetUrl(name: AssetName): string {
  versions ??= { js: fnv1a(ASSETS.js.body), css: fnv1a(ASSETS.css.body) };
  return `${ASSETS[name].path}?v=${versions[name]}`;
}

export const assets = new Hono<AppEnv>();

for (const asset of Object.values(ASSETS)) {
  assets.get(asset.path, (c) =>
    c.body(asset.body, 200, {
      'Content-Type': asset.type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    }),
  );
}

/** 32-bit FNV-1a as 8 hex digits: a cache key, not a security measure. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
