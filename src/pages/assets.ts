/**
 * The pages' script and stylesheet are Workers Static Assets: scripts/build-pages.mjs
 * bundles them into dist/pages under names that carry their content hash (cached for a
 * year by dist/pages/_headers) and writes page-assets.json, which names them. The pages
 * read that file through the ASSETS binding once per isolate.
 */
import * as z from 'zod/mini';

const MANIFEST_PATH = '/page-assets.json';

const manifestSchema = z.object({
  script: z.string().check(z.regex(/^\/assets\/[\w.-]+\.js$/)),
  stylesheet: z.string().check(z.regex(/^\/assets\/[\w.-]+\.css$/)),
});

export type PageAssets = z.infer<typeof manifestSchema>;

const manifests = new WeakMap<Fetcher, Promise<PageAssets>>();

/** The URLs of the pages' script and stylesheet. */
export function pageAssets(assets: Fetcher): Promise<PageAssets> {
  let manifest = manifests.get(assets);
  if (manifest === undefined) {
    manifest = readManifest(assets);
    manifests.set(assets, manifest);
    // A failure is not remembered: the next page asks again.
    manifest.catch(() => manifests.delete(assets));
  }
  return manifest;
}

async function readManifest(assets: Fetcher): Promise<PageAssets> {
  const response = await assets.fetch(`https://assets.local${MANIFEST_PATH}`);
  if (!response.ok) throw new Error(`${MANIFEST_PATH} answered ${response.status}: build the page assets (npm run build:pages)`);
  const parsed = manifestSchema.safeParse(await response.json());
  if (!parsed.success) throw new Error(`${MANIFEST_PATH} is malformed: rebuild the page assets (npm run build:pages)`);
  return parsed.data;
}
