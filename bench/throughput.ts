/**
 * Throughput: dossiers submitted per second end to end on the local cloud (POST /dossiers by 16 citizens at once,
 * each with a verified document of their own, while the whole cloud — outbox publishers and every consumer — runs
 * in the same process), beside raw TransactWriteItems per second of the same items at the same concurrency (each
 * citizen's submission transaction, captured and written again with fresh keys). Each side runs for 30 s or 2,000
 * dossiers, whichever comes first; the events of the HTTP side are drained before the raw side starts.
 * Target: end to end ≥ 0.5 × raw.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../packages/local-cloud/src/emulators.ts';
import {
  benchCitizen,
  boundedPool,
  captureDynamoRequests,
  percentile,
  replayInput,
  round,
  type SubmissionTemplate,
  startBenchCloud,
  submissionBody,
  submissionTemplate,
  submitDossier,
  uploadVerifiedDocument,
  writeDetail,
} from './support.ts';

const TARGET = 0.5;

/** Rows of the end-to-end side and the raw side: dossiers per second at the same concurrency, and their ratio. */
export async function throughputBenchmark(options: { concurrency?: number; maxMs?: number; maxCount?: number } = {}) {
  const concurrency = options.concurrency ?? 16;
  const maxMs = options.maxMs ?? 30_000;
  const maxCount = options.maxCount ?? 2_000;
  const bench = await startBenchCloud();
  const raw = new DynamoDBClient({
    endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
  try {
    // Each worker is one citizen with one verified document, applying to one of the communes.
    const workers = await Promise.all(
      Array.from({ length: concurrency }, async (_, i) => {
        const citizen = benchCitizen(i);
        const token = await bench.token({ sub: citizen.idNumber, roles: ['citizen'], name: citizen.fullName });
        const documentId = await uploadVerifiedDocument(bench, token);
        return { citizen, token, body: submissionBody(citizen, documentId) };
      }),
    );
    await bench.cloud.settle(120_000);

    // One submission per worker, one at a time, with the transaction captured: the raw side's items.
    const templates: SubmissionTemplate[] = [];
    const capture = captureDynamoRequests();
    try {
      for (const worker of workers) {
        const key = randomUUID();
        const { code } = await submitDossier(bench, worker.token, worker.body, key);
        templates.push(submissionTemplate(capture.take(), code, key));
      }
    } finally {
      capture.stop();
    }
    await bench.cloud.settle(120_000);

    const endToEnd = await boundedPool({ workers: concurrency, maxCount, maxMs }, async (w) => {
      const worker = workers[w]!;
      await submitDossier(bench, worker.token, worker.body, randomUUID());
    });
    // The submissions' events (publisher, documents, payments, notifications, reporting) drain before raw writes.
    const drainStarted = performance.now();
    let drainedMs: number | null = null;
    try {
      await bench.cloud.settle(240_000);
      drainedMs = performance.now() - drainStarted;
    } catch {
      drainedMs = null;
    }

    const rawSide = await boundedPool({ workers: concurrency, maxCount, maxMs }, async (w, n) => {
      const input = replayInput(templates[w]!, n) as unknown as ConstructorParameters<
        typeof TransactWriteItemsCommand
      >[0];
      await raw.send(new TransactWriteItemsCommand(input));
    });

    const e2ePerSecond = endToEnd.completed / (endToEnd.elapsedMs / 1000);
    const rawPerSecond = rawSide.completed / (rawSide.elapsedMs / 1000);
    const ratio = e2ePerSecond / rawPerSecond;
    const rows = [
      {
        side: 'end to end: POST /dossiers → 201',
        concurrency,
        dossiers: endToEnd.completed,
        failed: endToEnd.failed,
        seconds: round(endToEnd.elapsedMs / 1000, 1),
        perSecond: round(e2ePerSecond, 1),
        p50Ms: round(percentile(endToEnd.latencies, 0.5)),
        p95Ms: round(percentile(endToEnd.latencies, 0.95)),
        ratio: round(ratio),
        target: TARGET,
        meetsTarget: ratio >= TARGET,
        eventsDrainedSeconds: drainedMs === null ? 'not within 240 s' : round(drainedMs / 1000, 1),
        perSecondIncludingDrain:
          drainedMs === null ? null : round(endToEnd.completed / ((endToEnd.elapsedMs + drainedMs) / 1000), 1),
      },
      {
        side: 'raw TransactWriteItems (same items)',
        concurrency,
        dossiers: rawSide.completed,
        failed: rawSide.failed,
        seconds: round(rawSide.elapsedMs / 1000, 1),
        perSecond: round(rawPerSecond, 1),
        p50Ms: round(percentile(rawSide.latencies, 0.5)),
        p95Ms: round(percentile(rawSide.latencies, 0.95)),
      },
    ];
    writeDetail('throughput', {
      rows,
      errors: { endToEnd: endToEnd.errors, raw: rawSide.errors },
      runtimeLog: bench.logLines.slice(0, 50),
    });
    if (endToEnd.failed + rawSide.failed > 0) {
      console.log('failures:', [...endToEnd.errors, ...rawSide.errors].slice(0, 5));
    }
    return rows;
  } finally {
    raw.destroy();
    await bench.stop();
  }
}
