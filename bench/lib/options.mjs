// The command line of `npm run bench`.
import { parseArgs } from 'node:util';

/** @import { Options } from './types.ts' */

const HELP = `npm run bench -- [--qq-latency MS[,MS…]] [--duration S] [--connections N] [--filler N] [--routes a,b] [--no-build] [--profile]
  --qq-latency   fake QQ answer delay per call, ms; one pass per value (default 0,50),
                 then the returning-user login against the floor worker at each
  --duration     seconds per route (default 8)
  --connections  concurrent connections (default 10)
  --filler       other accounts (user + QQ binding) in D1 (default 10000)
  --routes       only these routes ("calibration" for the D1/KV calibration, "logins"
                 for whole logins on the worker, the floor and the Django stack)
                 (results then go to bench/.out/partial.json)
  --no-build     reuse the bundles in bench/.out (for iterating on the bench only)
  --profile      also take a V8 CPU profile of the target isolate during each run
                 (bench/.out/profiles/); profiling slows the worker, so such a run's
                 figures go to bench/.out/partial.json, never to bench/results`;

/**
 * The options, or the process exits: 0 after --help, 2 for a bad number.
 * @returns {Options}
 */
export function readOptions() {
  const { values } = parseArgs({
    options: {
      'qq-latency': { type: 'string', default: '0,50' },
      duration: { type: 'string', default: '8' },
      connections: { type: 'string', default: '10' },
      filler: { type: 'string', default: '10000' },
      routes: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const qqLatencies = String(values['qq-latency']).split(',').map((ms) => nonNegative('qq-latency', ms.trim()));
  return {
    qqLatencyMs: qqLatencies[0] ?? 0,
    qqLatencies,
    durationS: nonNegative('duration', values.duration),
    connections: nonNegative('connections', values.connections),
    filler: nonNegative('filler', values.filler),
    only: values.routes?.split(',').map((/** @type {string} */ s) => s.trim()) ?? null,
    build: !values['no-build'],
    profile: values.profile,
  };
}

/**
 * @param {string} name
 * @param {string | undefined} text
 * @returns {number}
 */
function nonNegative(name, text) {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number`);
    process.exit(2);
  }
  return value;
}
