/**
 * Cost of one full dossier lifecycle on the local cloud — upload a document, submit, receive, pay online through
 * the sandbox gateway (its IPN reaches the API over HTTP), start processing, resolve, return the result, give
 * feedback — counted where AWS would bill it:
 * - DynamoDB read/write request units: a proxy in front of DynamoDB Local asks every data request for
 *   ReturnConsumedCapacity=TOTAL and sums what comes back (GSI writes and transactions' double units included);
 * - SQS, SNS and S3 API calls: a proxy in front of fauxqs counts them (X-Amz-Target, Action, REST method);
 * - Lambda invocations and their duration: the local runtime's invoke (HTTP requests, queue batches, stream
 *   batches), cross-checked against the proxies (non-empty ReceiveMessage / GetRecords);
 * - API Gateway requests: invocations of functions behind routes.
 * Local stand-ins (sandbox gateway pages, national-portal stand-in, dev outbox) are counted apart and cost nothing.
 * After a warm-up lifecycle, each step is followed by `settle` (every queue and stream drained) and metered on its
 * own; the figures are means over the measured lifecycles, priced per 1,000 dossiers.
 */
import { randomUUID } from 'node:crypto';
import {
  type BenchCloud,
  benchCitizen,
  devOnlyFunctions,
  type InvocationRecord,
  type MeterRecord,
  round,
  startBenchCloud,
  submissionBody,
  submitDossier,
  uploadVerifiedDocument,
  writeDetail,
} from './support.ts';

/**
 * On-demand list prices, US East (N. Virginia), USD — the deployment region is ap-southeast-1 (Singapore), whose
 * list prices are somewhat higher; these are stated as us-east-1 prices. Read 2025 from the AWS pricing pages
 * (DynamoDB after the November 2024 on-demand reduction):
 * https://aws.amazon.com/dynamodb/pricing/on-demand/, https://aws.amazon.com/lambda/pricing/,
 * https://aws.amazon.com/sqs/pricing/, https://aws.amazon.com/sns/pricing/, https://aws.amazon.com/api-gateway/pricing/,
 * https://aws.amazon.com/s3/pricing/, https://aws.amazon.com/ses/pricing/.
 */
export const PRICES_USD = {
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  /** Arm64 (the functions' architecture), per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** Standard queue, per request (each 64 KB chunk). SNS → SQS deliveries are not charged by SNS. */
  sqsRequest: 0.4 / 1e6,
  snsPublish: 0.5 / 1e6,
  /** HTTP API, first 300 million requests a month. */
  apiRequest: 1.0 / 1e6,
  s3PutClass: 0.005 / 1000,
  s3GetClass: 0.0004 / 1000,
  sesEmail: 0.1 / 1000,
} as const;

export interface LifecycleCost {
  dynamoReadUnits: number;
  dynamoWriteUnits: number;
  dynamoRequests: number;
  /** Conditional or transaction failures (DynamoDB bills failed conditional writes too). */
  dynamoFailures: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  apiRequests: number;
  sqsRequests: number;
  queueMessages: number;
  snsPublishes: number;
  s3PutClass: number;
  s3GetClass: number;
  emails: number;
  otherMessages: number;
  /** Cross-check: queue batches and stream batches seen by the proxies (invocations of consumers and publishers). */
  batchesSeenByProxies: number;
  localOnlyRequests: number;
}

const zero = (): LifecycleCost => ({
  dynamoReadUnits: 0,
  dynamoWriteUnits: 0,
  dynamoRequests: 0,
  dynamoFailures: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  apiRequests: 0,
  sqsRequests: 0,
  queueMessages: 0,
  snsPublishes: 0,
  s3PutClass: 0,
  s3GetClass: 0,
  emails: 0,
  otherMessages: 0,
  batchesSeenByProxies: 0,
  localOnlyRequests: 0,
});

