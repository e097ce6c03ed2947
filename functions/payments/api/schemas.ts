/**
 * The payments context's HTTP schemas: what the handlers validate and what the OpenAPI document shows.
 * Gateway callbacks are described loosely on purpose: a callback is logged and answered in the gateway's own
 * terms whatever it holds, so nothing here may refuse one before the handler sees it.
 */
import * as z from 'zod';

const wholeVnd = z.number().int().nonnegative();
const isoInstant = z.string().describe('ISO 8601 with offset');
const gatewayName = z.enum(['vnpay', 'momo', 'sandbox', 'paygov']);
/** Where a payment was taken: an online gateway, or `counter` (at the desk, recorded by an official). */
const paymentGateway = z.enum(['vnpay', 'momo', 'sandbox', 'paygov', 'counter']);
const counterMethod = z.enum(['cash', 'card']).describe('at the desk: cash, or a card on the desk’s terminal');
const recordedBySchema = z
  .object({ sub: z.string(), name: z.string().optional(), agencyCode: z.string() })
  .describe('the official who took a counter payment, and their desk');
const paymentStatus = z.enum(['pending', 'paid', 'failed', 'expired', 'refunded']);

export const feeLineViewSchema = z.object({ code: z.string(), name: z.string(), amount: wholeVnd });

export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{8,128}$/, '8–128 characters [A-Za-z0-9._:-]')
    .describe('Makes the request safe to retry: the same key with the same body gives the same answer.'),
});

export const createPaymentBodySchema = z.object({
  dossierCode: z.string().min(1).max(64),
  gateway: gatewayName.describe('"sandbox" exists only in the local runtime'),
  locale: z.enum(['vi', 'en']).optional().describe("the gateway page's language; the caller's language by default"),
  bankCode: z
    .string()
    .regex(/^[A-Z0-9]{2,20}$/)
    .optional()
    .describe('VNPay only: preselect a bank or method (VNPAYQR, VNBANK, INTCARD, ...)'),
});
export type CreatePaymentBody = z.infer<typeof createPaymentBodySchema>;

export const createdPaymentSchema = z.object({
  paymentId: z.string(),
  txnRef: z.string(),
  amount: wholeVnd,
  redirectUrl: z.string().describe("where to send the payer's browser"),
  expiresAt: isoInstant,
  dossierCode: z.string(),
  gateway: gatewayName,
  status: z.literal('pending'),
  feeLines: z.array(feeLineViewSchema),
});
export type CreatedPayment = z.infer<typeof createdPaymentSchema>;

export const paymentParamsSchema = z.object({
  paymentId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .describe('the id POST /payments answered'),
});

export const receiptViewSchema = z.object({
  number: z.string().describe('<province code>-<year>-<sequence within the year>'),
  issuedAt: isoInstant,
  url: z.string().optional(),
  payer: z.object({ idNumber: z.string(), fullName: z.string().optional() }),
  dossierCode: z.string(),
  feeLines: z.array(feeLineViewSchema),
  amount: wholeVnd,
  paidAt: isoInstant.optional(),
  gateway: paymentGateway,
  method: counterMethod.optional(),
  recordedBy: recordedBySchema.optional(),
  txnRef: z.string(),
  gatewayTransactionNo: z.string().optional(),
  bankCode: z.string().optional(),
});
export type ReceiptView = z.infer<typeof receiptViewSchema>;

export const refundViewSchema = z.object({
  refundId: z.string(),
  amount: wholeVnd,
  status: z.enum(['succeeded', 'pending', 'failed']),
  requestedAt: isoInstant,
  settledAt: isoInstant.optional(),
  gatewayRefundNo: z.string().optional(),
  reason: z.string().optional(),
});

export const paymentViewSchema = z.object({
  paymentId: z.string(),
  dossierCode: z.string(),
  payerIdNumber: z.string(),
  gateway: paymentGateway,
  method: counterMethod.optional(),
  recordedBy: recordedBySchema.optional(),
  txnRef: z.string(),
  amount: wholeVnd,
  feeLines: z.array(feeLineViewSchema),
  status: paymentStatus,
  createdAt: isoInstant,
  expiresAt: isoInstant,
  updatedAt: isoInstant.optional(),
  paidAt: isoInstant.optional(),
  gatewayTransactionNo: z.string().optional(),
  bankCode: z.string().optional(),
  responseCode: z.string().optional(),
  failureReason: z.string().optional(),
  settledBy: z.enum(['callback', 'query', 'expiry', 'counter']).optional(),
  refunds: z.array(refundViewSchema),
  receipt: receiptViewSchema.optional(),
  version: z.number().int().positive(),
});
export type PaymentView = z.infer<typeof paymentViewSchema>;

export const receiptQuerySchema = z.object({
  format: z.enum(['json', 'html']).optional().describe('html: a printable page'),
});

export const callbackLogEntrySchema = z.object({
  callbackId: z.string(),
  receivedAt: isoInstant,
  route: z.string().describe('which callback route received it'),
  method: z.string(),
  rawQuery: z.string().optional(),
  rawBody: z.string().optional(),
  truncated: z.boolean().optional(),
  sourceIp: z.string().optional(),
  result: z
    .object({
      outcome: z.string(),
      signatureValid: z.boolean(),
      changed: z.boolean(),
      statusAfter: paymentStatus.optional(),
      answeredStatus: z.number().int(),
      answeredBody: z.string(),
    })
    .optional()
    .describe('absent when processing never finished (the raw entry is written first)'),
});
export const callbackLogSchema = z.object({ txnRef: z.string(), items: z.array(callbackLogEntrySchema) });
export type CallbackLogEntry = z.infer<typeof callbackLogEntrySchema>;

