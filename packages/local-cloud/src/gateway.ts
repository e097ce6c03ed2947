/**
 * The local HTTP gateway: what API Gateway (HTTP API, payload format 2.0) does on AWS. It matches the
 * topology's routes, enforces each route's authorizer exactly as declared (JWT signature, issuer, audience,
 * expiry), builds the v2 event with the verified claims, and calls the same handler code as Lambda.
 * What API Gateway answers when the integration fails, it answers too, as problem+json: 503 + Retry-After when
 * the function timed out, 502 when it crashed (threw past its own error handling) or returned no valid
 * payload-2.0 result. Never a bare 500.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, NotFoundError, UnauthorizedError, ValidationError } from '#platform/errors.ts';
import { busyHeaders, ServiceBusyError } from '#platform/http.ts';
import type { IssuerKind } from '#platform/identity.ts';
import { bearerToken, TokenRejected, type TokenVerifier } from '#platform/jwt.ts';
import { PROBLEM_CONTENT_TYPE, pickLanguage, toProblem } from '#platform/problem.ts';
import type { FunctionDecl, RouteAuth, RouteDecl } from '#topology/types.ts';
import { FunctionTimedOutError, type LocalLambdas } from './lambda.ts';

/** API Gateway's payload limit; uploads to the local S3 front may be larger (documents go up to 20 MB). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_S3_BODY_BYTES = 25 * 1024 * 1024;

export interface CompiledRoute {
  route: RouteDecl;
  fn: FunctionDecl;
  pattern: RegExp;
  paramNames: string[];
  /** Literal segments count: more specific routes win, as in API Gateway. */
  specificity: number;
}

export function compileRoute(route: RouteDecl, fn: FunctionDecl): CompiledRoute {
  const paramNames: string[] = [];
  let specificity = 0;
  const source = route.path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy) {
        paramNames.push(greedy[1]!);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        paramNames.push(param[1]!);
        return '([^/]+)';
      }
      specificity += 1;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, fn, pattern: new RegExp(`^${source}$`), paramNames, specificity };
}

export type RouteMatch =
  | { compiled: CompiledRoute; params: Record<string, string> }
  | { methodNotAllowed: string[] }
  | { badEscape: string }
  | undefined;

/** `%E0%A4%A` is no UTF-8: API Gateway answers 400 for such a path, never the handler. */
function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export function matchRoute(routes: CompiledRoute[], method: string, path: string): RouteMatch {
  const candidates = routes
    .map((compiled) => ({ compiled, match: compiled.pattern.exec(path) }))
    .filter((c) => c.match)
    .sort((a, b) => b.compiled.specificity - a.compiled.specificity);
  for (const { compiled, match } of candidates) {
    if (compiled.route.method !== method) continue;
    const params: Record<string, string> = {};
    for (const [i, name] of compiled.paramNames.entries()) {
      const raw = match![i + 1]!;
      const decoded = decodeSegment(raw);
      if (decoded === undefined) return { badEscape: raw };
      params[name] = decoded;
    }
    return { compiled, params };
  }
  if (candidates.length === 0) return undefined;
  return { methodNotAllowed: [...new Set(candidates.map((c) => c.compiled.route.method))].sort() };
}

/** What API Gateway would answer itself (no route, bad token, wrong method), as problem+json like the rest. */
export function sendProblem(
  res: ServerResponse,
  req: IncomingMessage,
  error: AppError,
  headers: Record<string, string> = {},
): void {
  const language = pickLanguage(String(req.headers['accept-language'] ?? ''));
  let instance: string | undefined;
  try {
    instance = new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    instance = undefined;
  }
  const problem = toProblem(error, language, instance);
  res.writeHead(problem.status, {
    'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    'content-language': language,
    ...headers,
  });
  res.end(JSON.stringify(problem.body));
}

export class MethodNotAllowedError extends AppError {
  constructor(method: string, allowed: string[]) {
    super(
      405,
      'method-not-allowed',
      { vi: 'Phương thức không được hỗ trợ', en: 'Method not allowed' },
      {
        vi: `Địa chỉ này không nhận phương thức ${method}; chỉ nhận: ${allowed.join(', ')}.`,
        en: `This address does not accept ${method}; it accepts: ${allowed.join(', ')}.`,
      },
      { allowed },
    );
  }
}

export const routeNotFound = (): NotFoundError =>
  new NotFoundError({
    vi: 'Không có địa chỉ API này. Danh sách địa chỉ: /openapi.json.',
    en: 'There is no such API address. The list of addresses: /openapi.json.',
  });

export const badPathEscape = (raw: string): ValidationError =>
  new ValidationError([{ path: 'path', message: raw }], {
    vi: 'Đường dẫn có mã % không hợp lệ (không phải UTF-8).',
    en: 'The path has an invalid % escape (not UTF-8).',
  });

/** The function crashed or answered something API Gateway cannot turn into a response (502 on AWS too). */
export class BadGatewayError extends AppError {
  constructor() {
    super(
      502,
      'bad-gateway',
      { vi: 'Lỗi dịch vụ xử lý', en: 'Bad gateway' },
      {
        vi: 'Dịch vụ xử lý yêu cầu gặp sự cố và không trả lời hợp lệ. Vui lòng thử lại sau; nếu vẫn lỗi, hãy báo cho bộ phận hỗ trợ.',
        en: 'The service handling the request failed and gave no valid answer. Please try again later; if it keeps failing, tell the help desk.',
      },
    );
  }
}

