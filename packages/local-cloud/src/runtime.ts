/**
 * The embedded local cloud: emulators, provisioning from the topology, the HTTP gateway, the dev identity
 * issuer and clock, pollers for queues and streams, and timers for schedules. `npm start` runs it with data
 * on disk; tests run it against shared in-memory emulators with a unique resource prefix per test file.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { resetAwsClients } from '#platform/aws.ts';
import { now, resetClock, setClock } from '#platform/clock.ts';
import { bucketEnvName, EVENTS_TOPIC_ENV, tableEnvName } from '#platform/env.ts';
import { createTokenVerifier } from '#platform/jwt.ts';
import { loadProvinceConfig, type ProvinceConfig } from '#platform/province.ts';
import { allTopologies } from '#topology/index.ts';
import type { ContextTopology } from '#topology/types.ts';
import { outboxPublisherFunction } from '#topology/types.ts';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type RunningDynamo,
  type RunningFauxqs,
  startDynamoLocal,
  startFauxqsServer,
} from './emulators.ts';
import { compileRoute, handleApiRequest, readBody, routeNotFound, sendJson, sendProblem } from './gateway.ts';
import { DevIssuer, devTokenRequestSchema } from './issuer.ts';
import { LocalLambdas } from './lambda.ts';
import { dispatchStandIn, setMotcuaBaseUrl } from './national-portal/index.ts';
import { CheckpointStore, type Poller, startQueuePoller, startStreamPoller } from './pollers.ts';
import { type LocalResources, provision } from './provision.ts';
import { handleS3Front } from './s3-front.ts';

export interface LocalCloudOptions {
  /** Where state lives; undefined keeps everything in memory (tests). */
  dataDir?: string;
  fresh?: boolean;
  port?: number;
  host?: string;
  provinceId?: string;
  /** Reuse running emulators (tests share one pair per run). */
  emulators?: { dynamoEndpoint: string; fauxqsEndpoint: string };
  /** Resource name prefix; unique per test file so files do not see each other's data. */
  prefix?: string;
  /** Start schedule timers (off in tests, which trigger schedules through /dev/schedules/{name}). */
  schedules?: boolean;
  log?: (line: string) => void;
  root?: string;
  /** Test-only contexts added to the declared ones (platform mechanics tests use a probe context). */
  extraTopologies?: ContextTopology[];
  /** Serve `/dev/*` (tokens, clock, sandboxes); `npm start -- --no-dev` or LOCAL_DEV_ROUTES=off turns it off. */
  devRoutes?: boolean;
  /**
   * Answer API requests with 503 until `markReady()` (npm start seeds the catalog and lets every context
   * take in its events first); by default the cloud is ready as soon as it is started.
   */
  holdUntilReady?: boolean;
}

export interface LocalCloud {
  url: string;
  port: number;
  resources: LocalResources;
  province: ProvinceConfig;
  issuer: DevIssuer;
  /** Wait until every queue and stream poller found nothing to do twice in a row. */
  settle(timeoutMs?: number): Promise<void>;
  /** Stop the pollers only (to simulate a crash between a write and its publication). */
  stopPollers(): Promise<void>;
  /** From now on `/ready` answers 200 and API requests are served (see `holdUntilReady`). */
  markReady(): void;
  stop(): Promise<void>;
}

export type DevRouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => Promise<void>;

function setFunctionEnvironment(
  resources: LocalResources,
  endpoints: { dynamo: string; fauxqs: string },
  issuer: DevIssuer,
  baseUrl: string,
  province: ProvinceConfig,
): void {
  const env = process.env;
  env.MOTCUA_LOCAL = 'true';
  env.AWS_REGION = LOCAL_REGION;
  env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamo;
  env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS = endpoints.dynamo;
  env.AWS_ENDPOINT_URL_SQS = endpoints.fauxqs;
  env.AWS_ENDPOINT_URL_SNS = endpoints.fauxqs;
  env.AWS_ENDPOINT_URL_S3 = endpoints.fauxqs;
  env.S3_FORCE_PATH_STYLE = 'true';
  env.S3_PUBLIC_ENDPOINT = `${baseUrl}/local-s3`;
  env.POWERTOOLS_TRACE_ENABLED = 'false';
  env.POWERTOOLS_METRICS_DISABLED = 'true';
  env.POWERTOOLS_DEV = 'false';
  env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  env[EVENTS_TOPIC_ENV] = resources.topicArn;
  for (const [logical, table] of resources.tables) env[tableEnvName(logical)] = table.name;
  for (const [logical, bucket] of resources.buckets) env[bucketEnvName(logical)] = bucket;
  const [citizen, official] = issuer.issuerConfigs();
  env.CITIZEN_ISSUER = citizen!.issuer;
  env.CITIZEN_AUDIENCE = citizen!.audience;
  env.CITIZEN_JWKS_URI = citizen!.jwksUri;
  env.OFFICIAL_ISSUER = official!.issuer;
  env.OFFICIAL_AUDIENCE = official!.audience;
  env.OFFICIAL_JWKS_URI = official!.jwksUri;
  env.PROVINCE_ID = province.id;
  env.PROVINCE_CODE = province.code;
  env.PROVINCIAL_AGENCY_CODE = province.provincialAgencyCode;
  env.PORTAL_URL = baseUrl;
  env.API_URL = baseUrl;
  env.PAYMENT_EXPIRY_MINUTES = String(province.gateways.paymentExpiryMinutes);
}

