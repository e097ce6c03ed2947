/** GET /payments/vnpay/return — the payer's browser back from VNPay (or the sandbox): the outcome, no change. */
import { httpHandler } from '#platform/http.ts';
import { provinceFromEnv } from '#platform/province.ts';
import { returnPage } from '../api/pages.ts';
import { routes } from '../topology.ts';
import { describeReturn } from '../use-cases/callbacks.ts';

export const handler = httpHandler(routes.vnpayReturn, async (req) =>
  returnPage(await describeReturn('vnpay', req.rawQuery), provinceFromEnv().portalUrl),
);