/** What AWS would bill for these requests and invocations. */
export function tally(
  records: readonly MeterRecord[],
  invocations: readonly InvocationRecord[],
  dev: ReadonlySet<string>,
): LifecycleCost {
  const cost = zero();
  for (const r of records) {
    if (r.channel === 'email') cost.emails++;
    else if (r.channel) cost.otherMessages++;
    if (r.localOnly) {
      cost.localOnlyRequests++;
      continue;
    }
    switch (r.service) {
      case 'dynamodb':
        cost.dynamoRequests++;
        cost.dynamoReadUnits += r.readUnits;
        cost.dynamoWriteUnits += r.writeUnits;
        if (r.error) cost.dynamoFailures++;
        break;
      case 'dynamodb-streams':
        // Stream reads by the Lambda event source are free.
        if (r.operation === 'GetRecords' && r.items > 0) cost.batchesSeenByProxies++;
        break;
      case 'sqs':
        // Empty receives are the pollers idling: a cost per queue and hour, not per dossier.
        if (r.operation === 'ReceiveMessage') {
          if (r.items === 0) break;
          cost.queueMessages += r.items;
          cost.batchesSeenByProxies++;
        }
        cost.sqsRequests++;
        break;
      case 'sns':
        if (r.operation === 'Publish' || r.operation === 'PublishBatch') cost.snsPublishes += r.items;
        break;
      case 's3':
        if (r.s3Class === 'put') cost.s3PutClass++;
        else if (r.s3Class === 'get') cost.s3GetClass++;
        break;
    }
  }
  for (const i of invocations) {
    if (dev.has(i.fn)) continue;
    cost.lambdaInvocations++;
    cost.lambdaGbSeconds += (Math.ceil(i.ms) / 1000) * (i.memoryMb / 1024);
    if (i.kind === 'http') cost.apiRequests++;
  }
  return cost;
}

/** USD of one lifecycle, per service. */
export function priced(cost: LifecycleCost): Record<string, number> {
  const p = PRICES_USD;
  return {
    DynamoDB: cost.dynamoWriteUnits * p.dynamoWriteUnit + cost.dynamoReadUnits * p.dynamoReadUnit,
    Lambda: cost.lambdaInvocations * p.lambdaRequest + cost.lambdaGbSeconds * p.lambdaGbSecond,
    'API Gateway': cost.apiRequests * p.apiRequest,
    SQS: cost.sqsRequests * p.sqsRequest,
    SNS: cost.snsPublishes * p.snsPublish,
    S3: cost.s3PutClass * p.s3PutClass + cost.s3GetClass * p.s3GetClass,
    'SES (e-mail)': cost.emails * p.sesEmail,
  };
}

interface Marks {
  records: number;
  invocations: number;
}

type Step = (lifecycle: Lifecycle) => Promise<void>;

interface Lifecycle {
  bench: BenchCloud;
  citizenToken: string;
  officerToken: string;
  body: ReturnType<typeof submissionBody>;
  agencyCode: string;
  documentId?: string;
  code?: string;
}

function expectStatus(res: { status: number; text: string }, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
}

