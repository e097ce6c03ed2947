/** GET /me/dossiers — the citizen's own dossiers, newest first. */
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { listMyDossiers } from '../use-cases.ts';

export const handler = httpHandler(routes.listMyDossiers, async (req) => ({
  body: await listMyDossiers(requireRole(req.identity, 'citizen'), req.query, now()),
}));
