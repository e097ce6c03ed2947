/** The admin's mapping routes: PUT/GET /portal/mappings, GET /portal/national-catalog/unmapped and /agencies. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { listMappings, mapProcedure, nationalAgencies, unmappedNational } from '../use-cases/mappings.ts';

const put = httpHandler(routes.putMapping, async (req) => {
  const who = requireRole(req.identity, 'admin');
  return { body: await mapProcedure(who, req.params.procedureCode, req.body.nationalCode, now()) };
});

const list = httpHandler(routes.listMappings, async (req) => {
  requireRole(req.identity, 'admin');
  return { body: { items: await listMappings(req.query.unmapped === 'true') } };
});

const unmapped = httpHandler(routes.listUnmappedNational, async (req) => {
  requireRole(req.identity, 'admin');
  return { body: await unmappedNational() };
});

const agencies = httpHandler(routes.listNationalAgencies, async (req) => {
  requireRole(req.identity, 'admin');
  return { body: { items: await nationalAgencies() } };
});

const byRoute = new Map([
  [`${routes.putMapping.method} ${routes.putMapping.path}`, put],
  [`${routes.listMappings.method} ${routes.listMappings.path}`, list],
  [`${routes.listUnmappedNational.method} ${routes.listUnmappedNational.path}`, unmapped],
  [`${routes.listNationalAgencies.method} ${routes.listNationalAgencies.path}`, agencies],
]);

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> => {
  const route = byRoute.get(event.routeKey);
  if (!route) return { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) };
  return route(event, context);
};
