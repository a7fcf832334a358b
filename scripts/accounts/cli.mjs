// `npm run accounts -- import|export <dump.json> …`: moves accounts and QQ bindings from
// and to a Django shop (docs/django.md).
//
// Import is all or nothing. Everything is decided before anything is written: the whole
// file is checked, then every conflict within it and against D1 (read in one wrangler
// call per 50,000 rows). Only then are the writes laid out as one SQL file, each
// statement under D1's 100,000-byte limit, and handed to wrangler once: locally the file
// runs as one D1 batch, which is one transaction; remotely it goes through D1's import,
// which returns the database to its previous state if any statement fails. So a failure
// (a statement refused, a unique index hit because the edge took a mobile meanwhile,
// the connection lost) leaves nothing half-written. D1 has no BEGIN/COMMIT a client
// could hold open across calls, which is why the write is a single call.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { D1Error, executeFile, readTables, targetFlags } from './d1.mjs';
import { DEFAULT_LABELS, parseDump } from './dump.ts';
import { BINDING_COLUMNS, USER_COLUMNS, toFixture } from './fixture.ts';
import { checkDump, importStatements, planImport } from './plan.ts';
import { bar, spinning } from './progress.mjs';

const USAGE = `usage:
  npm run accounts -- import <dump.json> [--local [--persist-to DIR] | --remote] [--env NAME] [--dry-run]
                                         [--user-model LABEL] [--qq-model LABEL]
  npm run accounts -- export <dump.json> [--local [--persist-to DIR] | --remote] [--env NAME] [--format meiduo|renran]
                                         [--user-model LABEL] [--qq-model LABEL]

<dump.json> is what \`python manage.py dumpdata users.User oauth.OAuthQQUser\` writes (import)
or what \`python manage.py loaddata\` reads (export). See docs/django.md.`;

const SHOWN_PROBLEMS = 50;

/**
 * @typedef {import('./plan.ts').Plan} Plan
 * @typedef {import('./dump.ts').Labels} Labels
 * @typedef {import('./fixture.ts').Format} Format
 * @typedef {import('./d1.mjs').Target} Target
 * @typedef {{ appId: string, from: string }} AppId
 */

/** Refused with nothing written: a headline and the problems, by name. */
class Refused extends Error {
  /** @param {string} headline @param {string[]} [lines] */
  constructor(headline, lines = []) {
    super(headline);
    this.lines = lines;
  }
}
class UsageError extends Error {}