/** Dev routes that other parts of the local runtime register (S3 front, sandboxes); path prefix → handler. */
const extraDevRoutes = new Map<string, DevRouteHandler>();
export function registerDevRoute(prefix: string, handler: DevRouteHandler): void {
  extraDevRoutes.set(prefix, handler);
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = options.log ?? ((line: string) => console.log(line));
  const root = options.root ?? process.cwd();
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir && options.fresh) rmSync(dataDir, { recursive: true, force: true });
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const province = loadProvinceConfig(options.provinceId ?? process.env.PROVINCE ?? 'dong-nai', root);

  let dynamo: RunningDynamo | undefined;
  let fauxqs: RunningFauxqs | undefined;
  let endpoints: { dynamo: string; fauxqs: string };
  if (options.emulators) {
    endpoints = { dynamo: options.emulators.dynamoEndpoint, fauxqs: options.emulators.fauxqsEndpoint };
  } else {
    [dynamo, fauxqs] = await Promise.all([
      startDynamoLocal(dataDir ? { dataDir } : {}),
      startFauxqsServer(dataDir ? { dataDir } : {}),
    ]);
    endpoints = { dynamo: dynamo.endpoint, fauxqs: fauxqs.endpoint };
  }
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const clients = {
    dynamo: new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamo }),
    streams: new DynamoDBStreamsClient({ ...clientConfig, endpoint: endpoints.dynamo }),
    sns: new SNSClient({ ...clientConfig, endpoint: endpoints.fauxqs }),
    sqs: new SQSClient({ ...clientConfig, endpoint: endpoints.fauxqs }),
    s3: new S3Client({ ...clientConfig, endpoint: endpoints.fauxqs, forcePathStyle: true }),
  };

  const topologies: ContextTopology[] = [...allTopologies(), ...withPublishers(options.extraTopologies ?? [])];
  const prefix = options.prefix ?? `motcua-${province.id}`;
  const resources = await provision(topologies, prefix, clients);

  const server: Server = createServer();
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`.replace('127.0.0.1', 'localhost');

  const issuer = await DevIssuer.create(dataDir ? join(dataDir, 'issuer-keys.json') : undefined, url);
  setFunctionEnvironment(resources, endpoints, issuer, url, province);
  setMotcuaBaseUrl(url);
  resetAwsClients();
  resetClock();

  const functionNamed = (name: string) => {
    const found = topologies.flatMap((t) => t.functions).find((f) => f.name === name);
    if (!found) throw new Error(`No function named ${name} in the topology`);
    return found;
  };
  const lambdas = new LocalLambdas(root);
  const verify = createTokenVerifier(issuer.issuerConfigs(), (c) => issuer.keySetFor(c));
  const compiled = topologies.flatMap((t) => t.routes.map((r) => compileRoute(r, functionNamed(r.function))));

  const handleDev = async (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean> => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/dev/token' && method === 'POST') {
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        sendJson(res, 400, { title: 'Invalid JSON', status: 400 }, { 'content-type': 'application/problem+json' });
        return true;
      }
      const parsed = devTokenRequestSchema.safeParse(input);
      if (!parsed.success) {
        sendJson(
          res,
          400,
          {
            type: 'https://motcua.gov.vn/problems/validation',
            title: 'Invalid request',
            status: 400,
            errors: parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })),
          },
          { 'content-type': 'application/problem+json' },
        );
        return true;
      }
      const token = await issuer.issue(parsed.data, Math.floor(Date.now() / 1000));
      sendJson(res, 200, { token, tokenType: 'Bearer' });
      return true;
    }
    const jwks = /^\/dev\/issuer\/(citizen|official)\/jwks\.json$/.exec(path);
    if (jwks && method === 'GET') {
      sendJson(res, 200, issuer.jwks(jwks[1] as 'citizen' | 'official'));
      return true;
    }
    if (path === '/dev/clock') {
      if (method === 'POST') {
        const parsed = (() => {
          try {
            return JSON.parse(body.toString('utf8')) as { now?: unknown };
          } catch {
            return {};
          }
        })();
        const moment = typeof parsed.now === 'string' ? new Date(parsed.now) : undefined;
        if (!moment || Number.isNaN(moment.getTime())) {
          sendJson(res, 400, { title: 'now must be an ISO 8601 timestamp', status: 400 });
          return true;
        }
        setClock(moment);
      } else if (method === 'DELETE') {
        resetClock();
      } else if (method !== 'GET') {
        return false;
      }
      sendJson(res, 200, { now: now().toISOString() });
      return true;
    }
    const schedule = /^\/dev\/schedules\/([\w-]+)$/.exec(path);
    if (schedule && method === 'POST') {
      const decl = topologies.flatMap((t) => t.schedules).find((s) => s.name === schedule[1]);
      if (!decl) {
        sendJson(res, 404, { message: 'Not Found' });
        return true;
      }
      const result = await lambdas.invoke(functionNamed(decl.function), scheduledEvent(decl.name));
      sendJson(res, 200, { schedule: decl.name, result: result ?? null });
      return true;
    }
    if (path.startsWith('/local-s3/')) {
      await handleS3Front(req, res, url, body, endpoints.fauxqs);
      return true;
    }
    // The stand-in national portal (an external system); unmatched paths fall through to topology routes.
    if (await dispatchStandIn(req, res, url, body)) return true;
    for (const [prefixPath, handler] of extraDevRoutes) {
      if (path.startsWith(prefixPath)) {
        await handler(req, res, url, body);
        return true;
      }
    }
    return false;
  };

  server.on('request', (req, res) => {
    void (async () => {
      const requestUrl = new URL(req.url ?? '/', url);
      res.setHeader('access-control-allow-origin', '*');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS',
          'access-control-allow-headers': 'authorization,content-type,idempotency-key,if-match,accept-language',
          'access-control-max-age': '600',
        });
        res.end();
        return;
      }
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch {
        sendJson(res, 413, { message: 'Request Entity Too Large' });
        return;
      }
      try {
        if (await handleDev(req, res, requestUrl, body)) return;
        if (await handleApiRequest({ routes: compiled, lambdas, verify }, req, res, requestUrl, body)) return;
        sendJson(res, 404, { message: 'Not Found' });
      } catch (error) {
        log(`gateway: ${req.method} ${requestUrl.pathname}: ${(error as Error).stack ?? error}`);
        if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
        else res.end();
      }
    })();
  });

  const pollers: Poller[] = [];
  const checkpoints = new CheckpointStore(dataDir ? join(dataDir, 'stream-checkpoints.json') : undefined);
  const startPollers = () => {
    for (const queue of resources.queues.values()) {
      pollers.push(startQueuePoller(clients.sqs, queue, functionNamed(queue.consumer.function), lambdas, log));
    }
    for (const table of resources.tables.values()) {
      if (!table.streamArn || !table.failureQueueUrl) continue;
      pollers.push(
        startStreamPoller(
          clients.streams,
          clients.sqs,
          {
            tableName: table.name,
            streamArn: table.streamArn,
            fn: functionNamed(`${table.decl.name}-outbox-publisher`),
            failureQueueUrl: table.failureQueueUrl,
            maxAttempts: 5,
          },
          lambdas,
          checkpoints,
          log,
        ),
      );
    }
  };
  startPollers();

  const timers: NodeJS.Timeout[] = [];
  if (options.schedules ?? true) {
    for (const decl of topologies.flatMap((t) => t.schedules)) {
      const fn = functionNamed(decl.function);
      timers.push(
        setInterval(() => {
          lambdas.invoke(fn, scheduledEvent(decl.name)).catch((e: Error) => log(`${decl.name}: ${e.message}`));
        }, decl.rateMinutes * 60_000),
      );
    }
  }

  let pollersStopped = false;
  const stopPollers = async () => {
    if (pollersStopped) return;
    pollersStopped = true;
    await Promise.all(pollers.map((p) => p.stop()));
  };

  return {
    url,
    port,
    resources,
    province,
    issuer,
    settle: async (timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      let quietRounds = 0;
      while (quietRounds < 3) {
        if (Date.now() > deadline) throw new Error('local cloud did not settle');
        await new Promise((r) => setTimeout(r, 150));
        quietRounds = pollers.every((p) => p.idle()) ? quietRounds + 1 : 0;
      }
    },
    stopPollers,
    stop: async () => {
      timers.forEach(clearInterval);
      await stopPollers();
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      for (const client of Object.values(clients)) client.destroy();
      await Promise.all([dynamo?.stop(), fauxqs?.stop()]);
    },
  };
}

function withPublishers(extra: ContextTopology[]): ContextTopology[] {
  return extra.map((t) => ({
    ...t,
    functions: [...t.functions, ...t.tables.filter((x) => x.outbox).map((x) => outboxPublisherFunction(x.name))],
  }));
}

function scheduledEvent(name: string) {
  const time = now().toISOString();
  return {
    version: '0',
    id: `${name}-${Date.now()}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time,
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:000000000000:rule/${name}`],
    detail: {},
  };
}
