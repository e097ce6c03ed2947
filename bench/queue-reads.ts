/**
 * The officials' queue of an agency holding 100,000 unfinished dossiers: GET /agencies/{code}/dossiers (the whole
 * queue by appointment, and one status of it) through the local cloud, beside the one raw DynamoDB Local Query of
 * one page that the route sends (captured from the route itself, then replayed as is). HTTP and raw alternate,
 * one at a time; p50 and p95 of each; target p50 ≤ 1.5 × raw (the cost issue: a page costs one Query whatever
 * the agency holds).
 *
 * The volume: one real submission gives the head item's shape; 100,000 copies are written with fresh codes and
 * appointments spread over a year, holding what the list indexes project (the listing, decision 0020) and their
 * keys — the same index entries a real queue of that size has.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { routes } from '#dossiers/topology.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../packages/local-cloud/src/emulators.ts';
import {
  benchCitizen,
  type CapturedRequest,
  captureDynamoRequests,
  describeRequest,
  installInvocationMeter,
  percentile,
  round,
  startBenchCloud,
  submissionBody,
  submitDossier,
  uploadVerifiedDocument,
  writeDetail,
} from './support.ts';

const TARGET = 1.5;
const WARM_UP = 20;
const PAGE = 20;

/** Writes `count` copies of the head item as unfinished dossiers of its agency; returns the seconds it took. */
async function seedQueue(raw: DynamoDBClient, table: string, head: Record<string, unknown>, count: number) {
  const started = performance.now();
  const listing = head.listing as Record<string, unknown>;
  const agencyCode = String(head.gsi2pk).slice('QUEUE#'.length);
  const base = Date.parse('2027-01-04T01:00:00.000Z');
  const item = (i: number): Record<string, unknown> => {
    // Codes of a day count to 9999: spread the copies over days of 2025 (never a real code of this run).
    const day = new Date(Date.UTC(2025, 0, 1) + Math.floor(i / 9_000) * 86_400_000);
    const yymmdd = day.toISOString().slice(2, 10).replaceAll('-', '');
    const code = `${agencyCode}-${yymmdd}-${String(1 + (i % 9_000)).padStart(4, '0')}`;
    const appointmentAt = new Date(base + i * 5 * 60_000).toISOString();
    const dueKey = `${appointmentAt}#${code}`;
    return {
      pk: `DOSSIER#${code}`,
      sk: head.sk,
      status: head.status,
      version: head.version,
      listing: { ...listing, code, appointmentAt },
      gsi2pk: head.gsi2pk,
      gsi2sk: dueKey,
      gsi3pk: head.gsi3pk,
      gsi3sk: dueKey,
    };
  };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const first = next;
      next = Math.min(count, next + 25);
      let requests: WriteRequest[] = Array.from({ length: next - first }, (_, k) => ({
        PutRequest: { Item: marshall(item(first + k), { removeUndefinedValues: true }) },
      }));
      while (requests.length > 0) {
        const out = await raw.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = out.UnprocessedItems?.[table] ?? [];
      }
      if (next % 10_000 < 25) console.error(`queue-reads: ${next} of ${count} written`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return (performance.now() - started) / 1000;
}

/** Rows: the whole queue and one status, first page, at `volume` dossiers: HTTP beside the raw Query. */
export async function queueReadsBenchmark(volume = 100_000, n = 200) {
  const bench = await startBenchCloud();
  const raw = new DynamoDBClient({
    endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
  const invocations = installInvocationMeter();
  try {
    const citizen = benchCitizen(0);
    const token = await bench.token({ sub: citizen.idNumber, roles: ['citizen'], name: citizen.fullName });
    const documentId = await uploadVerifiedDocument(bench, token);
    await bench.cloud.settle(60_000);
    const { code } = await submitDossier(bench, token, submissionBody(citizen, documentId), randomUUID());
    await bench.cloud.settle(60_000);

    const table = bench.cloud.resources.tables.get('dossiers')?.name;
    if (!table) throw new Error('the local cloud has no dossiers table');
    const got = await raw.send(
      new GetItemCommand({ TableName: table, Key: marshall({ pk: `DOSSIER#${code}`, sk: 'DOSSIER' }) }),
    );
    if (!got.Item) throw new Error(`no head item for ${code}`);
    const head = unmarshall(got.Item);
    const agencyCode = String(head.gsi2pk).slice('QUEUE#'.length);
    const status = String(head.status);
    const seedSeconds = await seedQueue(raw, table, head, volume);
    // The copies went through the table's stream like any write: let its consumers (the outbox publisher, which
    // finds nothing to publish in them) finish before timing anything.
    const settleStarted = performance.now();
    await bench.cloud.settle(1_800_000);
    console.error(
      `queue-reads: seeded in ${round(seedSeconds, 1)} s, stream settled in ${round((performance.now() - settleStarted) / 1000, 1)} s`,
    );

    const officer = await bench.token({ sub: 'bench-officer', roles: ['officer'], agencyCode, name: 'Cán bộ' });
    const listPath = (query: string) => `/agencies/${agencyCode}/dossiers?limit=${PAGE}${query}`;
    const routeFunction = routes.listAgencyDossiers.function;

    const measure = async (label: string, query: string, partition: string) => {
      // The Query the route sends, captured from a warm request, is the raw call it is compared with.
      await bench.fetch(listPath(query), { token: officer });
      const capture = captureDynamoRequests();
      let sent: CapturedRequest[];
      try {
        const res = await bench.fetch(listPath(query), { token: officer });
        if (res.status !== 200 || (res.json.items as unknown[]).length !== PAGE) {
          throw new Error(`GET ${listPath(query)}: ${res.status} ${res.text.slice(0, 300)}`);
        }
        sent = capture.take().filter((r) => r.fn === routeFunction);
      } finally {
        capture.stop();
      }
      const query_ = sent.find((r) => r.operation === 'Query' && r.body.includes(partition));
      if (!query_) throw new Error(`${label}: the route sent no Query of ${partition}: ${sent.map(describeRequest)}`);
      const input = JSON.parse(query_.body) as ConstructorParameters<typeof QueryCommand>[0];
      const times = { http: [] as number[], raw: [] as number[] };
      const http = async () => {
        const res = await bench.fetch(listPath(query), { token: officer });
        if (res.status !== 200) throw new Error(`GET: ${res.status}`);
      };
      const rawQuery = async () => {
        const out = await raw.send(new QueryCommand(input));
        if ((out.Items?.length ?? 0) < PAGE) throw new Error('raw Query returned a short page');
      };
      const timed = async (fn: () => Promise<void>, i: number, into: number[]) => {
        const started = performance.now();
        await fn();
        if (i >= WARM_UP) into.push(performance.now() - started);
      };
      for (let i = 0; i < WARM_UP + n; i++) {
        const [first, second] = i % 2 === 0 ? [http, rawQuery] : [rawQuery, http];
        await timed(first, i, first === http ? times.http : times.raw);
        await timed(second, i, second === http ? times.http : times.raw);
      }
      const ratio = percentile(times.http, 0.5) / percentile(times.raw, 0.5);
      return {
        list: label,
        dossiers: volume + 1,
        n: times.http.length,
        httpP50Ms: round(percentile(times.http, 0.5)),
        httpP95Ms: round(percentile(times.http, 0.95)),
        rawP50Ms: round(percentile(times.raw, 0.5)),
        rawP95Ms: round(percentile(times.raw, 0.95)),
        ratioP50: round(ratio),
        target: TARGET,
        meetsTarget: ratio <= TARGET,
        dynamoCallsInRoute: sent.map(describeRequest).join(' '),
      };
    };
    const rows = [
      await measure('whole queue, first page', '', `"QUEUE#${agencyCode}"`),
      await measure(`status ${status}, first page`, `&status=${status}`, `"AGENCY#${agencyCode}#${status}"`),
    ];
    writeDetail('queue-reads', { rows, seedSeconds: round(seedSeconds, 1), runtimeLog: bench.logLines.slice(0, 50) });
    return rows;
  } finally {
    invocations.uninstall();
    raw.destroy();
    await bench.stop();
  }
}
