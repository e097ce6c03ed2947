/** GET /payments/momo/return — the payer's browser back from MoMo: the outcome, no change. */
import { httpHandler } from '#platform/http.ts';
import { provinceFromEnv } from '#platform/province.ts';
import { returnPage } from '../api/pages.ts';
import { routes } from '../topology.ts';
import { describeReturn } from '../use-cases/callbacks.ts';

export const handler = httpHandler(routes.momoReturn, async (req) =>
  returnPage(await describeReturn('momo', req.rawQuery), provinceFromEnv().portalUrl),
);
