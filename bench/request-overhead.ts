/**
 * Request overhead: the local HTTP round trip of GET /dossiers/{code} and POST /dossiers (gateway, JWT check,
 * handler, every DynamoDB call the route makes) beside the one raw DynamoDB Local call that does the route's
 * essential work on the same items: the Query of the dossier's partition (its head and history entries), and the
 * submission's own TransactWriteItems
 * (captured from a real submission and written again with fresh keys, so the items have the same sizes).
 * HTTP and raw calls alternate, one at a time; p50 and p95 of each; target p50 ≤ 1.5 × raw. Beside them, where
 * the HTTP time goes: the handler's invocation time and, within it, the time spent in DynamoDB calls (the rest of
 * the round trip is the local gateway: HTTP, routing, the JWT check).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { routes } from '#dossiers/topology.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../packages/local-cloud/src/emulators.ts';
import {
  benchCitizen,
  busyMs,
  type CapturedRequest,
  captureDynamoRequests,
  describeRequest,
  installInvocationMeter,
  percentile,
  replayInput,
  round,
  startBenchCloud,
  submissionBody,
  submissionTemplate,
  submitDossier,
  timeDynamoCalls,
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

/** Per HTTP request: the handler's invocation time and the time it spent in DynamoDB calls. */
interface RouteTimes {
  handler: number[];
  dynamo: number[];
}

/** Rows of GET and POST: HTTP p50/p95 beside the raw call's, their ratio, and where the HTTP time goes. */
export async function requestOverheadBenchmark(n = 200) {
  const bench = await startBenchCloud();
  const raw = new DynamoDBClient({
    endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
  const invocations = installInvocationMeter();
  const dynamoTimer = timeDynamoCalls();
  try {
    const citizen = benchCitizen(0);
    const token = await bench.token({ sub: citizen.idNumber, roles: ['citizen'], name: citizen.fullName });
    const documentId = await uploadVerifiedDocument(bench, token);
    await bench.cloud.settle(60_000);
    const body = submissionBody(citizen, documentId);
    const getFunction = routes.getDossier.function;
    const submitFunction = routes.submitDossier.function;

    // A first submission and read warm the functions (module load, reference-data caches); then one of each with
    // the DynamoDB requests of their functions captured: what the routes send when warm.
    const warm = await submitDossier(bench, token, body, randomUUID());
    await bench.fetch(`/dossiers/${warm.code}`, { token });
    await bench.cloud.settle(60_000);
    const capture = captureDynamoRequests();
    const sentBy = (fn: string) => capture.take().filter((r) => r.fn === fn);
    let postRequests: CapturedRequest[];
    let getRequests: CapturedRequest[];
    const key = randomUUID();
    let code: string;
    try {
      ({ code } = await submitDossier(bench, token, body, key));
      postRequests = sentBy(submitFunction);
      await bench.cloud.settle(60_000);
      capture.take();
      const read = await bench.fetch(`/dossiers/${code}`, { token });
      if (read.status !== 200) throw new Error(`GET /dossiers/${code}: ${read.status} ${read.text}`);
      getRequests = sentBy(getFunction);
    } finally {
      capture.stop();
    }
    const query = getRequests.find((r) => r.operation === 'Query' && r.body.includes(`{"S":"DOSSIER#${code}"}`));
    if (!query)
      throw new Error(`GET /dossiers/{code} sent no Query of the dossier: ${getRequests.map(describeRequest)}`);
    const queryInput = JSON.parse(query.body) as ConstructorParameters<typeof QueryCommand>[0];
    const template = submissionTemplate(postRequests, code, key);
    await bench.cloud.settle(60_000);

    /** Runs one HTTP request and notes how long its function ran and waited on DynamoDB. */
    const inRoute = async (fn: string, into: RouteTimes, i: number, request: () => Promise<void>) => {
      const marks = { invocations: invocations.records.length, calls: dynamoTimer.calls.length };
      await request();
      if (i < WARM_UP) return;
      const ran = invocations.records.slice(marks.invocations).filter((r) => r.fn === fn);
      const waited = dynamoTimer.calls.slice(marks.calls).filter((c) => c.fn === fn);
      into.handler.push(ran.reduce((sum, r) => sum + r.ms, 0));
      into.dynamo.push(busyMs(waited));
    };
    const getRoute: RouteTimes = { handler: [], dynamo: [] };
    const gets = await interleaved(
      n,
      (i) =>
        inRoute(getFunction, getRoute, i, async () => {
          const res = await bench.fetch(`/dossiers/${code}`, { token });
          if (res.status !== 200) throw new Error(`GET: ${res.status}`);
        }),
      async () => {
        const out = await raw.send(new QueryCommand(queryInput));
        if (!out.Items?.length) throw new Error('raw Query found nothing');
      },
    );
    const postRoute: RouteTimes = { handler: [], dynamo: [] };
    const posts = await interleaved(
      n,
      (i) =>
        inRoute(submitFunction, postRoute, i, async () => {
          await submitDossier(bench, token, body, randomUUID());
        }),
      async (i) => {
        const input = replayInput(template, i) as unknown as ConstructorParameters<typeof TransactWriteItemsCommand>[0];
        await raw.send(new TransactWriteItemsCommand(input));
      },
    );

    const row = (
      route: string,
      rawOperation: string,
      times: { http: number[]; raw: number[] },
      inside: RouteTimes,
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
        handlerP50Ms: round(percentile(inside.handler, 0.5)),
        inDynamoP50Ms: round(percentile(inside.dynamo, 0.5)),
        dynamoCallsInRoute: dynamoCalls.map(describeRequest).join(' '),
      };
    };
    const transactionItems = (JSON.parse(template.body) as { TransactItems: unknown[] }).TransactItems.length;
    const rows = [
      row('GET /dossiers/{code}', 'Query', gets, getRoute, getRequests),
      row('POST /dossiers', `TransactWriteItems (${transactionItems} items)`, posts, postRoute, postRequests),
    ];
    writeDetail('request-overhead', {
      rows,
      samplesMs: { get: { ...gets, ...getRoute }, post: { ...posts, ...postRoute } },
      runtimeLog: bench.logLines.slice(0, 50),
    });
    return rows;
  } finally {
    dynamoTimer.stop();
    invocations.uninstall();
    raw.destroy();
    await bench.stop();
  }
}
