/**
 * Delivery of results by post (trả kết quả qua dịch vụ bưu chính công ích): one interface for the postal provider
 * and, on the local cloud, a stand-in that behaves like one (a shipment created once per reference, a tracking
 * number, delivered or returned to the sender when someone says so under /dev/post/).
 *
 * No real provider is wired for AWS yet: there a postal return is refused (409) until one is configured, rather
 * than pretending a parcel left.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { toLocalIso } from '#calendar/index.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { isLocal } from '#platform/env.ts';
import { ConflictError } from '#platform/errors.ts';
import { dossiersTableName } from '../store.ts';

export interface ShipmentRequest {
  /** Our reference: the same reference always names the same shipment (a retried hand-over creates nothing new). */
  reference: string;
  dossierCode: string;
  recipient: { name: string; phone?: string; address: string };
  contents: string;
}

export interface Shipment {
  provider: string;
  trackingNumber: string;
  reference: string;
  dossierCode: string;
  recipient: ShipmentRequest['recipient'];
  contents: string;
  status: 'in_transit' | 'delivered' | 'returned_to_sender';
  createdAt: string;
  settledAt?: string;
}

export interface PostalProvider {
  readonly name: string;
  createShipment(request: ShipmentRequest, at: Date): Promise<Shipment>;
}

// ---------------------------------------------------------------------------------------------------------
// The local stand-in: shipments kept in the dossiers table under their own partition (local cloud only).

const STANDIN = 'standin-post';
const standInKey = (trackingNumber: string) => ({ pk: 'STANDIN_POST', sk: `SHIPMENT#${trackingNumber}` });

/** A tracking number in the national post's shape (two letters, nine digits, VN), derived from the reference. */
export function standInTrackingNumber(reference: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(reference).digest('hex').slice(0, 15)}`)
    .toString()
    .slice(-9)
    .padStart(9, '0');
  return `EM${digits}VN`;
}

export const standInPost: PostalProvider = {
  name: STANDIN,
  async createShipment(request, at) {
    const trackingNumber = standInTrackingNumber(request.reference);
    const shipment: Shipment = {
      provider: STANDIN,
      trackingNumber,
      reference: request.reference,
      dossierCode: request.dossierCode,
      recipient: request.recipient,
      contents: request.contents,
      status: 'in_transit',
      createdAt: toLocalIso(at),
    };
    try {
      await dynamoDocumentClient().send(
        new PutCommand({
          TableName: dossiersTableName(),
          Item: { ...standInKey(trackingNumber), shipment },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return shipment;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      const existing = await standInShipment(trackingNumber);
      if (!existing) throw error;
      return existing;
    }
  },
};

export async function standInShipment(trackingNumber: string): Promise<Shipment | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: dossiersTableName(), Key: standInKey(trackingNumber), ConsistentRead: true }),
  );
  return out.Item?.shipment as Shipment | undefined;
}

export async function listStandInShipments(limit = 100): Promise<Shipment[]> {
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: dossiersTableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'STANDIN_POST' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((item) => item.shipment as Shipment);
}

/** The stand-in's own record of a delivery outcome (what the real provider would report to us). */
export async function settleStandInShipment(
  trackingNumber: string,
  status: 'delivered' | 'returned_to_sender',
  at: Date,
): Promise<Shipment> {
  const out = await dynamoDocumentClient().send(
    new UpdateCommand({
      TableName: dossiersTableName(),
      Key: standInKey(trackingNumber),
      UpdateExpression: 'SET shipment.#status = :status, shipment.settledAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status, ':at': toLocalIso(at) },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return out.Attributes?.shipment as Shipment;
}

/** The provider results are sent with: the stand-in locally; none configured on AWS yet (409, nothing changes). */
export function postalProvider(): PostalProvider {
  if (isLocal()) return standInPost;
  throw new ConflictError('postal-provider-not-configured', {
    vi: 'Chưa cấu hình đơn vị bưu chính để trả kết quả qua bưu điện.',
    en: 'No postal provider is configured for returning results by post.',
  });
}
