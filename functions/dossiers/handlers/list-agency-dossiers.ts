/**
 * An agency's queue (its officials, leaders above it, admins): GET /agencies/{code}/dossiers (by appointment
 * date) and GET /agencies/{code}/dossiers/counts (per status, the whole queue). One function serves both.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { agencyStatusCounts, listAgencyDossiers } from '../use-cases.ts';

const list = httpHandler(routes.listAgencyDossiers, async (req) => ({
  body: await listAgencyDossiers(
    requireRole(req.identity, 'officer', 'leader', 'admin'),
    req.params.code,
    req.query,
    now(),
  ),
}));

const counts = httpHandler(routes.countAgencyDossiers, async (req) => ({
  body: await agencyStatusCounts(requireRole(req.identity, 'officer', 'leader', 'admin'), req.params.code),
}));

const byRoute = new Map<string, (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>>([
  [`${routes.listAgencyDossiers.method} ${routes.listAgencyDossiers.path}`, list],
  [`${routes.countAgencyDossiers.method} ${routes.countAgencyDossiers.path}`, counts],
]);

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> => {
  const route = byRoute.get(event.routeKey);
  if (!route) return { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) };
  return route(event, context);
};
