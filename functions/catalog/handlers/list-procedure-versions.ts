/** GET /procedures/{code}/versions — a procedure's versions, newest first, paginated (admin). */
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { DEFAULT_PAGE_SIZE } from '../api/schemas.ts';
import { routes } from '../topology.ts';
import { listProcedureVersions } from '../use-cases.ts';

export const handler = httpHandler(routes.listProcedureVersions, async (req) => {
  requireRole(req.identity, 'admin');
  const { cursor, limit } = req.query;
  const page = await listProcedureVersions(req.params.code, limit ?? DEFAULT_PAGE_SIZE, cursor);
  // Who published what is for admins, and a publication changes the list at once: never from a cache.
  return { body: page, headers: { 'cache-control': 'no-store' } };
});
