/** POST /payments — the owner pays a dossier's outstanding fees; answers where to send the payer. */
import { httpHandler } from '#platform/http.ts';
import { requireIdempotencyKey } from '#platform/idempotency.ts';
import { requireRole } from '#platform/identity.ts';
import type { CreatedPayment } from '../api/schemas.ts';
import { routes } from '../topology.ts';
import { createPayment } from '../use-cases/create.ts';

export const handler = httpHandler(routes.createPayment, async (req) => {
  const payer = requireRole(req.identity, 'citizen');
  const idempotencyKey = requireIdempotencyKey(req.headers['idempotency-key']);
  const result = await createPayment({
    body: req.body,
    payer,
    idempotencyKey,
    language: req.language,
    payerIp: req.sourceIp,
  });
  const created = result.body as CreatedPayment;
  return {
    status: result.status,
    body: created,
    headers: {
      location: `/payments/${created.paymentId}`,
      ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
    },
  };
});
