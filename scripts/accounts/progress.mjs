// Progress on a terminal (stderr): a bar for counted work, a spinner with the elapsed time
// for a wrangler call. Off a terminal, one plain line per step.
const tty = process.stderr.isTTY === true;
const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const WIDTH = 30;

/**
 * A bar over `total` items; drawn only on a terminal and for long inputs.
 * @param {string} label
 * @param {number} total
 * @returns {{ update(done: number): void, done(): void }}
 */
export function bar(label, total, { minimum = 2_000 } = {}) {
  if (!tty || total < minimum) return { update() {}, done() {} };
  let last = -1;
  let finished = false;
  /** @param {number} done */
  const draw = (done) => {
    const filled = Math.round((done / total) * WIDTH);
    if (finished || (filled === last && done !== total)) return;
    last = filled;
    finished = done === total;
    const pct = String(Math.floor((done / total) * 100)).padStart(3);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${pct}% ${label} ${done.toLocaleString('en')}/${total.toLocaleString('en')}`);
  };
  return {
    update: draw,
    done() {
      draw(total);
      process.stderr.write('\n');
    },
  };
}

/**
 * Awaits `promise`, showing `label` with a spinner and the seconds spent.
 * @template T
 * @param {string} label
 * @param {Promise<T>} promise
 * @returns {Promise<T>}
 */
export async function spinning(label, promise) {
  if (!tty) {
    process.stderr.write(`${label}…\n`);
    return promise;
  }
  const started = Date.now();
  let frame = 0;
  const timer = setInterval(() => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    process.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label} (${seconds}s)`);
  }, 100);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
    process.stderr.write(`\r\x1b[K`);
  }
}
