/**
 * Functions for test/integration/local-cloud/timeouts.test.ts (added to the local cloud with `extraTopologies`):
 * a middy (httpHandler) route that never answers and one that answers at once, and plain handlers, outside any
 * middy stack, that never answer, throw, or return what is no API Gateway payload-2.0 result. Each function has
 * a timeout of half a second, so running out of time takes no longer than that.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { httpHandler } from '#platform/http.ts';
import type { ContextTopology, RouteDecl } from '#topology/types.ts';

export const TIMEOUT_SECONDS = 0.5;

const route = (id: string, path: string, fn: string): RouteDecl => ({
  id,
  method: 'GET',
  path,
  function: fn,
  auth: 'public',
  summary: 'timeouts test',
  tags: ['test'],
  schemas: {},
});

export const timeoutRoutes = {
  middyHang: route('testMiddyHang', '/test-timeouts/middy/hang', 'test-timeouts-middy'),
  middyQuick: route('testMiddyQuick', '/test-timeouts/middy/quick', 'test-timeouts-middy'),
  rawHang: route('testRawHang', '/test-timeouts/raw/hang', 'test-timeouts-raw'),
  rawThrow: route('testRawThrow', '/test-timeouts/raw/throw', 'test-timeouts-raw'),
  rawMalformed: route('testRawMalformed', '/test-timeouts/raw/malformed', 'test-timeouts-raw'),
  rawNothing: route('testRawNothing', '/test-timeouts/raw/nothing', 'test-timeouts-raw'),
} as const;

const entry = 'test/integration/local-cloud/timeouts.fixture.ts';
export const timeoutsTopology: ContextTopology = {
  context: 'platform',
  tables: [],
  buckets: [],
  functions: [
    { name: 'test-timeouts-middy', entry, kind: 'http', timeoutSeconds: TIMEOUT_SECONDS },
    { name: 'test-timeouts-raw', entry, kind: 'http', timeoutSeconds: TIMEOUT_SECONDS },
  ],
  routes: Object.values(timeoutRoutes),
  consumers: [],
  schedules: [],
};

const never = () => new Promise<never>(() => undefined);

export const middyHang = httpHandler(timeoutRoutes.middyHang, never);
const middyQuick = httpHandler(timeoutRoutes.middyQuick, async () => ({ body: { ok: true } }));

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> => {
  switch (event.routeKey) {
    case 'GET /test-timeouts/middy/hang':
      return middyHang(event, context);
    case 'GET /test-timeouts/middy/quick':
      return middyQuick(event, context);
    case 'GET /test-timeouts/raw/hang':
      return never();
    case 'GET /test-timeouts/raw/throw':
      throw new Error('crashed outside the middy stack');
    case 'GET /test-timeouts/raw/malformed':
      return { statusCode: 'soon', body: { not: 'a string' } };
    default:
      return undefined;
  }
};
