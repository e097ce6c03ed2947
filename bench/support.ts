/**
 * What the cloud benchmarks share: a local cloud of their own (optionally behind counting proxies), the citizen's
 * steps every submission needs (a verified document, a submission body), bounded worker pools, percentiles, and
 * the meters: counting proxies in front of DynamoDB Local and fauxqs (capacity units, API calls, messages), the
 * calling function stamped on each AWS SDK request, Lambda invocations and their durations.
 *
 * Everything listens on loopback and every loop is bounded in count and time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { BuildMiddleware, InitializeMiddleware, MiddlewareStack } from '@smithy/types';
import { dynamoDocumentClient, s3Client, snsClient, sqsClient } from '#platform/aws.ts';
import { allRoutes } from '#topology/index.ts';
import type { FunctionDecl } from '#topology/types.ts';
import { startDynamoLocal, startFauxqsServer } from '../packages/local-cloud/src/emulators.ts';
import { LocalLambdas } from '../packages/local-cloud/src/lambda.ts';
import { type LocalCloud, startLocalCloud } from '../packages/local-cloud/src/runtime.ts';
import { seedLocalProvince } from '../packages/local-cloud/src/seed.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const RESULTS_DIR = join(import.meta.dirname, 'results');

// ---------------------------------------------------------------------------------------------------------
// The procedure every benchmark submits: "Chứng thực chữ ký" of the seeded province — received by 13 communes,
// one required document, a fixed fee of 10,000 VND payable after submission (so the lifecycle can pay online).

export const BENCH_PROCEDURE = '2.000884';
export const BENCH_REQUIREMENT = 'GIAY_TO_CAN_CHUNG_THUC';
export const BENCH_AGENCIES = [
  '000.01.21.H19',
  '000.02.21.H19',
  '000.03.21.H19',
  '000.04.21.H19',
  '000.05.21.H19',
  '000.01.22.H19',
  '000.02.22.H19',
  '000.01.23.H19',
  '000.01.24.H19',
  '000.01.25.H19',
  '000.01.26.H19',
  '000.01.31.H19',
  '000.02.31.H19',
] as const;

export interface BenchCitizen {
  idNumber: string;
  fullName: string;
  agencyCode: string;
}

/** The i-th benchmark citizen: a 12-digit ID number, a name, and the commune they apply to. */
export function benchCitizen(i: number): BenchCitizen {
  return {
    idNumber: `0010990${String(i).padStart(5, '0')}`,
    fullName: `Công dân thử ${i}`,
    agencyCode: BENCH_AGENCIES[i % BENCH_AGENCIES.length]!,
  };
}

/** The body of POST /dossiers for the benchmark procedure. */
export function submissionBody(citizen: BenchCitizen, documentId: string) {
  return {
    procedureCode: BENCH_PROCEDURE,
    agencyCode: citizen.agencyCode,
    applicant: {
      idNumber: citizen.idNumber,
      fullName: citizen.fullName,
      phone: '0912345678',
      email: `${citizen.idNumber}@example.vn`,
      address: '12 Phan Chu Trinh, Biên Hòa',
    },
    formData: { tenGiayTo: 'Hợp đồng ủy quyền', soNguoiKy: 1 },
    documents: [{ requirementCode: BENCH_REQUIREMENT, documentId }],
    // The procedure's result is on paper: collected at the desk.
    resultDelivery: 'counter',
  };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

// ---------------------------------------------------------------------------------------------------------
// Statistics and bounded loops

/** Nearest-rank percentile (p in 0..1) of the values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

/** `value` rounded to `digits` decimals (for tables). */
export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

export interface PoolOutcome {
  completed: number;
  failed: number;
  elapsedMs: number;
  /** Latency of each completed task, in milliseconds. */
  latencies: number[];
  /** The first few failures, for the report. */
  errors: string[];
}

/**
 * Runs `task` on `workers` concurrent workers until `maxCount` tasks were started or `maxMs` elapsed (a task
 * started before the deadline finishes). A task fails by throwing.
 */
export async function boundedPool(
  options: { workers: number; maxCount: number; maxMs: number },
  task: (worker: number, n: number) => Promise<void>,
): Promise<PoolOutcome> {
  const started = performance.now();
  const deadline = started + options.maxMs;
  let issued = 0;
  const outcome: PoolOutcome = { completed: 0, failed: 0, elapsedMs: 0, latencies: [], errors: [] };
  const worker = async (w: number) => {
    while (issued < options.maxCount && performance.now() < deadline) {
      const n = issued++;
      const t = performance.now();
      try {
        await task(w, n);
        outcome.latencies.push(performance.now() - t);
        outcome.completed++;
      } catch (error) {
        outcome.failed++;
        if (outcome.errors.length < 5) outcome.errors.push((error as Error).message.slice(0, 300));
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));
  outcome.elapsedMs = performance.now() - started;
  return outcome;
}

/** Writes a benchmark's detailed measurements beside the summary run.ts writes. */
export function writeDetail(name: string, detail: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(RESULTS_DIR, `${name}.detail.json`),
    JSON.stringify({ at: new Date().toISOString(), ...(detail as object) }, null, 2),
  );
}

// ---------------------------------------------------------------------------------------------------------
// DynamoDB requests and their capacity

const READ_OPERATIONS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);
/** Items that exist only locally (dev outbox, injected failures, sandbox gateway, national-portal stand-in). */
const LOCAL_ONLY_KEYS = /"S":"(DEVOUTBOX|DEVFAILURE|DEVPORTAL|SANDBOX#)/;

