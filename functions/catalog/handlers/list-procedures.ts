/** GET /procedures — search the published procedures (public, cacheable, paginated). */
import { httpHandler } from '#platform/http.ts';
import { DEFAULT_PAGE_SIZE } from '../api/schemas.ts';
import { routes } from '../topology.ts';
import { listProcedures } from '../use-cases.ts';

export const handler = httpHandler(routes.listProcedures, async (req) => {
  const { q, agencyCode, field, mode, cursor, limit } = req.query;
  const page = await listProcedures({ q, agencyCode, field, mode }, limit ?? DEFAULT_PAGE_SIZE, cursor);
  return { body: page, headers: { 'cache-control': 'public, max-age=60' } };
});
