/** POST /dossiers/{code}/actions — an official's lifecycle action (If-Match required). */
import { now } from '#platform/clock.ts';
import { etagOf, httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { returnResult } from '../counter/returns.ts';
import { routes } from '../topology.ts';
import { type ActionInput, actOnDossier } from '../use-cases.ts';

export const handler = httpHandler(routes.actOnDossier, async (req) => {
  const action = req.body;
  // Returning the result may hand it to the post first (counter/returns.ts); every other action is the plain one.
  const act = (input: ActionInput) =>
    action.type === 'return-result' ? returnResult({ ...input, action }) : actOnDossier(input);
  const result = await act({
    identity: requireRole(req.identity, 'officer', 'leader', 'admin'),
    code: req.params.code,
    action,
    ifMatch: req.headers['if-match'],
    language: req.language,
    at: now(),
    correlationId: req.requestId,
  });
  return { body: result.view, headers: { etag: etagOf(result.version) } };
});
