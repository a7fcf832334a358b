// Process facts read from /proc (Linux): which workerd processes this bench started, and
// how much CPU each has used. Miniflare spawns one workerd per instance as a direct child
// of this Node process, so a workerd child that appears while an instance starts is that
// instance's runtime.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

/** Clock ticks per second for utime/stime (`getconf CLK_TCK`, 100 on Linux in practice). */
export const CLK_TCK = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/**
 * Fields of /proc/<pid>/stat after the command name (which may itself hold spaces or parentheses).
 * @param {number | string} pid
 */
function statFields(pid) {
  /** @type {string} */
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const close = text.lastIndexOf(')');
  return { comm: text.slice(text.indexOf('(') + 1, close), rest: text.slice(close + 2).split(' ') };
}

/** PIDs of the live `workerd` processes whose parent is this process. */
export function workerdChildren() {
  return childProcesses(process.pid, 'workerd');
}

/**
 * PIDs of the live processes whose parent is `parent` (and whose command is `comm`, when given).
 * @param {number} parent
 * @param {string} [comm]
 */
export function childProcesses(parent, comm) {
  /** @type {number[]} */
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = statFields(entry);
      // rest[0] is the state, rest[1] the parent pid.
      if ((comm === undefined || stat.comm === comm) && Number(stat.rest[1]) === parent) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/**
 * User + system CPU of `pid` (all its threads) so far, in milliseconds.
 * @param {number} pid
 * @returns {number}
 */
export function cpuMs(pid) {
  const { rest } = statFields(pid);
  // utime and stime are fields 14 and 15 of stat; rest starts at field 3.
  const ticks = Number(rest[11]) + Number(rest[12]);
  return (ticks * 1000) / CLK_TCK;
}

/**
 * What each role of two CPU snapshots (ms so far, by role, with `machine` for the whole
 * machine) spent in between, per unit of work (request, login; null when there was none),
 * and the cores everything else on the machine used meanwhile (other people's tests, say:
 * when it is high, rates are low for reasons outside the server).
 * @param {Record<string, number>} before
 * @param {Record<string, number>} after
 * @param {number} units
 * @param {number} elapsedS
 */
export function cpuBetween(before, after, units, elapsedS) {
  /** @type {Record<string, number | null>} */
  const perUnit = {};
  let ours = 0;
  for (const [role, end] of Object.entries(after)) {
    if (role === 'machine') continue;
    const spent = end - (before[role] ?? 0);
    ours += spent;
    perUnit[role] = units === 0 ? null : Math.round((spent / units) * 1000) / 1000;
  }
  const otherCores = Math.max(0, ((after.machine ?? 0) - (before.machine ?? 0) - ours) / 1000 / elapsedS);
  return { perUnit, otherCores };
}

/** CPU time the whole machine spent busy (all cores, all processes) since boot, in ms: /proc/stat. */
export function machineBusyMs() {
  /** @type {string} */
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal …
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / CLK_TCK;
}

/** User + system CPU of this Node process (the load generator and the bench's own work), in ms. */
export function ownCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export function machineInfo() {
  /** @type {string} */
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    /** @type {string | undefined} */
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((/** @type {string} */ l) => l.startsWith('model name'));
    if (line) model = line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  /** @type {number} */
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // keep Node's count
  }
  return { nproc, cpu_model: model, node: process.version, platform: `${os.type()} ${os.release()}`, clk_tck: CLK_TCK };
}
