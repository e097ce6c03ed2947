/** GET /me/documents — the citizen's store: verified, digitized and result documents, newest first. */
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { DEFAULT_PAGE_SIZE } from '../api/schemas.ts';
import { routes } from '../topology.ts';
import { listMyDocuments } from '../use-cases.ts';

export const handler = httpHandler(routes.listMyDocuments, async (req) => {
  const citizen = requireRole(req.identity, 'citizen');
  return { body: await listMyDocuments(citizen.sub, req.query.limit ?? DEFAULT_PAGE_SIZE, req.query.cursor) };
});
