/** GET /documents/{id} — metadata, for its owner or the officials handling a dossier that carries it. */
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { readDocument } from '../use-cases.ts';

export const handler = httpHandler(routes.getDocument, async (req) => {
  const who = requireRole(req.identity, 'citizen', 'officer', 'leader');
  return { body: await readDocument(who, req.params.id, now()), headers: { 'cache-control': 'no-store' } };
});
