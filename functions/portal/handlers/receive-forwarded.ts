/**
 * POST /portal/dvcqg/dossiers and POST /portal/dvcqg/supplements — the national portal's doors into the province:
 * a forwarded dossier, and a supplementation round the citizen answered on the portal. The credential is checked
 * before the body is even read; nothing changes without it.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requirePortalCredential } from '../credential.ts';
import { routes } from '../topology.ts';
import { parseForwardedRecord, receiveForwarded } from '../use-cases/intake.ts';
import { parseSupplementRecord, receiveSupplement } from '../use-cases/supplements.ts';

const dossier = httpHandler(routes.receiveForwarded, async (req) => {
  await requirePortalCredential(req.headers.authorization);
  const outcome = await receiveForwarded(parseForwardedRecord(req.body), 'push', now());
  return { status: outcome.status, body: outcome.answer };
});

const supplement = httpHandler(routes.receiveSupplement, async (req) => {
  await requirePortalCredential(req.headers.authorization);
  const outcome = await receiveSupplement(parseSupplementRecord(req.body), 'push', now());
  return { status: outcome.status, body: outcome.answer };
});

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> =>
  event.routeKey === `${routes.receiveSupplement.method} ${routes.receiveSupplement.path}`
    ? supplement(event, context)
    : dossier(event, context);
