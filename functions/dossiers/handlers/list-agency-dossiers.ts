/** GET /agencies/{code}/dossiers — the agency's work queue by appointment date (its officials). */
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { listAgencyDossiers } from '../use-cases.ts';

export const handler = httpHandler(routes.listAgencyDossiers, async (req) => ({
  body: await listAgencyDossiers(
    requireRole(req.identity, 'officer', 'leader', 'admin'),
    req.params.code,
    req.query,
    now(),
  ),
}));
