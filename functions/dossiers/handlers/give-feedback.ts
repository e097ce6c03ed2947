/** POST /dossiers/{code}/feedback — the owner rates the service once the result was returned. */
import { now } from '#platform/clock.ts';
import { etagOf, httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { giveFeedback } from '../use-cases.ts';

export const handler = httpHandler(routes.giveFeedback, async (req) => {
  const result = await giveFeedback(
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