/**
 * A payload-2.0 result API Gateway accepts, or why not. Stricter than AWS on one point: AWS reads a result without
 * `statusCode` as a 200 JSON body, but every route here answers through httpHandler, so such a result is a bug.
 */
export function invalidResult(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return `not an object (${typeof result})`;
  const { statusCode, headers, body, isBase64Encoded, cookies } = result as Record<string, unknown>;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return `statusCode ${JSON.stringify(statusCode)} is not an HTTP status`;
  }
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return 'headers is not an object';
    for (const [name, value] of Object.entries(headers)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) return `header ${name} is not a string`;
    }
  }
  if (body !== undefined && typeof body !== 'string') return `body is a ${typeof body}, not a string`;
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean') return 'isBase64Encoded is not a boolean';
  if (cookies !== undefined && !(Array.isArray(cookies) && cookies.every((c) => typeof c === 'string'))) {
    return 'cookies is not a list of strings';
  }
  return undefined;
}

const ACCEPTED_ISSUERS: Record<RouteAuth, readonly IssuerKind[]> = {
  public: [],
  webhook: [],
  citizen: ['citizen'],
  official: ['official'],
  user: ['citizen', 'official'],
};

export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super(
      413,
      'payload-too-large',
      { vi: 'Nội dung quá lớn', en: 'Payload too large' },
      {
        vi: `Nội dung yêu cầu vượt quá ${Math.round(limit / 1024 / 1024)} MB.`,
        en: `The request body is larger than ${Math.round(limit / 1024 / 1024)} MB.`,
      },
    );
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const limit = (req.url ?? '').startsWith('/local-s3/') ? MAX_S3_BODY_BYTES : MAX_BODY_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new PayloadTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return true;
  return /^(text\/|application\/(json|problem\+json|x-www-form-urlencoded|xml|javascript))|\+json/i.test(contentType);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export interface GatewayOptions {
  routes: CompiledRoute[];
  lambdas: LocalLambdas;
  verify: TokenVerifier;
  /** Where a failed integration (timeout, crash, malformed result) is reported; lines start with `gateway: `. */
  log?: (line: string) => void;
}

/** Handles one request for a topology route; returns false when no route matched. */
export async function handleApiRequest(
  options: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): Promise<boolean> {
  const method = (req.method ?? 'GET').toUpperCase();
  const matched = matchRoute(options.routes, method, url.pathname);
  if (matched === undefined) return false;
  if ('methodNotAllowed' in matched) {
    sendProblem(res, req, new MethodNotAllowedError(method, matched.methodNotAllowed), {
      allow: matched.methodNotAllowed.join(', '),
    });
    return true;
  }
  if ('badEscape' in matched) {
    sendProblem(res, req, badPathEscape(matched.badEscape));
    return true;
  }
  const { compiled, params } = matched;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }

  let claims: Record<string, unknown> | undefined;
  const accepted = ACCEPTED_ISSUERS[compiled.route.auth];
  if (accepted.length > 0) {
    const token = bearerToken(headers.authorization);
    if (!token) {
      sendProblem(res, req, new UnauthorizedError(), { 'www-authenticate': 'Bearer' });
      return true;
    }
    try {
      claims = await options.verify(token, accepted);
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      sendProblem(
        res,
        req,
        new UnauthorizedError({
          vi: 'Mã truy cập không hợp lệ, đã hết hạn hoặc không dùng được cho địa chỉ này.',
          en: 'The access token is invalid, expired or not accepted on this address.',
        }),
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
      return true;
    }
  }

  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const textual = isTextual(headers['content-type']);
  const now = new Date();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: `${compiled.route.method} ${compiled.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.startsWith('?') ? url.search.slice(1) : url.search,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${compiled.route.method} ${compiled.route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims: claims as Record<string, string>, scopes: [] } } } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(body.length > 0
      ? { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual }
      : { isBase64Encoded: false }),
  };

  const log = options.log ?? ((line: string) => console.error(line));
  let answer: unknown;
  try {
    answer = await options.lambdas.invoke(compiled.fn, event);
  } catch (error) {
    if (error instanceof FunctionTimedOutError) {
      log(`gateway: ${method} ${url.pathname}: ${error.message} (503)`);
      sendProblem(res, req, new ServiceBusyError(), busyHeaders());
    } else {
      log(`gateway: ${method} ${url.pathname}: ${compiled.fn.name} failed (502): ${(error as Error)?.stack ?? error}`);
      sendProblem(res, req, new BadGatewayError());
    }
    return true;
  }
  const invalid = invalidResult(answer);
  if (invalid) {
    log(`gateway: ${method} ${url.pathname}: ${compiled.fn.name} returned no valid response (502): ${invalid}`);
    sendProblem(res, req, new BadGatewayError());
    return true;
  }
  const result = answer as APIGatewayProxyStructuredResultV2;
  const status = result.statusCode!;
  const outHeaders: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) outHeaders[k] = String(v);
  if (result.cookies && result.cookies.length > 0) outHeaders['set-cookie'] = result.cookies;
  const payload =
    result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(status, outHeaders);
  res.end(payload);
  return true;
}
