/** The payments context's published language. */
import type { EventEnvelope } from '#platform/events.ts';

export type GatewayName = 'vnpay' | 'momo' | 'sandbox';
export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'refunded';

export interface PaymentEventData {
  paymentId: string;
  dossierCode: string;
  payerIdNumber: string;
  gateway: GatewayName;
  txnRef: string;
  amount: number;
  feeLines: { code: string; name: string; amount: number }[];
  status: PaymentStatus;
  gatewayTransactionNo?: string;
  bankCode?: string;
  paidAt?: string;
  receipt?: { number: string; issuedAt: string; url?: string };
  /** 1 = national payment platform, 2 = the province's own gateway (sync field "paid online"). */
  channelCode: 1 | 2;
  reason?: string;
  /**
   * The refunds recorded for the payment, when there are any. A `payment.completed` that already carries a
   * pending refund is a payment that must be given back (a duplicate, or paid after the dossier closed): it is
   * not announced as a payment. `payment.refunded` carries the refunds that gave the money back.
   */
  refunds?: { refundId: string; amount: number; status: 'pending' | 'succeeded' | 'failed'; reason?: string }[];
}

export const PAYMENT_EVENT_TYPES = [
  'payment.completed',
  'payment.failed',
  'payment.expired',
  'payment.refunded',
] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];
export type PaymentEvent = EventEnvelope<PaymentEventData, PaymentEventType>;
