// Builds the hosted pages' static assets into dist/pages, which wrangler.toml [assets]
// serves: src/pages/browser/main.ts bundled to one script and src/pages/styles.css, each
// named by a hash of its content (pages-<hash>.js, pages-<hash>.css); _headers; and
// page-assets.json, from which the worker learns those names. Run by wrangler's [build]
// (wrangler dev, wrangler deploy), by vitest.config.ts and by `npm run build:pages`.
// Its types: build-pages.d.mts.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist/pages');
const ASSETS = join(OUT, 'assets');

// The esbuild that wrangler bundles the worker with: no dependency of our own.
const esbuild = createRequire(createRequire(import.meta.url).resolve('wrangler'))('esbuild');

/** @param {string} entry a path under the repository */
async function bundle(entry) {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'warning',
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error(`esbuild wrote nothing for ${entry}`);
  return file.contents;
}

/** @param {Uint8Array} contents */
function hashed(name, extension, contents) {
  const hash = createHash('sha256').update(contents).digest('hex').slice(0, 16);
  return `${name}-${hash}.${extension}`;
}

/** Writes only what changed, so wrangler dev does not reload for nothing. */
function put(path, contents) {
  try {
    if (Buffer.compare(readFileSync(path), Buffer.from(contents)) === 0) return;
  } catch {
    // not there yet
  }
  writeFileSync(path, contents);
}

/** Builds dist/pages; returns what page-assets.json says. */
export async function buildPages() {
  const [script, stylesheet] = await Promise.all([bundle('src/pages/browser/main.ts'), bundle('src/pages/styles.css')]);
  const names = { script: hashed('pages', 'js', script), stylesheet: hashed('pages', 'css', stylesheet) };
  mkdirSync(ASSETS, { recursive: true });
  put(join(ASSETS, names.script), script);
  put(join(ASSETS, names.stylesheet), stylesheet);
  // Names of earlier builds go, so the directory holds exactly what the pages link.
  for (const name of readdirSync(ASSETS)) if (name !== names.script && name !== names.stylesheet) rmSync(join(ASSETS, name));
  copyFileSync(join(ROOT, 'src/pages/_headers'), join(OUT, '_headers'));
  const manifest = { script: `/assets/${names.script}`, stylesheet: `/assets/${names.stylesheet}` };
  put(join(OUT, 'page-assets.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`[build-pages] dist/pages: ${manifest.script} (${script.length} B), ${manifest.stylesheet} (${stylesheet.length} B)`);
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildPages();
