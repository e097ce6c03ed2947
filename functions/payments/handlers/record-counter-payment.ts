/**
 * POST /dossiers/{code}/payments/counter — an official records the fees the applicant paid at the desk (cash,
 * or a card on the desk's terminal): a paid payment with its receipt number, in one write with its event.
 */
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import type { PaymentView } from '../api/schemas.ts';
import { routes } from '../topology.ts';
import { recordCounterPayment } from '../use-cases/counter.ts';

export const handler = httpHandler(routes.recordCounterPayment, async (req) => {
  const official = requireRole(req.identity, 'officer', 'leader');
  const result = await recordCounterPayment({
    dossierCode: req.params.code,
    body: req.body,
    official,
    ifMatch: req.headers['if-match'],
    idempotencyKey: req.headers['idempotency-key'],
  });
  const payment = result.body as PaymentView;
  return {
    status: result.status,
    body: payment,
    headers: {
      location: `/payments/${payment.paymentId}`,
      ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
    },
  };
});
