// Building the bundles as a deploy would (`wrangler deploy --dry-run`), and what can be
// read off them: size and composition by package (script startup: startup.mjs).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';

/** @import { Build } from './types.ts' */

/** @type {Set<{ pid?: number }>} */
const children = new Set();

/** Stops the commands `run` started that are still running (for an early exit). */
export function killChildren() {
  for (const child of children) {
    try {
      // Their own process group: npx → wrangler → esbuild/workerd all go.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/**
 * Runs a command (through npx, so the project's pinned tools are used); resolves with its output.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, quiet?: boolean, env?: Record<string, string | undefined> }} [options]
 * @returns {Promise<string>}
 */
export function run(command, args, { cwd, quiet = true, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, CI: 'true' } });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let output = '';
    /** @param {string} chunk */
    const keep = (chunk) => {
      output += chunk;
      if (!quiet) process.stdout.write(chunk);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (/** @type {number | null} */ code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/**
 * `wrangler deploy --dry-run --outdir`: the exact bundle a deploy would upload. For the
 * worker this also runs wrangler.toml's [build] command (scripts/build-pages.mjs, the
 * pages' static assets), which is why its output is checked for the custom build.
 * @param {string} root
 * @param {{ outdir: string, config?: string, outfile?: string, metafile?: string }} where
 * @returns {Promise<Build>}
 */
export async function buildBundle(root, { config, outdir, outfile, metafile }) {
  const started = performance.now();
  const args = ['wrangler', 'deploy', '--dry-run', '--outdir', outdir];
  if (config) args.push('-c', config);
  // The upload form (what `wrangler check startup --worker` loads) and esbuild's metafile.
  if (outfile) args.push('--outfile', outfile);
  if (metafile) args.push('--metafile', metafile);
  const output = await run('npx', args, { cwd: root });
  const upload = /Total Upload:\s*([\d.]+\s*KiB)\s*\/\s*gzip:\s*([\d.]+\s*KiB)/.exec(output);
  const entry = ['index.js', 'worker.js'].map((f) => path.join(outdir, f)).find((f) => existsSync(f));
  if (!entry) throw new Error(`no bundle in ${outdir}:\n${output.slice(-2000)}`);
  return {
    entry,
    build_ms: Math.round(performance.now() - started),
    wrangler_total_upload: upload ? `${upload[1]} / gzip ${upload[2]}` : null,
    custom_build_ran: output.includes('[custom build]'),
    custom_build_output: output
      .split('\n')
      .filter((l) => l.startsWith('[custom build]'))
      .map((l) => l.replace('[custom build]', '').trim())
      .filter((l) => l && !l.startsWith('npm warn'))
      .join(' | '),
  };
}

/**
 * Raw and gzip size of a bundle file (gzip at Node's default level, as an upload would roughly be).
 * @param {string} file
 * @returns {{ raw_bytes: number, gzip_bytes: number }}
 */
export function bundleSize(file) {
  const raw = readFileSync(file);
  return { raw_bytes: statSync(file).size, gzip_bytes: gzipSync(raw).byteLength };
}

/**
 * Bytes of the output bundle by npm package (or `src`), largest first, from esbuild's metafile.
 * @param {string} metafile
 * @returns {Record<string, number> | null}
 */
export function bundleComposition(metafile) {
  try {
    /** @type {{ outputs: Record<string, { inputs?: Record<string, { bytesInOutput: number }> }> }} */
    const meta = JSON.parse(readFileSync(metafile, 'utf8'));
    const output = Object.entries(meta.outputs).find(([name]) => name.endsWith('.js'))?.[1];
    /** @type {Record<string, number>} */
    const sizes = {};
    for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const key = pkg ?? (input.split('/')[0] || input);
      sizes[key] = (sizes[key] ?? 0) + bytesInOutput;
    }
    return Object.fromEntries(Object.entries(sizes).sort((a, b) => b[1] - a[1]));
  } catch {
    return null;
  }
}
