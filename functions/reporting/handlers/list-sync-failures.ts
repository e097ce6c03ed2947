/** GET /sync/failures — pushes to the national portal that are failing and being retried (admins). */
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { listFailingSync } from '../store/sync.ts';
import { routes } from '../topology.ts';
import { syncStatusView } from '../use-cases/sync.ts';

export const handler = httpHandler(routes.listSyncFailures, async (req) => {
  requireRole(req.identity, 'admin');
  const page = await listFailingSync(req.query.limit ?? 50, req.query.cursor);
  return {
    body: { items: page.items.map(syncStatusView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
    headers: { 'cache-control': 'private, no-store' },
  };
});
