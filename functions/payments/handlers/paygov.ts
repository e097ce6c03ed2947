/**
 * The national payment platform's calls: POST /payments/paygov/bills (look a bill up by its lookup code) and
 * POST /payments/paygov/confirm (a payment of a bill went through, or failed). One function serves both; each
 * is always answered 200 in the platform's own terms.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { httpHandler } from '#platform/http.ts';
import { answerBillLookup } from '../bills.ts';
import { routes } from '../topology.ts';
import { receiveCallback } from '../use-cases/callbacks.ts';

const bills = httpHandler(routes.paygovBill, async (req) => {
  const answer = await answerBillLookup({
    route: routes.paygovBill.id,
    rawBody: req.rawBody,
    sourceIp: req.sourceIp,
    ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
  });
  return { status: answer.statusCode, rawBody: answer.body, contentType: answer.headers['content-type'] };
});

const confirm = httpHandler(routes.paygovConfirm, async (req) => {
  const { answer } = await receiveCallback({
    protocol: 'paygov',
    route: routes.paygovConfirm.id,
    method: 'POST',
    rawQuery: req.rawQuery,
    rawBody: req.rawBody,
    sourceIp: req.sourceIp,
    ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
  });
  return { status: answer.statusCode, rawBody: answer.body, contentType: answer.headers['content-type'] };
});

const byRoute = new Map<string, (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>>([
  [`${routes.paygovBill.method} ${routes.paygovBill.path}`, bills],
  [`${routes.paygovConfirm.method} ${routes.paygovConfirm.path}`, confirm],
]);

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> => {
  const route = byRoute.get(event.routeKey);
  if (!route) return { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) };
  return route(event, context);
};
