/**
 * Request overhead: the local HTTP round trip of GET /dossiers/{code} and POST /dossiers (gateway, JWT check,
 * handler, every DynamoDB call the route makes) beside the one raw DynamoDB Local call that does the route's
 * essential work on the same items: GetItem of the dossier item, and the submission's own TransactWriteItems
 * (captured from a real submission and written again with fresh keys, so the items have the same sizes).
 * HTTP and raw calls alternate, one at a time; p50 and p95 of each; target p50 ≤ 1.5 × raw.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../packages/local-cloud/src/emulators.ts';
import {
  benchCitizen,
  type CapturedRequest,
  captureDynamoRequests,
  describeRequest,
  percentile,
  replayInput,
  round,
  startBenchCloud,
  submissionBody,
  submissionTemplate,
  submitDossier,
  uploadVerifiedDocument,
  writeDetail,
} from './support.ts';

const TARGET = 1.5;
const WARM_UP = 20;

/** Runs `http` and `raw` alternately `n` times each (after a warm-up), alternating which goes first. */
async function interleaved(
  n: number,
  http: (i: number) => Promise<void>,
  raw: (i: number) => Promise<void>,
): Promise<{ http: number[]; raw: number[] }> {
  const times = { http: [] as number[], raw: [] as number[] };
  const timed = async (fn: (i: number) => Promise<void>, i: number, into: number[]) => {
    const started = performance.now();
    await fn(i);
    if (i >= WARM_UP) into.push(performance.now() - started);
  };
  for (let i = 0; i < WARM_UP + n; i++) {
    if (i % 2 === 0) {
      await timed(http, i, times.http);
      await timed(raw, i, times.raw);
    } else {
      await timed(raw, i, times.raw);
      await timed(http, i, times.http);
    }
  }
  return times;
}

export async function requestOverheadBenchmark(n = 200) {
  const bench = await startBenchCloud();
  const raw = new DynamoDBClient({
    endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
  try {
    const citizen = benchCitizen(0);
    const token = await bench.token({ sub: citizen.idNumber, roles: ['citizen'], name: citizen.fullName });
    const documentId = await uploadVerifiedDocument(bench, token);
    await bench.cloud.settle(60_000);
    const body = submissionBody(citizen, documentId);

    // One submission and one read with the functions' DynamoDB requests captured: what the routes send.
    const capture = captureDynamoRequests();
    const key = randomUUID();
    const { code } = await submitDossier(bench, token, body, key);
    const postRequests = capture.take();
    const read = await bench.fetch(`/dossiers/${code}`, { token });
    if (read.status !== 200) throw new Error(`GET /dossiers/${code}: ${read.status} ${read.text}`);
    const getRequests = capture.take();
    capture.stop();
    const getItem = getRequests.find(
      (r) => r.operation === 'GetItem' && r.body.includes(`"pk":{"S":"DOSSIER#${code}"}`),
    );
    if (!getItem) throw new Error(`GET /dossiers/{code} sent no GetItem of the dossier: ${getRequests.map((r) => r.operation)}`);
    const getInput = JSON.parse(getItem.body) as ConstructorParameters<typeof GetItemCommand>[0];
    const template = submissionTemplate(postRequests, code, key);
    await bench.cloud.settle(60_000);

    const gets = await interleaved(
      n,
      async () => {
        const res = await bench.fetch(`/dossiers/${code}`, { token });
        if (res.status !== 200) throw new Error(`GET: ${res.status}`);
      },
      async () => {
        const out = await raw.send(new GetItemCommand(getInput));
        if (!out.Item) throw new Error('raw GetItem found nothing');
      },
    );
    const posts = await interleaved(
      n,
      async () => {
        await submitDossier(bench, token, body, randomUUID());
      },
      async (i) => {
        const input = replayInput(template, i) as unknown as ConstructorParameters<typeof TransactWriteItemsCommand>[0];
        await raw.send(new TransactWriteItemsCommand(input));
      },
    );

    const row = (
      route: string,
      rawOperation: string,
      times: { http: number[]; raw: number[] },
      dynamoCalls: CapturedRequest[],
    ) => {
      const ratio = percentile(times.http, 0.5) / percentile(times.raw, 0.5);
      return {
        route,
        n: times.http.length,
        httpP50Ms: round(percentile(times.http, 0.5)),
        httpP95Ms: round(percentile(times.http, 0.95)),
        raw: rawOperation,
        rawP50Ms: round(percentile(times.raw, 0.5)),
        rawP95Ms: round(percentile(times.raw, 0.95)),
        ratioP50: round(ratio),
        target: TARGET,
        meetsTarget: ratio <= TARGET,
        dynamoCallsInRoute: dynamoCalls.map(describeRequest).join(' '),
      };
    };
    const rows = [
      row(
        'GET /dossiers/{code}',
        'GetItem',
        gets,
        getRequests,
      ),
      row(
        'POST /dossiers',
        `TransactWriteItems (${(JSON.parse(template.body) as { TransactItems: unknown[] }).TransactItems.length} items)`,
        posts,
        postRequests,
      ),
    ];
    writeDetail('request-overhead', {
      rows,
      samplesMs: { get: gets, post: posts },
      runtimeLog: bench.logLines.slice(0, 50),
    });
    if (bench.logLines.length > 0) console.log(`(the runtime logged ${bench.logLines.length} line(s); see the detail file)`);
    return rows;
  } finally {
    raw.destroy();
    await bench.stop();
  }
}