function capacityOf(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0), 0);
}

// ---------------------------------------------------------------------------------------------------------
// Which function is running: the local runtime calls every handler through LocalLambdas.invoke, in this process.

/** The function whose invocation the current async context belongs to. */
export const currentFunction = new AsyncLocalStorage<string>();

export interface InvocationRecord {
  fn: string;
  kind: FunctionDecl['kind'];
  memoryMb: number;
  ms: number;
  /** Records in the event (queue messages, stream records); 0 for HTTP and schedules. */
  records: number;
}

export interface InvocationMeter {
  records: InvocationRecord[];
  uninstall(): void;
}

/** Wraps LocalLambdas.invoke (as the Lambda service would meter it): count, duration, and the caller context. */
export function installInvocationMeter(): InvocationMeter {
  const original = LocalLambdas.prototype.invoke;
  const records: InvocationRecord[] = [];
  LocalLambdas.prototype.invoke = async function (this: LocalLambdas, fn: FunctionDecl, event: unknown) {
    const started = performance.now();
    try {
      return await currentFunction.run(fn.name, () => original.call(this, fn, event));
    } finally {
      const batch = (event as { Records?: unknown[] } | undefined)?.Records;
      records.push({
        fn: fn.name,
        kind: fn.kind,
        memoryMb: fn.memoryMb ?? 256,
        ms: performance.now() - started,
        records: Array.isArray(batch) ? batch.length : 0,
      });
    }
  };
  return {
    records,
    uninstall: () => {
      LocalLambdas.prototype.invoke = original;
    },
  };
}

/** Functions that exist only locally: every route they serve is under /dev/ (sandboxes, stand-ins). */
export function devOnlyFunctions(): Set<string> {
  const paths = new Map<string, string[]>();
  for (const route of allRoutes()) paths.set(route.function, [...(paths.get(route.function) ?? []), route.path]);
  return new Set([...paths].filter(([, list]) => list.every((p) => p.startsWith('/dev/'))).map(([fn]) => fn));
}

type AnyStack = MiddlewareStack<object, object>;
const CALLER_HEADER = 'x-bench-function';

/** Stamps each request of the functions' shared AWS clients with the calling function (for the proxies). */
function tagSharedClients(): void {
  const tag: BuildMiddleware<object, object> = (next) => async (args) => {
    const fn = currentFunction.getStore();
    const request = args.request as { headers?: Record<string, string> };
    if (fn && request.headers) request.headers[CALLER_HEADER] = fn;
    return next(args);
  };
  for (const client of [dynamoDocumentClient(), snsClient(), sqsClient(), s3Client()]) {
    (client.middlewareStack as unknown as AnyStack).add(tag, { step: 'build', name: 'benchCallerTag' });
  }
}

/** The JSON body of a serialized SDK request (a string or, with newer SDKs, bytes). */
function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return undefined;
}

