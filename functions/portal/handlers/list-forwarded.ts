/** GET /portal/forwarded (the needs-attention list by default) and GET /portal/forwarded/{nationalId}. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { getForwarded, listForwarded } from '../use-cases/officials.ts';

const list = httpHandler(routes.listForwarded, async (req) => {
  const who = requireRole(req.identity, 'officer', 'leader', 'admin');
  return { body: { items: await listForwarded(who, req.query.status, req.query.limit) } };
});

const one = httpHandler(routes.getForwarded, async (req) => {
  const who = requireRole(req.identity, 'officer', 'leader', 'admin');
  return { body: await getForwarded(who, req.params.nationalId) };
});

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> =>
  event.routeKey === `${routes.getForwarded.method} ${routes.getForwarded.path}`
    ? one(event, context)
    : list(event, context);