export const vnpayAnswerSchema = z.object({
  RspCode: z.enum(['00', '01', '02', '04', '97', '99']),
  Message: z.string(),
});

const vnpParam = z.string().optional();
export const vnpayCallbackQuerySchema = z.looseObject({
  vnp_TmnCode: vnpParam,
  vnp_TxnRef: vnpParam,
  vnp_Amount: vnpParam.describe('VND × 100'),
  vnp_BankCode: vnpParam,
  vnp_BankTranNo: vnpParam,
  vnp_CardType: vnpParam,
  vnp_OrderInfo: vnpParam,
  vnp_PayDate: vnpParam.describe('yyyyMMddHHmmss, GMT+7'),
  vnp_ResponseCode: vnpParam,
  vnp_TransactionNo: vnpParam,
  vnp_TransactionStatus: vnpParam,
  vnp_SecureHash: vnpParam.describe('HMAC-SHA512 over the other vnp_* parameters, sorted, form-encoded'),
});

export const momoReturnQuerySchema = z.looseObject({
  partnerCode: z.string().optional(),
  orderId: z.string().optional(),
  resultCode: z.string().optional(),
  signature: z.string().optional(),
});

export const reconciliationQuerySchema = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .describe('a day in GMT+7, YYYY-MM-DD; today by default'),
});

export const FINDING_KINDS = [
  'invalid_signature',
  'unknown_payment',
  'amount_mismatch',
  'paid_after_expiry',
  'duplicate_payment',
  'paid_after_dossier_closed',
  'gateway_still_pending',
  'query_failed',
  'gateway_unavailable',
  'refund_failed',
  'manual_refund_required',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const findingSchema = z.object({
  kind: z.enum(FINDING_KINDS),
  subject: z
    .string()
    .describe(
      'the payment id, or the merchant reference when no payment matched; for unsigned or forged callbacks the protocol (vnpay, momo): one finding a day counts them all',
    ),
  paymentId: z.string().optional(),
  txnRef: z.string().optional(),
  gateway: paymentGateway.optional(),
  detail: z.string(),
  firstSeenAt: isoInstant,
  lastSeenAt: isoInstant,
  occurrences: z.number().int().positive(),
});
export type Finding = z.infer<typeof findingSchema>;

const gatewayTotals = z.object({
  paidCount: z.number().int().nonnegative(),
  paidAmount: wholeVnd,
  refundedCount: z.number().int().nonnegative(),
  refundedAmount: wholeVnd,
});

export const reconciliationReportSchema = z.object({
  date: z.string(),
  runs: z.object({
    count: z.number().int().nonnegative(),
    lastRunAt: isoInstant.optional(),
    checked: z.number().int().nonnegative(),
    settled: z.number().int().nonnegative(),
    expired: z.number().int().nonnegative(),
    refundsProcessed: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
  }),
  totals: z.record(z.string(), gatewayTotals).describe('what we recorded as paid and refunded that day, by gateway'),
  findings: z.array(findingSchema).describe('what needs an operator: each kind at most once per subject and day'),
  findingsTruncated: z
    .boolean()
    .optional()
    .describe('true when the day has more findings than the report lists (the first 1,000 by kind and subject)'),
});
export type ReconciliationReport = z.infer<typeof reconciliationReportSchema>;

export const reconcileResultSchema = z.object({
  checked: z.number().int().nonnegative(),
  settled: z.number().int().nonnegative(),
  expired: z.number().int().nonnegative(),
  refundsProcessed: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
});
export type ReconcileResult = z.infer<typeof reconcileResultSchema>;

export const dossierParamsSchema = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,64}$/)
    .describe('the dossier code'),
});

export const counterPaymentHeadersSchema = z.object({
  'if-match': z
    .string()
    .max(40)
    .optional()
    .describe(
      'The dossier version (ETag of GET /dossiers/{code}) the official is looking at. Required (428 without it).',
    ),
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{8,128}$/, '8–128 characters [A-Za-z0-9._:-]')
    .optional()
    .describe('Optional: the request is already idempotent per dossier version; a key makes retries explicit.'),
});

export const counterPaymentBodySchema = z.object({
  amount: z
    .number()
    .int('a whole number of VND')
    .positive()
    .describe('what was taken, in VND; it must be exactly what is due'),
  method: counterMethod,
});
export type CounterPaymentBody = z.infer<typeof counterPaymentBodySchema>;

export const dossierPaymentsSchema = z.object({
  dossierCode: z.string(),
  items: z.array(paymentViewSchema).describe('every payment of the dossier, online and at the desk, newest first'),
  nationalPlatform: z
    .object({
      lookupCode: z.string().describe('MaTraCuuTT: the code the applicant pays by on the national payment platform'),
      paymentUrl: z.string().describe("the platform's page for that code"),
    })
    .optional()
    .describe('while fees are due and the province offers the national payment platform: what to hand the applicant'),
});
export type DossierPayments = z.infer<typeof dossierPaymentsSchema>;

export const checkoutChoiceSchema = z.object({ choice: z.enum(['pay', 'cancel']) });
