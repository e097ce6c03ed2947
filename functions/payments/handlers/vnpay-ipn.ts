/** GET /payments/vnpay/ipn — VNPay's (and the local sandbox's) IPN; always 200 {RspCode, Message}. */
import { httpHandler } from '#platform/http.ts';
import { routes } from '../topology.ts';
import { receiveCallback } from '../use-cases/callbacks.ts';

export const handler = httpHandler(routes.vnpayIpn, async (req) => {
  const { answer } = await receiveCallback({
    protocol: 'vnpay',
    route: routes.vnpayIpn.id,
    method: 'GET',
    rawQuery: req.rawQuery,
    rawBody: req.rawBody,
    sourceIp: req.sourceIp,
    ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
  });
  return { status: answer.statusCode, rawBody: answer.body, contentType: answer.headers['content-type'] };
});
