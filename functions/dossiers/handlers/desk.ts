/**
 * The one-stop desk's reads (officials of that agency): GET /agencies/{code}/desk?date= (the day) and
 * GET /agencies/{code}/tracking-book?from=&to=&format=csv|pdf (sổ theo dõi hồ sơ). One function serves both.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { deskDay, trackingBook } from '../counter/desk.ts';
import { routes } from '../topology.ts';

const day = httpHandler(routes.getDeskDay, async (req) => ({
  body: await deskDay(requireRole(req.identity, 'officer', 'leader', 'admin'), req.params.code, req.query.date, now()),
}));

const book = httpHandler(routes.getTrackingBook, async (req) => {
  const who = requireRole(req.identity, 'officer', 'leader', 'admin');
  const result = await trackingBook(who, req.params.code, req.query, now());
  return {
    rawBody: result.body,
    base64: result.base64,
    contentType: result.contentType,
    headers: {
      'content-disposition': `attachment; filename="${result.fileName}"`,
      'cache-control': 'private, no-store',
    },
  };
});

const byRoute = new Map<string, (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>>([
  [`${routes.getDeskDay.method} ${routes.getDeskDay.path}`, day],
  [`${routes.getTrackingBook.method} ${routes.getTrackingBook.path}`, book],
]);

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> => {
  const route = byRoute.get(event.routeKey);
  if (!route) return { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) };
  return route(event, context);
};
