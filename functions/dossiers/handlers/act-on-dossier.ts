/** POST /dossiers/{code}/actions — an official's lifecycle action (If-Match required). */
import { now } from '#platform/clock.ts';
import { etagOf, httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { actOnDossier } from '../use-cases.ts';

export const handler = httpHandler(routes.actOnDossier, async (req) => {
  const result = await actOnDossier({
    identity: requireRole(req.identity, 'officer', 'leader', 'admin'),
    code: req.params.code,
    action: req.body,
    ifMatch: req.headers['if-match'],
    language: req.language,
    at: now(),
    correlationId: req.requestId,
  });
  return { body: result.view, headers: { etag: etagOf(result.version) } };
});