export interface CapturedRequest {
  /** e.g. GetItem, TransactWriteItems. */
  operation: string;
  /** The function that sent it (with the invocation meter installed). */
  fn?: string;
  /** The JSON body as sent (wire format: attribute values typed as {S}, {N}, …). */
  body: string;
}

/** A captured request in a few words: the operation and the partition (its key prefix), e.g. `Query(CALENDAR)`. */
export function describeRequest(request: CapturedRequest): string {
  const partition = /"(?:pk|:pk)":\{"S":"([^"#]+)/.exec(request.body)?.[1];
  return partition ? `${request.operation}(${partition})` : request.operation;
}

/**
 * Records the DynamoDB requests the functions send (through the shared document client) until stopped, each with
 * its sender when the invocation meter is installed.
 */
export function captureDynamoRequests(): { take(): CapturedRequest[]; stop(): void } {
  let captured: CapturedRequest[] = [];
  const name = `benchCapture${Math.random().toString(36).slice(2)}`;
  const capture: BuildMiddleware<object, object> = (next) => async (args) => {
    const request = args.request as { headers?: Record<string, string>; body?: unknown };
    const target = request.headers?.['x-amz-target'];
    const body = bodyText(request.body);
    const fn = currentFunction.getStore();
    if (target && body !== undefined)
      captured.push({ operation: target.split('.').at(-1)!, body, ...(fn ? { fn } : {}) });
    return next(args);
  };
  const stack = dynamoDocumentClient().middlewareStack as unknown as AnyStack;
  stack.add(capture, { step: 'build', name });
  return {
    take: () => {
      const out = captured;
      captured = [];
      return out;
    },
    stop: () => {
      stack.remove(name);
    },
  };
}

export interface TimedCall {
  fn: string | undefined;
  start: number;
  end: number;
}

/** Milliseconds during which at least one of the calls was in flight (calls made at once count once). */
export function busyMs(calls: readonly TimedCall[]): number {
  let busy = 0;
  let reached = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.start - b.start)) {
    if (call.end <= reached) continue;
    busy += call.end - Math.max(call.start, reached);
    reached = call.end;
  }
  return busy;
}

/** Times every DynamoDB call of the functions (marshalling, retries and the round trip), with its sender. */
export function timeDynamoCalls(): { calls: TimedCall[]; stop(): void } {
  const calls: TimedCall[] = [];
  const name = `benchTimer${Math.random().toString(36).slice(2)}`;
  const timer: InitializeMiddleware<object, object> = (next) => async (args) => {
    const started = performance.now();
    try {
      return await next(args);
    } finally {
      calls.push({ fn: currentFunction.getStore(), start: started, end: performance.now() });
    }
  };
  const stack = dynamoDocumentClient().middlewareStack as unknown as AnyStack;
  stack.add(timer, { step: 'initialize', name });
  return {
    calls,
    stop: () => {
      stack.remove(name);
    },
  };
}

export interface ReadMeter {
  on: boolean;
  units: number;
  /** Each read while on: the request in a few words (describeRequest) and its units. */
  reads: { request: string; units: number }[];
  stop(): void;
}

/**
 * Sums the read capacity of the functions' DynamoDB requests while `on` (asks ReturnConsumedCapacity=TOTAL where
 * the caller did not), independently of what any function reports about itself.
 */
export function meterSharedReads(): ReadMeter {
  const state: ReadMeter = { on: false, units: 0, reads: [], stop: () => undefined };
  const name = `benchReads${Math.random().toString(36).slice(2)}`;
  const meter: BuildMiddleware<object, object> = (next) => async (args) => {
    if (!state.on) return next(args);
    const request = args.request as { headers?: Record<string, string>; body?: unknown };
    const operation = request.headers?.['x-amz-target']?.split('.').at(-1) ?? '';
    const text = bodyText(request.body);
    if (text === undefined || !READ_OPERATIONS.has(operation)) return next(args);
    const body = JSON.parse(text) as Record<string, unknown>;
    body.ReturnConsumedCapacity ??= 'TOTAL';
    const bytes = Buffer.from(JSON.stringify(body));
    request.body = bytes;
    if (request.headers?.['content-length'] !== undefined) request.headers['content-length'] = String(bytes.length);
    const result = await next(args);
    const units = capacityOf((result as { output?: { ConsumedCapacity?: unknown } }).output?.ConsumedCapacity);
    state.units += units;
    state.reads.push({ request: describeRequest({ operation, body: text }), units });
    return result;
  };
  const stack = dynamoDocumentClient().middlewareStack as unknown as AnyStack;
  stack.add(meter, { step: 'build', name });
  state.stop = () => {
    stack.remove(name);
  };
  return state;
}

