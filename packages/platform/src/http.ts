/**
 * The middy stack every HTTP handler uses. A handler file is thin:
 *
 *   export const handler = httpHandler(routes.getDossier, async (req) => ({ body: await useCase(req.params.code) }));
 *
 * The stack: Powertools logger (request context), tracer and metrics; zod validation of path, query, headers
 * and body against the route's declared schemas (the same schemas the OpenAPI document is generated from);
 * the caller's identity from the verified JWT claims; typed errors mapped to problem+json in one place.
 * A handler that runs out of time is answered 503 with Retry-After (middy answers just before the Lambda's
 * timeout), as API Gateway answers an integration that timed out: never a bare 500.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import type { RouteDecl } from '#topology/types.ts';
import { assertDepth } from './bounds.ts';
import { asCaller } from './caller-api.ts';
import { AppError, ValidationError } from './errors.ts';
import { type Identity, identityFromEvent } from './identity.ts';
import { logger, metrics, tracing, withCorrelationId } from './observability.ts';
import {
  fieldErrorsFromZod,
  type Language,
  PROBLEM_CONTENT_TYPE,
  pickLanguage,
  toProblem,
  zodErrorMap,
} from './problem.ts';

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface HttpRequest<R extends RouteDecl> {
  params: Infer<R['schemas']['params']>;
  query: Infer<R['schemas']['query']>;
  headers: Record<string, string>;
  body: Infer<R['schemas']['body']>;
  /** The body exactly as received (webhooks verify signatures over it). */
  rawBody: string;
  rawQuery: string;
  identity: Identity | undefined;
  language: Language;
  sourceIp: string;
  requestId: string;
  /** Follows the work into the events it causes: the caller's `x-correlation-id`, or the request id. */
  correlationId: string;
  event: APIGatewayProxyEventV2;
}

export interface HttpResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent as is (HTML, CSV, a gateway's own format) instead of JSON. */
  rawBody?: string;
  contentType?: string;
  /** rawBody is base64 of binary content (images, files). */
  base64?: boolean;
}

export type HttpHandlerFn<R extends RouteDecl> = (req: HttpRequest<R>, context: Context) => Promise<HttpResult>;

