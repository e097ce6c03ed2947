/** GET /payments/{paymentId} — the payment with its receipt (the payer, or officials of the dossier's agency). */
import { etagOf, httpHandler } from '#platform/http.ts';
import { requireIdentity } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { paymentFor, paymentView } from '../use-cases/queries.ts';

export const handler = httpHandler(routes.getPayment, async (req) => {
  const payment = await paymentFor(requireIdentity(req.identity), req.params.paymentId);
  return { body: paymentView(payment), headers: { etag: etagOf(payment.version), 'cache-control': 'no-store' } };
});
