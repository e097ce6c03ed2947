/** POST /payments/momo/ipn — MoMo's IPN; 204 No Content once it is logged (what it did is in the log). */
import { httpHandler } from '#platform/http.ts';
import { routes } from '../topology.ts';
import { receiveCallback } from '../use-cases/callbacks.ts';

export const handler = httpHandler(routes.momoIpn, async (req) => {
  const { answer } = await receiveCallback({
    protocol: 'momo',
    route: routes.momoIpn.id,
    method: 'POST',
    rawQuery: req.rawQuery,
    rawBody: req.rawBody,
    sourceIp: req.sourceIp,
    ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
  });
  if (answer.statusCode === 204) return { status: 204 };
  return { status: answer.statusCode, rawBody: answer.body, headers: answer.headers };
});
