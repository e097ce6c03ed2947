/** GET /payments/{paymentId}/callbacks — the raw callback log of a payment (admins). */
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { paymentCallbacks } from '../use-cases/queries.ts';

export const handler = httpHandler(routes.listCallbacks, async (req) => {
  requireRole(req.identity, 'admin');
  return { body: await paymentCallbacks(req.params.paymentId), headers: { 'cache-control': 'no-store' } };
});
