/** GET /dossiers/{code}/payments — every payment of a dossier, online and at the desk (owner or its officials). */
import { httpHandler } from '#platform/http.ts';
import { requireIdentity } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { dossierPayments } from '../use-cases/queries.ts';

export const handler = httpHandler(routes.listDossierPayments, async (req) => ({
  body: await dossierPayments(requireIdentity(req.identity), req.params.code),
  headers: { 'cache-control': 'no-store' },
}));
