/**
 * The local HTTP gateway: what API Gateway (HTTP API, payload format 2.0) does on AWS. It matches the
 * topology's routes, enforces each route's authorizer exactly as declared (JWT signature, issuer, audience,
 * expiry), builds the v2 event with the verified claims, and calls the same handler code as Lambda.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { IssuerKind } from '#platform/identity.ts';
import { bearerToken, TokenRejected, type TokenVerifier } from '#platform/jwt.ts';
import type { FunctionDecl, RouteAuth, RouteDecl } from '#topology/types.ts';
import type { LocalLambdas } from './lambda.ts';

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

export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { compiled: CompiledRoute; params: Record<string, string> } | 'method-not-allowed' | undefined {
  let pathMatched = false;
  const candidates = routes
    .map((compiled) => ({ compiled, match: compiled.pattern.exec(path) }))
    .filter((c) => c.match)
    .sort((a, b) => b.compiled.specificity - a.compiled.specificity);
  for (const { compiled, match } of candidates) {
    pathMatched = true;
    if (compiled.route.method !== method) continue;
    const params: Record<string, string> = {};
    compiled.paramNames.forEach((name, i) => {
      params[name] = decodeURIComponent(match![i + 1]!);
    });
    return { compiled, params };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}

const ACCEPTED_ISSUERS: Record<RouteAuth, readonly IssuerKind[]> = {
  public: [],
  webhook: [],
  citizen: ['citizen'],
  official: ['official'],
  user: ['citizen', 'official'],
};

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const limit = (req.url ?? '').startsWith('/local-s3/') ? MAX_S3_BODY_BYTES : MAX_BODY_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('payload too large');
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
  if (matched === 'method-not-allowed') {
    sendJson(res, 404, { message: 'Not Found' });
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
      sendJson(res, 401, { message: 'Unauthorized' });
      return true;
    }
    try {
      claims = await options.verify(token, accepted);
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      sendJson(res, 401, { message: 'Unauthorized' });
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

  const result = (await options.lambdas.invoke(compiled.fn, event)) as APIGatewayProxyStructuredResultV2 | undefined;
  const status = result?.statusCode ?? 200;
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(result?.headers ?? {})) outHeaders[k] = String(v);
  const payload =
    result?.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(status, outHeaders);
  res.end(payload);
  return true;
}
