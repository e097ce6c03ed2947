/** GET /documents/{id}/accesses — who read the document and when (its owner only). */
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { DEFAULT_PAGE_SIZE } from '../api/schemas.ts';
import { routes } from '../topology.ts';
import { listAccesses } from '../use-cases.ts';

export const handler = httpHandler(routes.listDocumentAccesses, async (req) => {
  const who = requireRole(req.identity, 'citizen', 'officer', 'leader');
  return { body: await listAccesses(who, req.params.id, req.query.limit ?? DEFAULT_PAGE_SIZE, req.query.cursor) };
});
