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
import { createRemoteJWKSet } from 'jose';
import { resetAwsClients } from '#platform/aws.ts';
import { now, resetClock, setClock } from '#platform/clock.ts';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from '#platform/cors.ts';
import { bucketEnvName, EVENTS_TOPIC_ENV, tableEnvName } from '#platform/env.ts';
import { AppError, NotFoundError, ValidationError } from '#platform/errors.ts';
import { createTokenVerifier, type IssuerConfig } from '#platform/jwt.ts';
import { fieldErrorsFromZod, pickLanguage, zodErrorMap } from '#platform/problem.ts';
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
import {
  compileRoute,
  handleApiRequest,
  PayloadTooLargeError,
  readBody,
  routeNotFound,
  sendJson,
  sendProblem,
} from './gateway.ts';
import { DevIssuer, devTokenRequestSchema } from './issuer.ts';
import { LocalLambdas } from './lambda.ts';
import { dispatchStandIn, setMotcuaBaseUrl } from './national-portal/index.ts';
import { CheckpointStore, fauxqsInspector, type Poller, startQueuePoller, startStreamPoller } from './pollers.ts';
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
  /**
   * The officials' issuer in place of the dev issuer's, as on AWS where officials sign in through the province's
   * OpenID Connect provider (oidc-provider.ts stands in for it): the API trusts its tokens by its JWKS, fetched
   * over HTTP, and `/dev/token` no longer signs tokens for officials.
   */
  officialIssuer?: IssuerConfig;
}

export interface LocalCloud {
  url: string;
  port: number;
  resources: LocalResources;
  province: ProvinceConfig;
  issuer: DevIssuer;
  /**
   * Wait until the pollers are quiet three checks in a row: no stream records to publish, and no consumer queue
   * (DLQs are not consumed, so not counted) holding a message to receive, one being handled, or a failed one
   * that comes back (its visibility timeout, or the consumer's retry backoff) before the deadline. A retry due
   * after the deadline is not waited for. Throws after `timeoutMs` (default 20 s) naming what is not quiet.
   */
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
  issuers: IssuerConfig[],
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
  const citizen = issuers.find((i) => i.kind === 'citizen');
  const official = issuers.find((i) => i.kind === 'official');
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
  env.PAYMENT_CALLBACKS_RETENTION_DAYS = String(province.retention.paymentCallbacksDays);
  env.PROVINCE_OFFICE_HOURS = JSON.stringify(province.timeliness.officeHours);
}

/** Dev routes that other parts of the local runtime register (S3 front, sandboxes); path prefix → handler. */
const extraDevRoutes = new Map<string, DevRouteHandler>();
export function registerDevRoute(prefix: string, handler: DevRouteHandler): void {
  extraDevRoutes.set(prefix, handler);
}

/** Thrown when the port is taken; nothing was started (no emulator is left running). */
export class PortInUseError extends Error {}

/** Anything started before a failure is stopped again, so a failed start leaves no DynamoDB Local JVM behind. */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const started: { stop(): Promise<unknown> | undefined }[] = [];
  try {
    return await startCloud(options, started);
  } catch (error) {
    await Promise.allSettled(started.reverse().map((s) => s.stop()));
    throw error;
  }
}