// ---------------------------------------------------------------------------------------------------------
// Counting proxies

export type Service = 'dynamodb' | 'dynamodb-streams' | 'sqs' | 'sns' | 's3';

export interface MeterRecord {
  service: Service;
  operation: string;
  /** The function that sent it, or who else did: the event source pollers, the browser through the S3 front. */
  caller: string;
  readUnits: number;
  writeUnits: number;
  /** Messages received or sent, stream records read, events published, objects touched. */
  items: number;
  /** Touches only local stand-ins (no cost on AWS). */
  localOnly: boolean;
  /** For S3: which price class the request is billed in. */
  s3Class?: 'put' | 'get' | 'free';
  /** The dev outbox channel of a message "sent" locally (email, sms, zalo…). */
  channel?: string;
  error?: string;
}

export interface ServiceMeter {
  records: MeterRecord[];
}

interface Exchange {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  requestBody: Buffer;
  status: number;
  responseBody: Buffer;
}

interface RunningProxy {
  url: string;
  stop(): Promise<void>;
}

/** A transparent HTTP proxy on loopback that may rewrite request bodies and sees every exchange. */
async function startProxy(
  target: string,
  hooks: { rewrite?: (headers: IncomingHttpHeaders, body: Buffer) => Buffer; observe: (exchange: Exchange) => void },
): Promise<RunningProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const original = Buffer.concat(chunks);
      const body = hooks.rewrite ? hooks.rewrite(req.headers, original) : original;
      const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
      delete headers[CALLER_HEADER];
      delete headers.expect;
      delete headers['transfer-encoding'];
      headers['content-length'] = String(body.length);
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
        },
        (answer) => {
          const out: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => out.push(chunk));
          answer.on('end', () => {
            const responseBody = Buffer.concat(out);
            const responseHeaders = { ...answer.headers };
            // HEAD (and bodiless statuses) keep the upstream's Content-Length: it describes the object, not this body.
            const bodiless = req.method === 'HEAD' || answer.statusCode === 204 || answer.statusCode === 304;
            if (!bodiless) {
              delete responseHeaders['transfer-encoding'];
              responseHeaders['content-length'] = String(responseBody.length);
            }
            res.writeHead(answer.statusCode ?? 502, responseHeaders);
            res.end(responseBody);
            try {
              hooks.observe({
                method: req.method ?? 'GET',
                path: req.url ?? '/',
                headers: req.headers,
                requestBody: original,
                status: answer.statusCode ?? 0,
                responseBody,
              });
            } catch {
              // A body the meter cannot read is still forwarded untouched.
            }
          });
          answer.on('error', () => res.destroy());
        },
      );
      forward.on('error', (error) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      agent.destroy();
    },
  };
}

const callerOf = (headers: IncomingHttpHeaders, otherwise: string): string => {
  const value = headers[CALLER_HEADER];
  return typeof value === 'string' ? value : otherwise;
};

