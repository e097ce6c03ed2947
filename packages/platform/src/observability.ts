/**
 * Powertools logger and metrics, one of each per function (module scope; the local cloud gives each invocation
 * a logger of its own, see below), the correlation id of the work in progress, and X-Ray tracing of AWS SDK calls. Personal data stays out of logs: log dossier codes and ids,
 * never names, ID numbers, phone numbers or form contents.
 *
 * The tracer (Powertools over the X-Ray SDK) is the heaviest module a function would load: it is imported on
 * the first invocation, only on AWS with tracing on, never at module load, so it costs no cold start import
 * time. The Lambda service records each invocation's segment itself (active tracing); the tracer adds one
 * subsegment per SDK call of the clients registered with `traced()` (packages/platform/src/aws.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'motcua';

const functionLogger = new Logger({ serviceName });

// ---------------------------------------------------------------------------------------------------------
// Logging per invocation. On AWS a container runs one invocation at a time, so the function's one logger
// holds that invocation's state (the Lambda context `injectLambdaContext` adds, the keys `appendKeys` adds and
// `resetKeys` clears). The local cloud runs every function in one process, many invocations at once, with
// this module loaded once for all of them: it runs each invocation in `runInvocation`, which gives it a
// logger of its own, and `logger` writes with the logger of the invocation in progress. Outside one (on AWS,
// at module load, in unit tests calling a handler directly) `logger` is the function's logger itself.

const invocationLoggers = new AsyncLocalStorage<Logger>();

const current = (fallback: Logger): Logger => invocationLoggers.getStore() ?? fallback;

/**
 * The logger of the invocation in progress (see above). The same `Logger` API; its methods act on the
 * current invocation's logger, so a key one invocation appends never labels another's lines.
 */
export const logger: Logger = new Proxy(functionLogger, {
  get(fallback, key) {
    const target = current(fallback);
    const value: unknown = Reflect.get(target, key, target);
    // Bound: the Logger's methods use its private fields, which only the instance itself has.
    return typeof value === 'function' ? value.bind(target) : value;
  },
  set(fallback, key, value) {
    const target = current(fallback);
    return Reflect.set(target, key, value, target);
  },
});

/**
 * Runs one invocation of a function with a logger of its own (the local cloud, which runs many at once in
 * one process): a child of the function's logger, named like the deployed function's (its service is the
 * function's name, as the stack's POWERTOOLS_SERVICE_NAME) and labelled with `context` from the start.
 */
export function runInvocation<T>(context: Context, fn: () => T): T {
  const invocationLogger = functionLogger.createChild({ serviceName: context.functionName });
  invocationLogger.addContext(context);
  return invocationLoggers.run(invocationLogger, fn);
}
export const metrics = new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'motcua' });

// ---------------------------------------------------------------------------------------------------------
// Correlation: one id follows a piece of work from the HTTP request through the events it causes (the outbox
// envelope carries it) to every consumer that applies them and the events those write in turn. HTTP log lines
// carry it as a key; consumers process a batch's records in parallel, so their per-record lines name it.

const correlation = new AsyncLocalStorage<string>();

/** The correlation id of the request or event being handled, if any. */
export const currentCorrelationId = (): string | undefined => correlation.getStore();

/** Runs `fn` as part of the work `correlationId` names; its log lines carry the id. */
export function withCorrelationId<T>(correlationId: string, fn: () => Promise<T>): Promise<T> {
  return correlation.run(correlationId, fn);
}

// ---------------------------------------------------------------------------------------------------------
// Tracing

const tracingEnabled = (): boolean =>
  Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME) &&
  process.env.MOTCUA_LOCAL !== 'true' &&
  process.env.POWERTOOLS_TRACE_ENABLED !== 'false';

const untracedClients: object[] = [];
let tracer: Tracer | undefined;
let loading: Promise<Tracer | undefined> | undefined;

/** Registers an AWS SDK v3 client: its calls become X-Ray subsegments once the tracer is loaded. */
export function traced<T extends object>(client: T): T {
  if (!tracingEnabled()) return client;
  if (tracer) tracer.captureAWSv3Client(client);
  else untracedClients.push(client);
  return client;
}

/** Loads the tracer (once), instrumenting the clients registered so far; undefined when tracing is off. */
export function loadTracer(): Promise<Tracer | undefined> {
  if (!tracingEnabled()) return Promise.resolve(undefined);
  loading ??= import('@aws-lambda-powertools/tracer').then(({ Tracer: TracerClass }) => {
    tracer = new TracerClass({ serviceName, captureHTTPsRequests: true });
    for (const client of untracedClients.splice(0)) tracer.captureAWSv3Client(client);
    return tracer;
  });
  return loading;
}

/** Middy middleware: the tracer is ready before the handler's first SDK call. */
export const tracing = () => ({
  before: async (): Promise<void> => {
    await loadTracer();
  },
});
