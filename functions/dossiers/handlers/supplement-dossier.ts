/** POST /dossiers/{code}/supplement — the owner supplements after the agency asked. */
import { now } from '#platform/clock.ts';
import { etagOf, httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { supplementDossier } from '../use-cases.ts';

export const handler = httpHandler(routes.supplementDossier, async (req) => {
  const result = await supplementDossier(
    {
      identity: requireRole(req.identity, 'citizen'),
      code: req.params.code,
      ifMatch: req.headers['if-match'],
      language: req.language,
      at: now(),
      correlationId: req.requestId,
    },
    req.body,
  );
  return { body: result.view, headers: { etag: etagOf(result.version) } };
});
