/** The payments context's published language. */
import type { EventEnvelope } from '#platform/events.ts';

/** The online gateways (each a plugin); `paygov` is the national payment platform on DVCQG. */
export type GatewayName = 'vnpay' | 'momo' | 'sandbox' | 'paygov';
/** Where a payment was taken: an online gateway, or the desk (`counter`, recorded by an official). */
export type PaymentGateway = GatewayName | 'counter';
export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'refunded';

export interface PaymentEventData {
  paymentId: string;
  dossierCode: string;
  payerIdNumber: string;
  gateway: PaymentGateway;
  /** How a fee paid at the desk was paid; absent for online payments. */
  method?: 'cash' | 'card';
  txnRef: string;
  amount: number;
  feeLines: { code: string; name: string; amount: number }[];
  status: PaymentStatus;
  gatewayTransactionNo?: string;
  bankCode?: string;
  paidAt?: string;
  receipt?: { number: string; issuedAt: string; url?: string };
  /**
   * 0 = at the desk (not paid online), 1 = national payment platform, 2 = the province's own gateway (the
   * national sync's "paid online" field).
   */
  channelCode: 0 | 1 | 2;
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