try {
  await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (err instanceof Refused || err instanceof D1Error) {
    const lines = err instanceof Refused ? err.lines : [];
    console.error(err.message);
    for (const line of lines.slice(0, SHOWN_PROBLEMS)) console.error(`  - ${line}`);
    if (lines.length > SHOWN_PROBLEMS) console.error(`  … and ${lines.length - SHOWN_PROBLEMS} more`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}

/** @param {string[]} argv */
async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        local: { type: 'boolean' },
        remote: { type: 'boolean' },
        'persist-to': { type: 'string' },
        env: { type: 'string' },
        'dry-run': { type: 'boolean' },
        format: { type: 'string' },
        'user-model': { type: 'string' },
        'qq-model': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  /** @type {{ values: Record<string, string | boolean | undefined>, positionals: string[] }} */
  const { values: o, positionals } = parsed;
  if (o.help) return console.log(USAGE);
  const [command, file, ...rest] = positionals;
  if ((command !== 'import' && command !== 'export') || !file || rest.length > 0) throw new UsageError('expected `import <dump.json>` or `export <dump.json>`');
  if (o.local && o.remote) throw new UsageError('--local and --remote exclude each other');
  if (o['persist-to'] && o.remote) throw new UsageError('--persist-to is for the local database');
  if (command === 'export' && o['dry-run']) throw new UsageError('--dry-run is for import');
  if (command === 'import' && o.format) throw new UsageError('--format is for export');
  const format = o.format ?? 'meiduo';
  if (format !== 'meiduo' && format !== 'renran') throw new UsageError('--format is meiduo or renran');

  const text = (/** @type {string | boolean | undefined} */ v) => (typeof v === 'string' ? v : undefined);
  /** @type {Target} */
  const target = { remote: o.remote === true, persistTo: text(o['persist-to']), env: text(o.env) };
  /** @type {Labels} */
  const labels = { user: text(o['user-model']) ?? DEFAULT_LABELS.user, qq: text(o['qq-model']) ?? DEFAULT_LABELS.qq };
  if (command === 'import') await importDump(file, target, labels, o['dry-run'] === true);
  else await exportDump(file, target, labels, format);
}

/** @param {string} file @param {Target} target @param {Labels} labels @param {boolean} dryRun */
async function importDump(file, target, labels, dryRun) {
  /** @type {string} */
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Refused(`cannot read ${file}: ${err instanceof Error ? err.message : err}`);
  }
  const count = (text.match(/"model"\s*:/g) ?? []).length;
  const checking = bar('checking records', count);
  const parsed = parseDump(text, labels, checking.update);
  checking.done();
  if (!parsed.ok) throw new Refused(`refused: ${file} is not an importable dump; nothing was written`, parsed.problems);
  const checked = checkDump(parsed.dump);
  if (!checked.ok) throw new Refused(`refused: conflicts in ${file}; nothing was written`, checked.conflicts);

  const app = checked.checked.bindings.length > 0 ? await qqAppId(target) : null;
  const flags = targetFlags(target);
  const { rows, extra } = await spinning(
    `reading ${where(target)}`,
    readTables(flags, [
      { table: 'users', columns: 'id, username, mobile, nickname' },
      { table: 'qq_bindings', columns: 'id, user_id, openid' },
    ], ["SELECT seq FROM sqlite_sequence WHERE name = 'users'"]),
  );
  const now = Math.floor(Date.now() / 1000);
  const [d1Users = [], d1Bindings = []] = /** @type {[import('./plan.ts').D1User[], import('./plan.ts').D1Binding[]]} */ (rows);
  const planned = planImport(checked.checked, { users: d1Users, bindings: d1Bindings }, now);
  if (!planned.ok) throw new Refused(`refused: conflicts with ${where(target)}; nothing was written`, planned.conflicts);
  const plan = planned.plan;
  const statements = importStatements(plan, app?.appId ?? '', now);
  const sequence = Number(extra[0]?.[0]?.seq ?? 0);

  if (dryRun) {
    printSummary(plan, app, sequence, 'would be');
    console.log('dry run: nothing was written');
    return;
  }
  if (statements.length > 0) {
    if (target.remote) await confirmRemote(plan);
    const dir = mkdtempSync(join(tmpdir(), 'accounts-import-'));
    // Password hashes: readable by this user only, and gone when the import ends, Ctrl-C included.
    const removeDir = () => rmSync(dir, { recursive: true, force: true });
    const interrupted = () => {
      removeDir();
      process.exit(130);
    };
    process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
    try {
      const sqlFile = join(dir, 'import.sql');
      writeFileSync(sqlFile, statements.join('\n\n') + '\n', { mode: 0o600 });
      await spinning(`writing to ${where(target)} (${statements.length} statements, one transaction)`, executeFile(flags, sqlFile));
    } finally {
      process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
      removeDir();
    }
  }
  printSummary(plan, app, sequence, 'were');
}

/** @param {Plan} plan @param {AppId | null} app @param {number} sequence @param {'were' | 'would be'} verb */
function printSummary(plan, app, sequence, verb) {
  const n = (/** @type {number} */ x) => x.toLocaleString('en');
  console.log(`users: ${n(plan.createUsers.length)} created, ${n(plan.updateUsers.length)} updated${verb === 'would be' ? ' (would be)' : ''}`);
  if (plan.inactive > 0) console.log(`  ${n(plan.inactive)} inactive users kept; they cannot log in`);
  console.log(`QQ bindings: ${n(plan.createBindings.length)} created, ${n(plan.updateBindings.length)} updated${verb === 'would be' ? ' (would be)' : ''}`);
  if (plan.droppedTokens > 0) console.log(`  ${n(plan.droppedTokens)} QQ access tokens in the dump not imported (the next QQ login stores fresh ones, sealed)`);
  if (plan.deletedBindings > 0) console.log(`  ${n(plan.deletedBindings)} bindings marked is_deleted skipped`);
  if (app !== null) console.log(`  app_id ${app.appId} (QQ_APP_ID from ${app.from})`);
  const kinds = Object.entries(plan.uncheckable);
  const total = kinds.reduce((sum, [, count]) => sum + count, 0);
  console.log(
    `hashes the edge cannot check: ${n(total)}` +
      (total > 0 ? ` (${kinds.map(([kind, count]) => `${kind}: ${n(count)}`).join(', ')}); their owners set a new password by SMS (POST /users/password/reset)` : ''),
  );
  console.log(`accounts created at the edge get ids above ${n(Math.max(plan.highestId, sequence))}`);
}

