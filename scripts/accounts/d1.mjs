// D1 through wrangler: `wrangler d1 execute DB --local|--remote` with `--command … --json`
// for reads and `--file` for the one write. Each call starts wrangler (seconds), so reads
// fetch several tables per call, in large pages.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const PAGE_ROWS = 50_000;
// The project's wrangler, run by this node (22, from `npm run`) without npx's start-up.
const WRANGLER = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');

export class D1Error extends Error {}

/**
 * @typedef {{ remote: boolean, persistTo?: string, env?: string }} Target
 * @typedef {Record<string, any>} Row
 */

/** wrangler's flags naming the database. @param {Target} target @returns {string[]} */
export function targetFlags({ remote, persistTo, env }) {
  return [
    remote ? '--remote' : '--local',
    ...(persistTo ? ['--persist-to', persistTo] : []),
    ...(env ? ['--env', env] : []),
  ];
}

/**
 * Runs several SELECTs in one call; answers one row list per statement.
 * @param {string[]} target wrangler's flags
 * @param {string[]} statements
 * @returns {Promise<Row[][]>}
 */
export async function select(target, statements) {
  const { code, stdout, stderr } = await wrangler([...target, '--command', statements.join(';\n'), '--json']);
  if (code !== 0) throw new D1Error(explain(stdout, stderr));
  let answer;
  try {
    answer = JSON.parse(stdout);
  } catch {
    throw new D1Error(`wrangler answered something other than JSON:\n${stdout.slice(0, 500)}`);
  }
  if (!Array.isArray(answer) || answer.length !== statements.length || answer.some((/** @type {any} */ r) => !r.success)) {
    throw new D1Error(`unexpected answer from D1: ${stdout.slice(0, 500)}`);
  }
  return answer.map((/** @type {{ results: Row[] }} */ r) => r.results);
}

/**
 * Whole tables, keyed by their integer `id`, paged: `tables` is a list of
 * `{ table, columns }`; answers one row list per table. `extra` statements ride along
 * with the first call.
 * @param {string[]} target wrangler's flags
 * @param {{ table: string, columns: string }[]} tables
 * @param {string[]} [extra]
 * @returns {Promise<{ rows: Row[][], extra: Row[][] }>}
 */
export async function readTables(target, tables, extra = []) {
  /** @type {Row[][]} */
  const rows = tables.map(() => []);
  const after = tables.map(() => 0);
  let pending = tables.map((_, i) => i);
  /** @type {Row[][]} */
  let extraRows = [];
  for (let call = 0; pending.length > 0; call++) {
    const statements = pending.map((i) => `SELECT ${tables[i]?.columns} FROM ${tables[i]?.table} WHERE id > ${after[i]} ORDER BY id LIMIT ${PAGE_ROWS}`);
    const answers = await select(target, call === 0 ? [...statements, ...extra] : statements);
    if (call === 0) extraRows = answers.slice(statements.length);
    pending = pending.filter((i, k) => {
      const page = answers[k] ?? [];
      for (const row of page) rows[i]?.push(row);
      if (page.length > 0) after[i] = page[page.length - 1]?.id;
      return page.length === PAGE_ROWS;
    });
  }
  return { rows, extra: extraRows };
}

/**
 * Executes an SQL file as one unit. Locally wrangler runs the whole file as one D1
 * batch (one transaction); remotely it goes through D1's import, which returns the
 * database to its previous state when any statement fails.
 * @param {string[]} target wrangler's flags
 * @param {string} file
 */
export async function executeFile(target, file) {
  const { code, stdout, stderr } = await wrangler([...target, '--file', file, '--yes', '--json']);
  if (code !== 0) throw new D1Error(explain(stdout, stderr));
}

/** @param {string[]} args @returns {Promise<{ code: number, stdout: string, stderr: string }>} */
function wrangler(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER, 'd1', 'execute', 'DB', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (/** @type {number} */ code) => resolve({ code, stdout, stderr }));
  });
}

/** wrangler's error text, with the next step when the tables are missing. @param {string} stdout @param {string} stderr */
function explain(stdout, stderr) {
  /** @type {string | undefined} */
  let text;
  try {
    text = JSON.parse(stdout).error?.text;
  } catch {
    // not JSON: wrangler failed before it could answer
  }
  text ??= (stderr.trim() || stdout.trim()).split('\n').slice(-15).join('\n');
  if (/no such table/.test(text)) {
    text += '\nThe database has no tables yet: run `npx wrangler d1 migrations apply DB` (with the same --local/--remote, --persist-to, --env) first.';
  }
  return `D1 refused: ${text}`;
}
