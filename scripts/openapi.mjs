// `npm run openapi`: writes src/openapi/openapi.json, the document GET /openapi.json serves,
// from the app's own routes (src/openapi/document.ts). test/openapi.test.ts fails when the
// committed file differs from what this makes, so the document cannot drift from the code.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The esbuild that wrangler bundles the worker with (as scripts/build-pages.mjs): no dependency of our own.
/** @type {typeof import('esbuild')} */
const { build } = createRequire(createRequire(import.meta.url).resolve('wrangler'))('esbuild');

const OUT = 'src/openapi/openapi.json';
const bundled = await build({
  stdin: {
    contents: "export { createApp } from './src/app'; export { buildDocument } from './src/openapi/document';",
    resolveDir: process.cwd(),
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  write: false,
  logLevel: 'error',
});
const code = bundled.outputFiles[0]?.text ?? '';
const { createApp, buildDocument } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
writeFileSync(OUT, `${JSON.stringify(buildDocument(createApp().routes), null, 2)}\n`);
console.log(`wrote ${OUT}`);
