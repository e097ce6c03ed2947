/** GET /payments/reconciliation?date= — a day's reconciliation: runs, totals by gateway, findings (admins). */
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { reconciliationReport } from '../use-cases/reconciliation.ts';

export const handler = httpHandler(routes.getReconciliation, async (req) => {
  requireRole(req.identity, 'admin');
  return { body: await reconciliationReport(req.query.date), headers: { 'cache-control': 'no-store' } };
});