/** DynamoDB Local behind a proxy that asks every data request for its consumed capacity and sums it. */
function startDynamoProxy(target: string, meter: ServiceMeter, devFunctions: Set<string>): Promise<RunningProxy> {
  return startProxy(target, {
    rewrite: (headers, body) => {
      const operation = String(headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (!READ_OPERATIONS.has(operation) && !WRITE_OPERATIONS.has(operation)) return body;
      const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      if (input.ReturnConsumedCapacity !== undefined && input.ReturnConsumedCapacity !== 'NONE') return body;
      input.ReturnConsumedCapacity = 'TOTAL';
      return Buffer.from(JSON.stringify(input));
    },
    observe: (exchange) => {
      const [api, operation = ''] = String(exchange.headers['x-amz-target'] ?? '').split('.');
      const streams = api?.startsWith('DynamoDBStreams') ?? false;
      const caller = callerOf(exchange.headers, streams ? 'event source (stream poller)' : 'untagged');
      const text = exchange.responseBody.toString('utf8');
      const answer = (text ? JSON.parse(text) : {}) as {
        ConsumedCapacity?: unknown;
        Records?: unknown[];
        __type?: string;
      };
      const requestText = exchange.requestBody.toString('utf8');
      const units = capacityOf(answer.ConsumedCapacity);
      const record: MeterRecord = {
        service: streams ? 'dynamodb-streams' : 'dynamodb',
        operation,
        caller,
        readUnits: READ_OPERATIONS.has(operation) ? units : 0,
        writeUnits: WRITE_OPERATIONS.has(operation) ? units : 0,
        items: streams ? (answer.Records?.length ?? 0) : 0,
        localOnly: devFunctions.has(caller) || LOCAL_ONLY_KEYS.test(requestText),
        ...(exchange.status >= 400
          ? {
              error: String(answer.__type ?? exchange.status)
                .split('#')
                .at(-1)!,
            }
          : {}),
      };
      const channel = /"pk":\{"S":"DEVOUTBOX"\}.*?"channel":\{"S":"(\w+)"\}/.exec(requestText)?.[1];
      if (channel) record.channel = channel;
      meter.records.push(record);
    },
  });
}

/** Which S3 operation a path-style REST request is, and the price class it is billed in. */
function s3Operation(exchange: Exchange): { operation: string; s3Class: 'put' | 'get' | 'free' } {
  const url = new URL(exchange.path, 'http://s3.local');
  const [, , ...key] = url.pathname.split('/');
  const hasKey = key.join('/').length > 0;
  switch (exchange.method) {
    case 'DELETE':
      return { operation: 'DeleteObject', s3Class: 'free' };
    case 'HEAD':
      return { operation: hasKey ? 'HeadObject' : 'HeadBucket', s3Class: 'get' };
    case 'GET':
      // Listing is billed with the PUT class.
      return hasKey ? { operation: 'GetObject', s3Class: 'get' } : { operation: 'ListObjects', s3Class: 'put' };
    case 'POST':
      return url.searchParams.has('delete')
        ? { operation: 'DeleteObjects', s3Class: 'free' }
        : { operation: 'PostObject', s3Class: 'put' };
    default:
      return { operation: exchange.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject', s3Class: 'put' };
  }
}

const SQS_BATCH_ENTRIES = new Set(['SendMessageBatch', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch']);

/** fauxqs (SQS over JSON, SNS over the query protocol, S3 over REST) behind a proxy that counts API calls. */
function startFauxqsProxy(target: string, meter: ServiceMeter, devFunctions: Set<string>): Promise<RunningProxy> {
  return startProxy(target, {
    observe: (exchange) => {
      const amzTarget = String(exchange.headers['x-amz-target'] ?? '');
      const contentType = String(exchange.headers['content-type'] ?? '');
      const error = exchange.status >= 400 ? { error: String(exchange.status) } : {};
      if (amzTarget.startsWith('AmazonSQS.')) {
        const operation = amzTarget.slice('AmazonSQS.'.length);
        const caller = callerOf(exchange.headers, 'event source (queue poller)');
        let items = 1;
        if (operation === 'ReceiveMessage') {
          const text = exchange.responseBody.toString('utf8');
          items = ((text ? JSON.parse(text) : {}) as { Messages?: unknown[] }).Messages?.length ?? 0;
        } else if (SQS_BATCH_ENTRIES.has(operation)) {
          items = (JSON.parse(exchange.requestBody.toString('utf8')) as { Entries?: unknown[] }).Entries?.length ?? 0;
        }
        meter.records.push({
          service: 'sqs',
          operation,
          caller,
          readUnits: 0,
          writeUnits: 0,
          items,
          localOnly: devFunctions.has(caller),
          ...error,
        });
        return;
      }
      if (exchange.method === 'POST' && contentType.includes('x-www-form-urlencoded') && exchange.path === '/') {
        const form = new URLSearchParams(exchange.requestBody.toString('utf8'));
        const operation = form.get('Action') ?? 'unknown';
        const caller = callerOf(exchange.headers, 'untagged');
        const entries = [...form.keys()].filter((k) => /^PublishBatchRequestEntries\.member\.\d+\.Id$/.test(k)).length;
        meter.records.push({
          service: 'sns',
          operation,
          caller,
          readUnits: 0,
          writeUnits: 0,
          items: operation === 'PublishBatch' ? entries : 1,
          localOnly: devFunctions.has(caller),
          ...error,
        });
        return;
      }
      const caller = callerOf(exchange.headers, 'browser (S3 front)');
      const { operation, s3Class } = s3Operation(exchange);
      meter.records.push({
        service: 's3',
        operation,
        caller,
        readUnits: 0,
        writeUnits: 0,
        items: 1,
        localOnly: devFunctions.has(caller),
        s3Class,
        ...error,
      });
    },
  });
}

// ---------------------------------------------------------------------------------------------------------
// The cloud of one benchmark

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: benchmarks read arbitrary JSON shapes
  json: any;
}

export interface ApiInit {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BenchCloud {
  cloud: LocalCloud;
  fetch(path: string, init?: ApiInit): Promise<ApiResponse>;
  token(claims: { sub: string; roles: string[]; agencyCode?: string; name?: string }): Promise<string>;
  /** With `counting`: what the proxies saw, and the invocations. */
  meter?: ServiceMeter;
  invocations?: InvocationMeter;
  /** Lines the runtime logged (errors of pollers and handlers). */
  logLines: string[];
  stop(): Promise<void>;
}

/**
 * A local cloud for one benchmark: in-memory emulators of its own (behind counting proxies with `counting`),
 * no schedule timers, the province's catalog seeded and its events settled.
 */
export async function startBenchCloud(options: { counting?: boolean } = {}): Promise<BenchCloud> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const logLines: string[] = [];
  const log = (line: string) => {
    if (logLines.length < 1_000) logLines.push(line);
  };
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  try {
    let emulators: { dynamoEndpoint: string; fauxqsEndpoint: string } | undefined;
    let meter: ServiceMeter | undefined;
    let invocations: InvocationMeter | undefined;
    if (options.counting) {
      const [dynamo, fauxqs] = await Promise.all([startDynamoLocal({}), startFauxqsServer({})]);
      cleanups.push(dynamo.stop, fauxqs.stop);
      meter = { records: [] };
      const dev = devOnlyFunctions();
      const dynamoProxy = await startDynamoProxy(dynamo.endpoint, meter, dev);
      cleanups.push(dynamoProxy.stop);
      const fauxqsProxy = await startFauxqsProxy(fauxqs.endpoint, meter, dev);
      cleanups.push(fauxqsProxy.stop);
      emulators = { dynamoEndpoint: dynamoProxy.url, fauxqsEndpoint: fauxqsProxy.url };
      invocations = installInvocationMeter();
      const meterOff = invocations;
      cleanups.push(async () => meterOff.uninstall());
    }
    const cloud = await startLocalCloud({
      port: 0,
      schedules: false,
      log,
      root: REPO_ROOT,
      prefix: 'bench',
      ...(emulators ? { emulators } : {}),
    });
    cleanups.push(() => cloud.stop());
    if (options.counting) tagSharedClients();
    await seedLocalProvince(cloud, REPO_ROOT);
    await cloud.settle(180_000);

    const fetchApi: BenchCloud['fetch'] = async (path, init = {}) => {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(new URL(path, cloud.url), {
        method: init.method ?? (body ? 'POST' : 'GET'),
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    };
    return {
      cloud,
      fetch: fetchApi,
      token: async (claims) => {
        const res = await fetchApi('/dev/token', { method: 'POST', body: claims });
        if (res.status !== 200) throw new Error(`dev token refused: ${res.text}`);
        return res.json.token as string;
      },
      ...(meter ? { meter } : {}),
      ...(invocations ? { invocations } : {}),
      logLines,
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/**
 * The citizen's upload of one PDF: open the upload, POST the form to the presigned URL (the local S3 front, as a
 * browser posts to S3), complete it; returns the document id once its verification reached the dossiers context.
 */
export async function uploadVerifiedDocument(bench: BenchCloud, token: string): Promise<string> {
  const opened = await bench.fetch('/documents', {
    method: 'POST',
    token,
    body: {
      fileName: 'giay-to.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
    },
  });
  if (opened.status !== 201) throw new Error(`POST /documents: ${opened.status} ${opened.text}`);
  const form = new FormData();
  for (const [name, value] of Object.entries(opened.json.upload.fields as Record<string, string>)) {
    form.append(name, value);
  }
  form.append('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'giay-to.pdf');
  const posted = await fetch(opened.json.upload.url, { method: 'POST', body: form });
  await posted.arrayBuffer();
  if (posted.status >= 300) throw new Error(`upload form POST: ${posted.status}`);
  const completed = await bench.fetch(`/documents/${opened.json.documentId}/complete`, { method: 'POST', token });
  if (completed.status !== 200 || completed.json?.status !== 'clean') {
    throw new Error(`complete: ${completed.status} ${completed.text}`);
  }
  return opened.json.documentId as string;
}

/** POST /dossiers with a fresh Idempotency-Key; throws unless 201. */
export async function submitDossier(
  bench: BenchCloud,
  token: string,
  body: unknown,
  idempotencyKey: string,
): Promise<{ code: string; version: number }> {
  const res = await bench.fetch('/dossiers', {
    method: 'POST',
    token,
    body,
    headers: { 'idempotency-key': idempotencyKey },
  });
  if (res.status !== 201) throw new Error(`POST /dossiers: ${res.status} ${res.text.slice(0, 300)}`);
  return { code: res.json.code as string, version: res.json.version as number };
}

// ---------------------------------------------------------------------------------------------------------
// Replaying a submission's transaction as raw DynamoDB writes

/**
 * A captured TransactWriteItems of a submission, to be written again as new items of exactly the same sizes:
 * the dossier code, the Idempotency-Key and the event id are replaced by fresh values of the same length.
 */
export interface SubmissionTemplate {
  body: string;
  code: string;
  idempotencyKey: string;
  eventId: string;
}

/** Finds the submission's transaction among captured requests. */
export function submissionTemplate(
  captured: readonly CapturedRequest[],
  code: string,
  idempotencyKey: string,
): SubmissionTemplate {
  const transaction = captured.find((c) => c.operation === 'TransactWriteItems' && c.body.includes(code));
  if (!transaction) throw new Error(`no TransactWriteItems of ${code} among ${captured.map((c) => c.operation)}`);
  const eventId = /"pk":\{"S":"OUTBOX#([0-9a-f-]{36})"\}/.exec(transaction.body)?.[1];
  if (!eventId) throw new Error('the submission transaction has no outbox item');
  return { body: transaction.body, code, idempotencyKey, eventId };
}

/**
 * The template's transaction input for the n-th replay: code `<agency>-<yymmdd>-<5000+n>` (real codes of a day
 * count from 0001, so they never meet), fresh UUIDs for the key and the event.
 */
export function replayInput(template: SubmissionTemplate, n: number): Record<string, unknown> {
  if (n >= 5_000) throw new Error('replay codes are limited to 5,000 per template prefix');
  const prefix = template.code.slice(0, template.code.lastIndexOf('-') + 1);
  const code = `${prefix}${5_000 + n}`;
  if (code.length !== template.code.length) throw new Error(`unexpected code shape ${template.code}`);
  const body = template.body
    .split(template.code)
    .join(code)
    .split(template.idempotencyKey)
    .join(randomUUID())
    .split(template.eventId)
    .join(randomUUID());
  const input = JSON.parse(body) as Record<string, unknown>;
  // The SDK fills in a fresh idempotency token per call; the captured one belongs to the original request.
  delete input.ClientRequestToken;
  return input;
}

// ---------------------------------------------------------------------------------------------------------
// The seeded catalog, for generated data

export interface SeedProcedure {
  code: string;
  field: string;
  name: { vi: string };
  agencyCodes: string[];
  processingTime: { kind: string; days?: number };
  fees: { kind: string; amount?: number; amountPerCopy?: number }[];
  resultType?: 'electronic' | 'paper';
  status: string;
}

/** The published procedures of the seeded province. */
export function seedProcedures(cloud: LocalCloud): SeedProcedure[] {
  const file = join(REPO_ROOT, 'config', 'seed', cloud.province.seed, 'procedures.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as SeedProcedure[] | { procedures: SeedProcedure[] };
  const list = Array.isArray(parsed) ? parsed : parsed.procedures;
  return list.filter((p) => p.status === 'published');
}
