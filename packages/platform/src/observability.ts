/**
 * Powertools logger and metrics, one of each per function (module scope), the correlation id of the work in
 * progress, and X-Ray tracing of AWS SDK calls. Personal data stays out of logs: log dossier codes and ids,
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

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'motcua';

export const logger = new Logger({ serviceName });
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
