/** POST /documents/{id}/complete — verify the uploaded file (the uploader only). */
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { completeUpload } from '../use-cases.ts';

export const handler = httpHandler(routes.completeDocument, async (req) => {
  const who = requireRole(req.identity, 'citizen', 'officer', 'leader');
  return { body: await completeUpload(who, req.params.id, now()) };
});
