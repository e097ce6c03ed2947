/** GET /payments/{paymentId}/receipt — the electronic receipt, as JSON or a printable page. */
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { requireIdentity } from '#platform/identity.ts';
import { provinceFromEnv } from '#platform/province.ts';
import { receiptPage } from '../api/pages.ts';
import { routes } from '../topology.ts';
import { paymentFor, receiptView } from '../use-cases/queries.ts';

export const handler = httpHandler(routes.getReceipt, async (req) => {
  const payment = await paymentFor(requireIdentity(req.identity), req.params.paymentId);
  const receipt = receiptView(payment);
  if (!receipt) {
    throw new NotFoundError({
      vi: 'Khoản thanh toán chưa có biên lai (chưa thanh toán).',
      en: 'The payment has no receipt (it is not paid).',
    });
  }
  if (req.query.format === 'html') return receiptPage(receipt, provinceFromEnv().code);
  return { body: receipt, headers: { 'cache-control': 'no-store' } };
});
