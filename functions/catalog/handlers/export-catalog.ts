/** GET /catalog/exports/{kind} — agencies, or the current published procedures page by page (admin). */
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { exportCatalog } from '../use-cases.ts';

export const handler = httpHandler(routes.exportCatalog, async (req) => {
  requireRole(req.identity, 'admin');
  return { body: await exportCatalog(req.params.kind, req.query.cursor), headers: { 'cache-control': 'no-store' } };
});