/** @param {string} file @param {Target} target @param {Labels} labels @param {Format} format */
async function exportDump(file, target, labels, format) {
  const { rows, extra } = await spinning(
    `reading ${where(target)}`,
    readTables(targetFlags(target), [
      { table: 'users', columns: USER_COLUMNS },
      { table: 'qq_bindings', columns: BINDING_COLUMNS },
    ], ['SELECT DISTINCT app_id FROM qq_bindings']),
  );
  const [users = [], bindings = []] = /** @type {[import('./fixture.ts').UserRow[], import('./fixture.ts').BindingRow[]]} */ (rows);
  try {
    writeFileSync(file, JSON.stringify(toFixture(users, bindings, format, labels), null, 2) + '\n', { mode: 0o600 });
    // `mode` applies only to a new file: an existing one is made private too (it holds every hash).
    chmodSync(file, 0o600);
  } catch (err) {
    throw new Refused(`cannot write ${file}: ${err instanceof Error ? err.message : err}`);
  }
  console.log(`exported ${users.length.toLocaleString('en')} users and ${bindings.length.toLocaleString('en')} QQ bindings to ${file} (${format}'s models ${labels.user}, ${labels.qq})`);
  const apps = (extra[0] ?? []).map((r) => String(r.app_id));
  if (apps.length > 1) console.log(`note: the bindings belong to ${apps.length} QQ apps (${apps.join(', ')}); openids are per app`);
  console.log(`load it with: python manage.py loaddata ${file}`);
}

/**
 * The QQ app the imported openids belong to: QQ_APP_ID as the worker of this environment
 * sees it. A QQ_APP_ID environment variable wins; else, locally, what `wrangler dev` reads
 * (.dev.vars or .env, over wrangler.toml [vars]); remotely, the deployed [vars] (or
 * [env.NAME.vars]) of the wrangler config.
 * @param {Target} target
 * @returns {Promise<AppId>}
 */
async function qqAppId({ remote, env }) {
  if (process.env.QQ_APP_ID) return { appId: process.env.QQ_APP_ID, from: 'the QQ_APP_ID environment variable' };
  const { unstable_readConfig, unstable_getVarsForDev } = await import('wrangler');
  const config = unstable_readConfig({ env });
  const section = env ? `[env.${env}.vars]` : '[vars]';
  const appId = remote
    ? config.vars?.QQ_APP_ID
    : unstable_getVarsForDev(config.configPath, undefined, config.vars ?? {}, env, true).QQ_APP_ID?.value;
  if (typeof appId !== 'string' || appId === '') {
    throw new Refused(
      `refused: the dump has QQ bindings but QQ_APP_ID is not set for this environment (${remote ? `${section} of the wrangler config` : '.dev.vars or wrangler.toml'}); nothing was written`,
    );
  }
  return { appId, from: remote ? `${section} of the wrangler config` : "the settings `wrangler dev` reads" };
}

/** @param {Plan} plan */
async function confirmRemote(plan) {
  if (!process.stdin.isTTY) return;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(
    `Write ${plan.createUsers.length + plan.updateUsers.length} users and ${plan.createBindings.length + plan.updateBindings.length} bindings to the remote database? D1 is unavailable while its import runs. [y/N] `,
  );
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new Refused('not confirmed; nothing was written');
}

/** @param {Target} target */
function where({ remote, env }) {
  return `${remote ? 'the remote' : 'the local'} D1 database${env ? ` (env ${env})` : ''}`;
}
