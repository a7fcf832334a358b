// Re-draws the SVG chart of a results file without running the bench again:
//   node bench/chart.mjs [bench/results/latest.json]   (writes the .svg beside it)
import { readFileSync, writeFileSync } from 'node:fs';
import { rowsOf, svg } from './lib/report.mjs';

const file = process.argv[2] ?? new URL('results/latest.json', import.meta.url).pathname;
/** @type {import('./lib/types.ts').ChartResults} */
const results = JSON.parse(readFileSync(file, 'utf8'));
const out = file.replace(/\.json$/, '.svg');
writeFileSync(out, svg(results, rowsOf(results)));
console.log(`wrote ${out}`);