/** The local ISO time (GMT+7) of now, as a result's signing time. */
const nowInVietnam = (): string => `${new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;

async function officerActs(l: Lifecycle, action: Record<string, unknown>): Promise<void> {
  // The official opens the dossier (its version for If-Match), then acts.
  const view = await l.bench.fetch(`/dossiers/${l.code}`, { token: l.officerToken });
  expectStatus(view, 200, `GET /dossiers/${l.code}`);
  const acted = await l.bench.fetch(`/dossiers/${l.code}/actions`, {
    method: 'POST',
    token: l.officerToken,
    body: action,
    headers: { 'if-match': `"${view.json.version}"` },
  });
  expectStatus(acted, 200, `action ${action.type}`);
}

const STEPS: [string, Step][] = [
  [
    'upload document',
    async (l) => {
      l.documentId = await uploadVerifiedDocument(l.bench, l.citizenToken);
      l.body = {
        ...l.body,
        documents: [{ requirementCode: l.body.documents[0]!.requirementCode, documentId: l.documentId }],
      };
    },
  ],
  [
    'submit',
    async (l) => {
      l.code = (await submitDossier(l.bench, l.citizenToken, l.body, randomUUID())).code;
    },
  ],
  ['receive', (l) => officerActs(l, { type: 'receive', note: 'Đủ thành phần' })],
  [
    'pay online (sandbox, IPN)',
    async (l) => {
      const payment = await l.bench.fetch('/payments', {
        method: 'POST',
        token: l.citizenToken,
        body: { dossierCode: l.code, gateway: 'sandbox' },
        headers: { 'idempotency-key': randomUUID() },
      });
      expectStatus(payment, 201, 'POST /payments');
      const checkout = new URL(payment.json.redirectUrl as string, l.bench.cloud.url);
      // The payer chooses "pay" on the sandbox's page (local only); it sends the signed IPN to the API.
      const paid = await l.bench.fetch(`${checkout.pathname}${checkout.search}`, {
        method: 'POST',
        body: { choice: 'pay' },
      });
      expectStatus(paid, 302, 'sandbox checkout');
      const back = new URL(paid.headers.get('location')!, l.bench.cloud.url);
      if (back.origin === new URL(l.bench.cloud.url).origin) {
        const returned = await l.bench.fetch(`${back.pathname}${back.search}`);
        if (returned.status >= 400) throw new Error(`return URL: ${returned.status} ${returned.text.slice(0, 200)}`);
      }
    },
  ],
  ['start processing', (l) => officerActs(l, { type: 'start-processing' })],
  [
    'resolve',
    (l) =>
      officerActs(l, {
        type: 'resolve',
        result: {
          number: `${l.code!.slice(-4)}/CT`,
          signer: 'Trần Văn Cường',
          issuedBy: l.agencyCode,
          signedAt: nowInVietnam(),
          electronic: false,
        },
      }),
  ],
  [
    'return result',
    // The applicant collects the result at the counter, identity checked (the counter's rule for a paper result).
    (l) =>
      officerActs(l, {
        type: 'return-result',
        returnedTo: 'counter',
        collectedBy: { name: l.body.applicant.fullName, idNumber: l.body.applicant.idNumber },
      }),
  ],
  [
    'feedback',
    async (l) => {
      const res = await l.bench.fetch(`/dossiers/${l.code}/feedback`, {
        method: 'POST',
        token: l.citizenToken,
        body: { rating: 'satisfied', comment: 'Nhanh chóng' },
      });
      expectStatus(res, 200, 'feedback');
    },
  ],
];

/** The actions at which the growth row reports a transition's units (issue #16: flat from the 1st to the 50th). */
const GROWTH_CHECKPOINTS = [1, 10, 50];

/**
 * Write units of one transition as a dossier's history grows: one dossier, received, then asked for a supplement
 * and supplemented in turn, 50 actions; each action metered on its own (the API call and every consumer of its
 * event), reported at the checkpoints.
 */
async function transitionGrowth(
  l: Lifecycle,
  meter: { records: MeterRecord[] },
  settle: () => Promise<void>,
): Promise<{ action: number; type: string; writeUnits: number; dossiersWriteUnits: number }[]> {
  l.documentId = await uploadVerifiedDocument(l.bench, l.citizenToken);
  l.body = {
    ...l.body,
    documents: [{ requirementCode: l.body.documents[0]!.requirementCode, documentId: l.documentId }],
  };
  l.code = (await submitDossier(l.bench, l.citizenToken, l.body, randomUUID())).code;
  await officerActs(l, { type: 'receive', note: 'Đủ thành phần' });
  const rows: { action: number; type: string; writeUnits: number; dossiersWriteUnits: number }[] = [];
  const last = GROWTH_CHECKPOINTS.at(-1)!;
  for (let action = 1; action <= last; action++) {
    await settle();
    const before = meter.records.length;
    const type = action % 2 === 1 ? 'request-supplement' : 'supplement';
    if (type === 'request-supplement') {
      await officerActs(l, { type, reason: `Bổ sung lần ${Math.ceil(action / 2)}: bản sao chứng thực` });
    } else {
      const view = await l.bench.fetch(`/dossiers/${l.code}`, { token: l.citizenToken });
      expectStatus(view, 200, `GET /dossiers/${l.code}`);
      const done = await l.bench.fetch(`/dossiers/${l.code}/supplement`, {
        method: 'POST',
        token: l.citizenToken,
        body: { note: `Đã bổ sung lần ${action / 2}` },
        headers: { 'if-match': `"${view.json.version}"` },
      });
      expectStatus(done, 200, 'supplement');
    }
    await settle();
    if (!GROWTH_CHECKPOINTS.includes(action)) continue;
    const seen = meter.records.slice(before).filter((r) => !r.localOnly && r.service === 'dynamodb');
    rows.push({
      action,
      type,
      writeUnits: round(
        seen.reduce((sum, r) => sum + r.writeUnits, 0),
        1,
      ),
      dossiersWriteUnits: round(
        seen.filter((r) => r.caller.startsWith('dossiers-')).reduce((sum, r) => sum + r.writeUnits, 0),
        1,
      ),
    });
  }
  return rows;
}

function add(into: LifecycleCost, from: LifecycleCost, factor = 1): void {
  for (const key of Object.keys(into) as (keyof LifecycleCost)[]) into[key] += from[key] * factor;
}

/** Rows per service: what one lifecycle uses and its USD per 1,000 dossiers; prints the steps and functions. */
export async function costBenchmark(options: { lifecycles?: number } = {}) {
  const lifecycles = options.lifecycles ?? 3;
  const bench = await startBenchCloud({ counting: true });
  const meter = bench.meter!;
  const invocations = bench.invocations!;
  const dev = devOnlyFunctions();
  try {
    const citizen = benchCitizen(0);
    const citizenToken = await bench.token({ sub: citizen.idNumber, roles: ['citizen'], name: citizen.fullName });
    const officerToken = await bench.token({
      sub: 'officer-bench',
      roles: ['officer'],
      agencyCode: citizen.agencyCode,
      name: 'Nguyễn Văn An',
    });
    const mark = (): Marks => ({ records: meter.records.length, invocations: invocations.records.length });
    const since = (m: Marks) => ({
      records: meter.records.slice(m.records),
      invocations: invocations.records.slice(m.invocations),
    });

    const byStep = new Map<string, LifecycleCost>(STEPS.map(([name]) => [name, zero()]));
    const byFunction = new Map<string, { invocations: number; readUnits: number; writeUnits: number }>();
    for (let run = 0; run <= lifecycles; run++) {
      const measured = run > 0; // the first lifecycle warms every function up
      const lifecycle: Lifecycle = {
        bench,
        citizenToken,
        officerToken,
        agencyCode: citizen.agencyCode,
        body: submissionBody(citizen, 'pending'),
      };
      for (const [name, step] of STEPS) {
        await bench.cloud.settle(60_000);
        const before = mark();
        await step(lifecycle);
        await bench.cloud.settle(60_000);
        if (!measured) continue;
        const seen = since(before);
        add(byStep.get(name)!, tally(seen.records, seen.invocations, dev), 1 / lifecycles);
        for (const r of seen.records) {
          if (r.localOnly || r.service !== 'dynamodb') continue;
          const f = byFunction.get(r.caller) ?? { invocations: 0, readUnits: 0, writeUnits: 0 };
          f.readUnits += r.readUnits / lifecycles;
          f.writeUnits += r.writeUnits / lifecycles;
          byFunction.set(r.caller, f);
        }
        for (const i of seen.invocations) {
          if (dev.has(i.fn)) continue;
          const f = byFunction.get(i.fn) ?? { invocations: 0, readUnits: 0, writeUnits: 0 };
          f.invocations += 1 / lifecycles;
          byFunction.set(i.fn, f);
        }
      }
    }

    const total = zero();
    for (const cost of byStep.values()) add(total, cost);
    const stepRows = [...byStep, ['whole lifecycle', total] as const].map(([step, c]) => ({
      step,
      readUnits: round(c.dynamoReadUnits, 1),
      writeUnits: round(c.dynamoWriteUnits, 1),
      dynamoRequests: round(c.dynamoRequests, 1),
      lambda: round(c.lambdaInvocations, 1),
      gbSeconds: round(c.lambdaGbSeconds, 3),
      apiRequests: round(c.apiRequests, 1),
      sqsRequests: round(c.sqsRequests, 1),
      queueMessages: round(c.queueMessages, 1),
      snsPublishes: round(c.snsPublishes, 1),
      s3: `${round(c.s3PutClass, 1)} put / ${round(c.s3GetClass, 1)} get`,
      messages: `${round(c.emails, 1)} e-mail / ${round(c.otherMessages, 1)} other`,
    }));
    console.log(`\nOne lifecycle, step by step (mean of ${lifecycles} after a warm-up):`);
    console.table(stepRows);

    const functionRows = [...byFunction]
      .map(([fn, f]) => ({
        function: fn,
        invocations: round(f.invocations, 1),
        readUnits: round(f.readUnits, 1),
        writeUnits: round(f.writeUnits, 1),
      }))
      .sort((a, b) => b.writeUnits + b.readUnits - (a.writeUnits + a.readUnits) || b.invocations - a.invocations);
    console.log('\nDynamoDB units and invocations per function, one lifecycle:');
    console.table(functionRows);

    console.log(
      `\nLambda invocations per lifecycle: ${round(total.lambdaInvocations, 1)} counted at the runtime; ` +
        `${round(total.apiRequests, 1)} API requests + ${round(total.batchesSeenByProxies, 1)} queue/stream batches ` +
        `seen by the proxies. Local stand-ins (not priced): ${round(total.localOnlyRequests, 1)} requests.`,
    );
    const usd = priced(total);
    const p = PRICES_USD;
    const serviceRows = [
      {
        service: 'DynamoDB',
        perDossier: `${round(total.dynamoWriteUnits, 1)} WRU + ${round(total.dynamoReadUnits, 1)} RRU`,
        price: `$${p.dynamoWriteUnit * 1e6}/M WRU, $${p.dynamoReadUnit * 1e6}/M RRU`,
      },
      {
        service: 'Lambda',
        perDossier: `${round(total.lambdaInvocations, 1)} invocations, ${round(total.lambdaGbSeconds, 3)} GB-s`,
        price: `$${p.lambdaRequest * 1e6}/M + $${p.lambdaGbSecond}/GB-s (arm)`,
      },
      { service: 'API Gateway', perDossier: `${round(total.apiRequests, 1)} requests`, price: '$1.00/M (HTTP API)' },
      {
        service: 'SQS',
        perDossier: `${round(total.sqsRequests, 1)} requests (${round(total.queueMessages, 1)} messages)`,
        price: `$${p.sqsRequest * 1e6}/M requests`,
      },
      { service: 'SNS', perDossier: `${round(total.snsPublishes, 1)} publishes`, price: `$${p.snsPublish * 1e6}/M` },
      {
        service: 'S3',
        perDossier: `${round(total.s3PutClass, 1)} PUT-class, ${round(total.s3GetClass, 1)} GET-class`,
        price: '$0.005/1k PUT, $0.0004/1k GET',
      },
      { service: 'SES (e-mail)', perDossier: `${round(total.emails, 1)} e-mails`, price: '$0.10/1k' },
    ].map((row) => ({ ...row, usdPer1000Dossiers: round((usd[row.service] ?? 0) * 1000, 4) }));
    const usdTotal = Object.values(usd).reduce((a, b) => a + b, 0) * 1000;
    serviceRows.push({
      service: 'total',
      perDossier: `(+ ${round(total.otherMessages, 1)} SMS/Zalo messages at the provider's price; storage, logs, transfer not included)`,
      price: 'us-east-1 on-demand list prices',
      usdPer1000Dossiers: round(usdTotal, 4),
    });
    const growth = await transitionGrowth(
      {
        bench,
        citizenToken,
        officerToken,
        agencyCode: citizen.agencyCode,
        body: submissionBody(citizen, 'pending'),
      },
      meter,
      () => bench.cloud.settle(60_000),
    );
    console.log('\nWrite units of one transition as the history grows (the action and every consumer of its event):');
    console.table(growth);

    // The figures issue #16 sets targets for, side by side with them. Infrastructure excludes messages (e-mail, SMS).
    const infrastructureUsd = usdTotal - (usd['SES (e-mail)'] ?? 0) * 1000;
    const first = growth[0]!;
    const lastRow = growth.at(-1)!;
    const targets = [
      { figure: 'DynamoDB write units per lifecycle', measured: round(total.dynamoWriteUnits, 1), target: '≤ 150' },
      {
        figure: 'infrastructure USD per 1,000 lifecycles (messages apart)',
        measured: round(infrastructureUsd, 4),
        target: '≤ 0.10',
      },
      {
        figure: `WRU of action ${lastRow.action} vs action ${first.action} (flat = 1.0)`,
        measured: round(lastRow.writeUnits / first.writeUnits, 2),
        target: '≤ 1.1',
      },
    ];
    console.log('\nAgainst the targets:');
    console.table(targets);

    writeDetail('cost', {
      lifecycles,
      growth,
      targets,
      prices: PRICES_USD,
      steps: stepRows,
      functions: functionRows,
      services: serviceRows,
      crossCheck: {
        invocationsCountedByRuntime: total.lambdaInvocations,
        apiRequests: total.apiRequests,
        batchesSeenByProxies: total.batchesSeenByProxies,
        localOnlyRequestsPerLifecycle: total.localOnlyRequests,
        dynamoFailuresPerLifecycle: total.dynamoFailures,
      },
      runtimeLog: bench.logLines.slice(0, 50),
    });
    return serviceRows;
  } finally {
    await bench.stop();
  }
}