function decodeBody(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function parsePart<T extends z.ZodType | undefined>(
  schema: T,
  value: unknown,
  where: string,
  language: Language,
  errors: { path: string; message: string }[],
): Infer<T> {
  if (!schema) return undefined as Infer<T>;
  const result = schema.safeParse(value, { error: zodErrorMap(language) });
  if (!result.success) {
    errors.push(...fieldErrorsFromZod(result.error, where));
    return undefined as Infer<T>;
  }
  return result.data as Infer<T>;
}

/** A caller-supplied correlation id is kept only when it looks like one (no log injection, bounded size). */
function correlationIdOf(headers: Record<string, string>, requestId: string): string {
  const given = headers['x-correlation-id'];
  return given && /^[A-Za-z0-9._:-]{8,128}$/.test(given) ? given : requestId;
}

function parseRequest<R extends RouteDecl>(route: R, event: APIGatewayProxyEventV2): HttpRequest<R> {
  const headers = lowerCaseHeaders(event.headers);
  const language = pickLanguage(headers['accept-language']);
  const rawBody = decodeBody(event);
  const errors: { path: string; message: string }[] = [];

  let jsonBody: unknown;
  if (route.schemas.body) {
    if (rawBody.trim() === '') {
      jsonBody = undefined;
    } else {
      const contentType = headers['content-type'] ?? 'application/json';
      if (!/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
        throw new ValidationError([{ path: 'headers.content-type', message: 'application/json' }], {
          vi: 'Nội dung yêu cầu phải là JSON (Content-Type: application/json).',
          en: 'The request body must be JSON (Content-Type: application/json).',
        });
      }
      try {
        jsonBody = JSON.parse(rawBody);
      } catch {
        throw new ValidationError([{ path: 'body', message: 'malformed JSON' }], {
          vi: 'Nội dung yêu cầu không phải JSON hợp lệ.',
          en: 'The request body is not valid JSON.',
        });
      }
      // Before anything recurses on it (validation, the idempotency hash, structuredClone).
      assertDepth(jsonBody, 'body');
    }
  }

  const params = parsePart(route.schemas.params, event.pathParameters ?? {}, 'params', language, errors);
  const query = parsePart(route.schemas.query, event.queryStringParameters ?? {}, 'query', language, errors);
  parsePart(route.schemas.headers, headers, 'headers', language, errors);
  const body = parsePart(route.schemas.body, jsonBody, 'body', language, errors);
  if (errors.length > 0) throw new ValidationError(errors);

  return {
    params: params as HttpRequest<R>['params'],
    query: query as HttpRequest<R>['query'],
    headers,
    body: body as HttpRequest<R>['body'],
    rawBody,
    rawQuery: event.rawQueryString ?? '',
    identity: identityFromEvent(event),
    language,
    sourceIp: event.requestContext?.http?.sourceIp ?? '127.0.0.1',
    requestId: event.requestContext?.requestId ?? '',
    correlationId: correlationIdOf(headers, event.requestContext?.requestId ?? ''),
    event,
  };
}

function toResponse(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  const status = result.status ?? (result.body === undefined && result.rawBody === undefined ? 204 : 200);
  const headers: Record<string, string> = { ...result.headers };
  if (result.rawBody !== undefined) {
    headers['content-type'] ??= result.contentType ?? 'text/plain; charset=utf-8';
    return { statusCode: status, headers, body: result.rawBody, isBase64Encoded: result.base64 === true };
  }
  if (result.body === undefined) return { statusCode: status, headers };
  headers['content-type'] ??= result.contentType ?? 'application/json; charset=utf-8';
  return { statusCode: status, headers, body: JSON.stringify(result.body) };
}

export function problemResponse(error: unknown, event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 {
  const language = pickLanguage(lowerCaseHeaders(event.headers)['accept-language']);
  const problem = toProblem(error, language, event.rawPath);
  if (problem.status >= 500) logger.error('request failed', { error: error as Error, path: event.rawPath });
  else logger.info('request refused', { status: problem.status, kind: problem.body.type });
  return {
    statusCode: problem.status,
    headers: { 'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`, 'content-language': language },
    body: JSON.stringify(problem.body),
  };
}

/** How long a caller is asked to wait before trying again after a 503 (the Retry-After header). */
export const BUSY_RETRY_AFTER_SECONDS = 5;
export const busyHeaders = (): Record<string, string> => ({ 'retry-after': String(BUSY_RETRY_AFTER_SECONDS) });

/** The function did not answer within its timeout: the deployed stack (middy) and the local gateway answer this. */
export class ServiceBusyError extends AppError {
  constructor() {
    super(
      503,
      'service-busy',
      { vi: 'Hệ thống đang bận', en: 'Service busy' },
      {
        vi: `Hệ thống đang bận, chưa kịp trả lời; vui lòng thử lại sau ${BUSY_RETRY_AFTER_SECONDS} giây.`,
        en: `The service is busy and did not answer in time; please try again in ${BUSY_RETRY_AFTER_SECONDS} seconds.`,
      },
    );
  }
}

/** middy's early timeout (`timeoutEarlyResponse` throws a TimeoutError of @middy/core just before Lambda's). */
function isMiddyTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'TimeoutError' &&
    (error.cause as { package?: unknown } | undefined)?.package === '@middy/core'
  );
}

/**
 * Turns middy's timeout into 503 + Retry-After. Used last, so its onError runs before the Powertools ones: it
 * sets the response without returning it, they still reset the logger keys and publish the metrics, and middy
 * answers with the response instead of rethrowing (which the Lambda service would report as a function error).
 */
const timeoutAsBusy = (): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  onError: (request) => {
    if (!isMiddyTimeout(request.error)) return;
    const response = problemResponse(new ServiceBusyError(), request.event);
    response.headers = { ...response.headers, ...busyHeaders() };
    metrics.addMetric('ServerErrors', MetricUnit.Count, 1);
    request.response = response;
  },
});

export function httpHandler<R extends RouteDecl>(route: R, fn: HttpHandlerFn<R>) {
  const base = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    let response: APIGatewayProxyStructuredResultV2;
    try {
      const request = parseRequest(route, event);
      logger.appendKeys({ route: route.id, correlationId: request.correlationId });
      response = toResponse(
        await withCorrelationId(request.correlationId, () =>
          asCaller(request.headers.authorization, () => fn(request, context)),
        ),
      );
    } catch (error) {
      response = problemResponse(error, event);
    }
    const status = response.statusCode ?? 200;
    metrics.addMetric(
      status >= 500 ? 'ServerErrors' : status >= 400 ? 'ClientErrors' : 'Requests',
      MetricUnit.Count,
      1,
    );
    return response;
  };
  return middy(base)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(tracing())
    .use(logMetrics(metrics))
    .use(timeoutAsBusy());
}

/** `If-Match: "3"`, `W/"3"` or `3` → 3. */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(value);
  return match ? Number(match[1]) : Number.NaN;
}

export const etagOf = (version: number): string => `"${version}"`;
