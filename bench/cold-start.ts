/**
 * Cold start: each function's bundle size and the time to import it in a fresh Node process, beside a
 * reference bundle holding only the DynamoDB client (what any DynamoDB-backed function must load).
 * Measured side by side, interleaved, median of N runs each.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allFunctions } from '#topology/index.ts';
import { bundle } from './bundle.ts';

const NODE = process.execPath;

function importMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(`file://${file}`)});process.stdout.write(String(performance.now()-t));`;
  const out = spawnSync(NODE, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_REGION: 'ap-southeast-1',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...placeholderEnv(),
    },
  });
  if (out.status !== 0) throw new Error(`import of ${file} failed: ${out.stderr}`);
  return Number(out.stdout);
}

/** Handlers read their resource names at import time in a few places; give them placeholders. */
function placeholderEnv(): Record<string, string> {
  const env: Record<string, string> = { EVENTS_TOPIC_ARN: 'arn:aws:sns:ap-southeast-1:000000000000:bench' };
  for (const t of ['catalog', 'dossiers', 'documents', 'payments', 'notifications', 'reporting', 'probe'])
    env[`TABLE_${t.toUpperCase()}`] = `bench-${t}`;
  env.BUCKET_DOCUMENTS = 'bench-documents';
  return env;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function coldStartBenchmark(outDir: string, runs = 7) {
  mkdirSync(outDir, { recursive: true });
  const referenceEntry = join(outDir, 'reference-entry.mjs');
  writeFileSync(
    referenceEntry,
    "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';\nconst c = new DynamoDBClient({});\nexport const handler = async () => c.send(new GetItemCommand({ TableName: 't', Key: {} }));\n",
  );
  const reference = await bundle(referenceEntry, outDir, 'reference');
  const functions = allFunctions().filter((f, i, all) => all.findIndex((g) => g.entry === f.entry) === i);
  const bundles = [];
  for (const fn of functions) bundles.push({ name: fn.name, ...(await bundle(fn.entry, outDir, fn.name)) });

  const rows = [];
  for (const b of bundles) {
    const fnTimes: number[] = [];
    const refTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      refTimes.push(importMs(reference.file));
      fnTimes.push(importMs(b.file));
    }
    const ratio = median(fnTimes) / median(refTimes);
    rows.push({
      function: b.name,
      bytes: b.bytes,
      referenceBytes: reference.bytes,
      importMs: Number(median(fnTimes).toFixed(1)),
      referenceImportMs: Number(median(refTimes).toFixed(1)),
      ratio: Number(ratio.toFixed(2)),
      target: 1.5,
      meetsTarget: ratio <= 1.5,
    });
  }
  return rows;
}
