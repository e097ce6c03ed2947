/**
 * /dev/post/… — the local stand-in postal service: its shipments, and a way to say one was delivered or came back.
 * Settling a shipment reports it to the dossiers context as the real provider would (recordDeliveryOutcome).
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { now } from '#platform/clock.ts';
import { isLocal } from '#platform/env.ts';
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { listStandInShipments, settleStandInShipment, standInShipment } from '../counter/postal.ts';
import { recordDeliveryOutcome } from '../counter/returns.ts';
import { routes } from '../topology.ts';

const notFound = () => new NotFoundError({ vi: 'Không tìm thấy.', en: 'Not found.' });

const list = httpHandler(routes.devListShipments, async () => {
  if (!isLocal()) throw notFound();
  return { body: { items: await listStandInShipments() } };
});

const settle = httpHandler(routes.devSettleShipment, async (req) => {
  if (!isLocal()) throw notFound();
  const at = now();
  const existing = await standInShipment(req.params.trackingNumber);
  if (!existing) throw new NotFoundError({ vi: 'Không có bưu gửi này.', en: 'No such shipment.' });
  const shipment = await settleStandInShipment(req.params.trackingNumber, req.body.status, at);
  const outcome = await recordDeliveryOutcome(shipment.dossierCode, shipment.trackingNumber, req.body.status, at);
  return { body: { shipment, outcome } };
});

const byRoute = new Map<string, (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>>([
  [`${routes.devListShipments.method} ${routes.devListShipments.path}`, list],
  [`${routes.devSettleShipment.method} ${routes.devSettleShipment.path}`, settle],
]);

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<unknown> => {
  const route = byRoute.get(event.routeKey);
  if (!route) return { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) };
  return route(event, context);
};
