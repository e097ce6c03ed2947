/** POST /portal/forwarded/{nationalId}/retry and /reject — officials act on a held forwarded dossier. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { rejectForwarded, retryForwarded } from '../use-cases/officials.ts';

const retry = httpHandler(routes.retryForwarded, async (req) => {
  const who = requireRole(req.identity, 'officer', 'leader', 'admin');
  return { body: await retryForwarded(who, req.params.nationalId, now()) };
});

const reject = httpHandler(routes.rejectForwarded, async (req) => {
  const who = requireRole(req.identity, 'officer', 'leader', 'admin');
  return { body: await rejectForwarded(who, req.params.nationalId, req.body.reason, now()) };
});

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> =>
  event.routeKey === `${routes.rejectForwarded.method} ${routes.rejectForwarded.path}`
    ? reject(event, context)
    : retry(event, context);