async function startCloud(
  options: LocalCloudOptions,
  started: { stop(): Promise<unknown> | undefined }[],
): Promise<LocalCloud> {
  const log = options.log ?? ((line: string) => console.log(line));
  const root = options.root ?? process.cwd();
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir && options.fresh) rmSync(dataDir, { recursive: true, force: true });
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const province = loadProvinceConfig(options.provinceId ?? process.env.PROVINCE ?? 'dong-nai', root);

  // Listen first: a busy port fails before any emulator starts, and a request that arrives while the rest
  // starts is answered 503 (problem+json, Retry-After) instead of waiting for a listener that is not there.
  let serve: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  let ready = false;
  const server: Server = createServer((req, res) => {
    const answer = serve ? serve(req, res) : Promise.resolve(sendProblem(res, req, new StartingError(), RETRY_SOON));
    answer.catch((error: Error) => {
      log(`gateway: ${req.method} ${req.url}: ${error.stack ?? error}`);
      if (!res.headersSent) sendProblem(res, req, new InternalError());
      else res.end();
    });
  });
  // A request line Node cannot parse is answered 400 by Node itself; never let it reach the process.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(
              `Port ${options.port} on ${host} is already in use (another npm start?): stop it or run with PORT=<another port>.`,
            )
          : error,
      ),
    );
    server.listen(options.port ?? 0, host, () => ok());
  });
  started.push({
    stop: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`.replace('127.0.0.1', 'localhost');

  let dynamo: RunningDynamo | undefined;
  let fauxqs: RunningFauxqs | undefined;
  let endpoints: { dynamo: string; fauxqs: string };
  if (options.emulators) {
    endpoints = { dynamo: options.emulators.dynamoEndpoint, fauxqs: options.emulators.fauxqsEndpoint };
  } else {
    const [dynamoStart, fauxqsStart] = await Promise.allSettled([
      startDynamoLocal(dataDir ? { dataDir } : {}),
      startFauxqsServer(dataDir ? { dataDir } : {}),
    ]);
    if (dynamoStart.status === 'fulfilled') started.push(dynamoStart.value);
    if (fauxqsStart.status === 'fulfilled') started.push(fauxqsStart.value);
    if (dynamoStart.status === 'rejected') throw dynamoStart.reason;
    if (fauxqsStart.status === 'rejected') throw fauxqsStart.reason;
    dynamo = dynamoStart.value;
    fauxqs = fauxqsStart.value;
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

  const issuer = await DevIssuer.create(dataDir ? join(dataDir, 'issuer-keys.json') : undefined, url);
  const officialIssuer = options.officialIssuer;
  const issuers = issuer
    .issuerConfigs()
    .map((config) => (config.kind === 'official' && officialIssuer ? officialIssuer : config));
  setFunctionEnvironment(resources, endpoints, issuers, url, province);
  setMotcuaBaseUrl(url);
  resetAwsClients();
  resetClock();

  const functionNamed = (name: string) => {
    const found = topologies.flatMap((t) => t.functions).find((f) => f.name === name);
    if (!found) throw new Error(`No function named ${name} in the topology`);
    return found;
  };
  const lambdas = new LocalLambdas(root);
  // The dev issuer's keys are at hand; an external officials' issuer is trusted by its JWKS URI, as on AWS.
  const verify = createTokenVerifier(issuers, (c) =>
    c === officialIssuer ? createRemoteJWKSet(new URL(c.jwksUri)) : issuer.keySetFor(c),
  );
  const compiled = topologies.flatMap((t) => t.routes.map((r) => compileRoute(r, functionNamed(r.function))));

  const handleDev = async (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean> => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/dev/token' && method === 'POST') {
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        sendProblem(res, req, malformedJson());
        return true;
      }
      const language = pickLanguage(String(req.headers['accept-language'] ?? ''));
      const parsed = devTokenRequestSchema.safeParse(input, { error: zodErrorMap(language) });
      if (!parsed.success) {
        sendProblem(res, req, new ValidationError(fieldErrorsFromZod(parsed.error, 'body')));
        return true;
      }
      if (officialIssuer && !parsed.data.roles.includes('citizen')) {
        sendProblem(
          res,
          req,
          new ValidationError(
            [{ path: 'body.roles', message: 'officials sign in through the OpenID Connect provider' }],
            {
              vi: `Cán bộ đăng nhập qua nhà cung cấp định danh ${officialIssuer.issuer}; /dev/token chỉ cấp token cho công dân.`,
              en: `Officials sign in through the OpenID Connect provider ${officialIssuer.issuer}; /dev/token signs citizens' tokens only.`,
            },
          ),
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
        const parsed: unknown = (() => {
          try {
            return JSON.parse(body.toString('utf8'));
          } catch {
            return undefined;
          }
        })();
        // `null`, an array or a number is as wrong as a bad date: the body must be an object with `now`.
        const value = parsed && typeof parsed === 'object' ? (parsed as { now?: unknown }).now : undefined;
        const moment = typeof value === 'string' ? new Date(value) : undefined;
        if (!moment || Number.isNaN(moment.getTime())) {
          sendProblem(
            res,
            req,
            new ValidationError([{ path: 'body.now', message: 'ISO 8601' }], {
              vi: 'Cần {"now": "<thời điểm ISO 8601>"}, ví dụ {"now":"2026-12-01T09:00:00+07:00"}.',
              en: 'Send {"now": "<an ISO 8601 timestamp>"}, e.g. {"now":"2026-12-01T09:00:00+07:00"}.',
            }),
          );
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
        sendProblem(res, req, new NotFoundError({ vi: 'Không có lịch chạy này.', en: 'No such schedule.' }));
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

  const devRoutes = options.devRoutes ?? true;
  const cors = corsPolicy(province, url);
  serve = async (req, res) => {
    // The path exactly as sent (`//[` stays a path, never a host); a request line that is no path is a 400.
    const requestUrl = (req.url ?? '/').startsWith('/') ? URL.parse(url + (req.url ?? '/')) : null;
    if (!requestUrl) {
      sendProblem(res, req, badRequestTarget());
      return;
    }
    if (cors.apply(req, res)) return;
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) sendProblem(res, req, error, { connection: 'close' });
      else res.destroy();
      return;
    }
    const path = requestUrl.pathname;
    if (path === '/ready') {
      if (ready) sendJson(res, 200, { status: 'ready' }, { 'cache-control': 'no-store' });
      else sendProblem(res, req, new StartingError(), { ...RETRY_SOON, 'cache-control': 'no-store' });
      return;
    }
    // Liveness and the upload front answer while the catalog is seeded; everything else waits for ready.
    if (!ready && path !== '/health' && !path.startsWith('/local-s3/')) {
      sendProblem(res, req, new StartingError(), RETRY_SOON);
      return;
    }
    if (!devRoutes && (path === '/dev' || path.startsWith('/dev/'))) {
      sendProblem(res, req, routeNotFound());
      return;
    }
    if (await handleDev(req, res, requestUrl, body)) return;
    if (await handleApiRequest({ routes: compiled, lambdas, verify, log }, req, res, requestUrl, body)) return;
    sendProblem(res, req, routeNotFound());
  };

  const pollers: Poller[] = [];
  const checkpoints = new CheckpointStore(dataDir ? join(dataDir, 'stream-checkpoints.json') : undefined);
  const inspect = fauxqsInspector(endpoints.fauxqs);
  const startPollers = () => {
    for (const queue of resources.queues.values()) {
      pollers.push(
        startQueuePoller(
          clients.sqs,
          queue,
          functionNamed(queue.consumer.function),
          lambdas,
          log,
          checkpoints,
          inspect,
        ),
      );
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

  if (!options.holdUntilReady) ready = true;

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
      // Stopped pollers move nothing any more: there is nothing to wait for.
      if (pollersStopped) return;
      const since = Date.now();
      const deadline = since + timeoutMs;
      let quietRounds = 0;
      let notQuiet: string[] = [];
      while (quietRounds < 3) {
        if (Date.now() > deadline) {
          const what = notQuiet.length > 0 ? notQuiet.join('; ') : `quiet for only ${quietRounds} of 3 checks`;
          throw new Error(`local cloud did not settle within ${timeoutMs} ms; not quiet: ${what}`);
        }
        await new Promise((r) => setTimeout(r, 150));
        // What the streams must have been read after: the caller's writes came before settle was called, a
        // consumer's before it went idle. (A stream read between a write and the next check would miss it.)
        const writtenBefore = Math.max(since, ...pollers.map((p) => p.busyEndedAt()));
        // A poller at work answers at once; only when none is do the queues get asked what they still hold.
        const working = pollers.filter((p) => !p.idle());
        const reasons = await Promise.all(
          (working.length > 0 ? working : pollers).map((p) => p.unsettled(deadline, writtenBefore)),
        );
        notQuiet = reasons.filter((reason) => reason !== undefined);
        quietRounds = notQuiet.length === 0 ? quietRounds + 1 : 0;
      }
    },
    stopPollers,
    markReady: () => {
      ready = true;
    },
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

const RETRY_SOON = { 'retry-after': '1' };

class StartingError extends AppError {
  constructor() {
    super(
      503,
      'starting',
      { vi: 'Đang khởi động', en: 'Starting' },
      {
        vi: 'Hệ thống đang khởi động (nạp danh mục, đồng bộ các phân hệ); hãy thử lại sau giây lát.',
        en: 'The system is starting (loading the catalog, bringing every context up to date); try again shortly.',
      },
    );
  }
}

class InternalError extends AppError {
  constructor() {
    super(
      500,
      'internal',
      { vi: 'Lỗi hệ thống', en: 'Internal error' },
      {
        vi: 'Đã có lỗi ngoài dự kiến; yêu cầu chưa được thực hiện. Vui lòng thử lại.',
        en: 'An unexpected error occurred; nothing was changed. Please try again.',
      },
    );
  }
}

const badRequestTarget = () =>
  new ValidationError([{ path: 'path', message: 'not a path' }], {
    vi: 'Dòng yêu cầu không chứa đường dẫn hợp lệ.',
    en: 'The request line does not hold a valid path.',
  });

const malformedJson = () =>
  new ValidationError([{ path: 'body', message: 'malformed JSON' }], {
    vi: 'Nội dung yêu cầu không phải JSON hợp lệ.',
    en: 'The request body is not valid JSON.',
  });

/**
 * CORS as the deployed HTTP API does it (infra/stacks/api-stack.ts): only the province's portal origin (and,
 * locally, this server's own origin and any in LOCAL_CORS_ORIGINS), ETag and Location exposed.
 * Returns true when it answered a preflight.
 */
function corsPolicy(province: ProvinceConfig, baseUrl: string) {
  const allowed = new Set(
    [
      province.domains.portal,
      new URL(baseUrl).origin,
      ...(process.env.LOCAL_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()),
    ].filter((o) => o !== ''),
  );
  return {
    apply(req: IncomingMessage, res: ServerResponse): boolean {
      const origin = req.headers.origin;
      const permitted = typeof origin === 'string' && allowed.has(origin);
      if (permitted) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(','));
        res.setHeader('vary', 'origin');
      }
      if (req.method !== 'OPTIONS' || typeof req.headers['access-control-request-method'] !== 'string') return false;
      res.writeHead(204, {
        ...(permitted
          ? {
              'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
              'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(','),
              'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
            }
          : {}),
      });
      res.end();
      return true;
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
