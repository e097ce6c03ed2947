/**
 * Local only: the sandbox gateway's pages — GET /dev/gateway/ (index), GET /dev/gateway/checkout (the payment
 * page VNPay's vpcpay.html stands for) and POST /dev/gateway/checkout (the payer's choice: the signed IPN goes
 * to the API over HTTP, then the browser to the return URL). One function serves the three routes.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { isLocal } from '#platform/env.ts';
import { NotFoundError } from '#platform/errors.ts';
import { type HttpRequest, httpHandler } from '#platform/http.ts';
import { checkoutPage, checkoutRefusedPage, sandboxIndexPage } from '../api/pages.ts';
import { checkoutChoiceSchema } from '../api/schemas.ts';
import { gatewayRegistry, sandboxSettings } from '../gateways.ts';
import { routes } from '../topology.ts';
import { pendingPayments, readCheckout, submitCheckout } from '../use-cases/sandbox.ts';

function localOnly(): void {
  if (!isLocal()) throw new NotFoundError({ vi: 'Không tìm thấy.', en: 'Not found.' });
}

const index = httpHandler(routes.devGatewayIndex, async (req) => {
  localOnly();
  const registry = await gatewayRegistry();
  const momoOrderId = new URLSearchParams(req.rawQuery).get('momoOrderId') ?? undefined;
  return sandboxIndexPage({
    sandboxMerchant: sandboxSettings().tmnCode,
    ...(registry.has('vnpay') ? { vnpayMerchant: registry.get('vnpay').merchantCode } : {}),
    ...(registry.has('momo') ? { momoPartner: registry.get('momo').merchantCode } : {}),
    pending: await pendingPayments(20),
    ...(momoOrderId ? { momoOrderId } : {}),
  });
});

const page = httpHandler(routes.devCheckoutPage, async (req) => {
  localOnly();
  const request = readCheckout(req.rawQuery);
  if (!request.valid) return checkoutRefusedPage('invalid');
  if (request.expired) return checkoutRefusedPage('expired');
  return checkoutPage(request.params, request.amount, req.rawQuery);
});

/** The choice, from the page's form (form-encoded) or from a script (JSON). */
function choiceOf(req: HttpRequest<typeof routes.devCheckoutSubmit>): 'pay' | 'cancel' | undefined {
  const contentType = req.headers['content-type'] ?? '';
  let input: unknown;
  if (/json/i.test(contentType)) {
    try {
      input = JSON.parse(req.rawBody);
    } catch {
      return undefined;
    }
  } else {
    input = Object.fromEntries(new URLSearchParams(req.rawBody));
  }
  const parsed = checkoutChoiceSchema.safeParse(input);
  return parsed.success ? parsed.data.choice : undefined;
}

const submit = httpHandler(routes.devCheckoutSubmit, async (req) => {
  localOnly();
  const choice = choiceOf(req);
  if (!choice) return checkoutRefusedPage('no-choice');
  const result = await submitCheckout(req.rawQuery, choice);
  if (result.kind !== 'redirect') return checkoutRefusedPage(result.kind);
  return {
    status: 302,
    headers: {
      location: result.location,
      'cache-control': 'no-store',
      ...(result.ipnAnswer ? { 'x-sandbox-ipn-answer': result.ipnAnswer } : {}),
    },
  };
});

const byRoute = new Map<string, (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>>([
  [`${routes.devGatewayIndex.method} ${routes.devGatewayIndex.path}`, index],
  [`${routes.devCheckoutPage.method} ${routes.devCheckoutPage.path}`, page],
  [`${routes.devCheckoutSubmit.method} ${routes.devCheckoutSubmit.path}`, submit],
]);

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> => {
  const route = byRoute.get(event.routeKey);
  if (!route) return { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) };
  return route(event, context);
};
