/** POST /dossiers/{code}/withdraw — the owner withdraws the dossier. */
import { now } from '#platform/clock.ts';
import { etagOf, httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { withdrawDossier } from '../use-cases.ts';

export const handler = httpHandler(routes.withdrawDossier, async (req) => {
  const result = await withdrawDossier(
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
