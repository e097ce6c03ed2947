/**
 * `npm run bench`: each benchmark prints a table and writes JSON under bench/results/. Ratios are measured
 * side by side in one run (never absolute times compared across machines).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { coldStartBenchmark } from './cold-start.ts';

const only = process.argv.slice(2);
const results = join(import.meta.dirname, 'results');
mkdirSync(results, { recursive: true });

async function run(name: string, fn: () => Promise<unknown[]>) {
  if (only.length > 0 && !only.includes(name)) return;
  console.log(`\n== ${name}`);
  const rows = await fn();
  console.table(rows);
  writeFileSync(join(results, `${name}.json`), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
}

await run('cold-start', () => coldStartBenchmark(join(results, 'bundles')));
await run('request-overhead', async () => (await import('./request-overhead.ts')).requestOverheadBenchmark());
await run('throughput', async () => (await import('./throughput.ts')).throughputBenchmark());
await run('cost', async () => (await import('./cost.ts')).costBenchmark());
await run('report-cost', async () => (await import('./report-cost.ts')).reportCostBenchmark());
await run('queue-reads', async () => (await import('./queue-reads.ts')).queueReadsBenchmark());
await run('confirmations', async () => (await import('./confirmations.ts')).confirmationsBenchmark());
