/**
 * A local sandbox gateway that speaks VNPay's protocol under its own merchant code and secret: the redirect
 * URL points at a local checkout page (served by the local runtime) carrying signed VNPay parameters, the
 * page's choice (pay / cancel) is turned into exactly the IPN and return-URL queries VNPay would send, and
 * the status query answers from whatever the checkout page recorded. So the whole payment flow, signatures
 * included, runs on one machine and in tests.
 */
import { createHmac } from 'node:crypto';
import type {
  CallbackOutcome,
  CreatePaymentRequest,
  CreatePaymentResult,
  GatewayPlugin,
  HttpAnswer,
  QueryRequest,
  QueryResult,
  RawCallback,
  RefundRequest,
  RefundResult,
  VerifiedCallback,
} from './gateway.ts';
import {
  buildVnpayCallbackQuery,
  buildVnpayPaymentParams,
  buildVnpaySignedUrl,
  formatVnpayDate,
  readVnpayCallback,
  signVnpayParams,
  verifyVnpayQuery,
  vnpayAnswer,
} from './vnpay.ts';

/** Development settings, used when the environment names none; never valid anywhere but locally. */
export const SANDBOX_DEFAULTS = {
  tmnCode: 'MCSANDBX',
  hashSecret: 'motcua-local-sandbox-secret-not-for-production',
  checkoutUrl: 'http://localhost:3000/dev/gateway/checkout',
} as const;

/** What the checkout page produced for one transaction: the signed callback parameters, as VNPay sends them. */
export interface SandboxOutcome {
  choice: 'pay' | 'cancel';
  txnRef: string;
  /** Whole VND. */
  amount: number;
  /** The signed vnp_* parameters of the IPN, vnp_SecureHash included. */
  params: Record<string, string>;
  /** The IPN query string (GET <ipn url>?<ipnQuery>). */
  ipnQuery: string;
  /** The return-URL query string; VNPay sends the same parameters to both. */
  returnQuery: string;
  /** vnp_ReturnUrl with the return query attached: where the checkout page sends the browser. */
  returnUrl: string;
}

export interface SandboxConfig {
  tmnCode?: string;
  hashSecret?: string;
  /** The local checkout page, e.g. http://localhost:3000/dev/gateway/checkout. */
  checkoutUrl?: string;
  returnUrl: string;
  /** What the checkout page recorded for a transaction, if anything. */
  lookup: (txnRef: string) => Promise<SandboxOutcome | undefined>;
}

/** The sandbox's transaction number for a reference: 8 digits like VNPay's, the same every time. */
function sandboxTransactionNo(txnRef: string, hashSecret: string): string {
  const digest = createHmac('sha256', hashSecret).update(`txn:${txnRef}`, 'utf8').digest();
  return String(10_000_000 + (digest.readUInt32BE(0) % 90_000_000));
}

/**
 * The signed IPN and return-URL queries VNPay would send after the payer chose to pay (ResponseCode 00,
 * TransactionStatus 00) or cancel (24 / 02) on the checkout page. `params` are the vnp_* parameters of the
 * checkout request (vnp_TmnCode, vnp_TxnRef, vnp_Amount, vnp_OrderInfo, vnp_ReturnUrl at least).
 */
export function buildSandboxOutcome(
  params: Record<string, string>,
  choice: 'pay' | 'cancel',
  now: Date,
  hashSecret: string = SANDBOX_DEFAULTS.hashSecret,
): SandboxOutcome {
  const txnRef = params.vnp_TxnRef;
  const amountText = params.vnp_Amount;
  const tmnCode = params.vnp_TmnCode;
  const returnTo = params.vnp_ReturnUrl;
  if (!txnRef || !amountText || !/^\d+$/.test(amountText) || !tmnCode || !returnTo) {
    throw new Error('A sandbox checkout needs vnp_TmnCode, vnp_TxnRef, vnp_Amount and vnp_ReturnUrl');
  }
  const paid = choice === 'pay';
  const transactionNo = paid ? sandboxTransactionNo(txnRef, hashSecret) : '0';
  const callback: Record<string, string> = {
    vnp_Amount: amountText,
    vnp_BankCode: 'NCB',
    vnp_OrderInfo: params.vnp_OrderInfo ?? '',
    vnp_PayDate: formatVnpayDate(now),
    vnp_ResponseCode: paid ? '00' : '24',
    vnp_TmnCode: tmnCode,
    vnp_TransactionNo: transactionNo,
    vnp_TransactionStatus: paid ? '00' : '02',
    vnp_TxnRef: txnRef,
  };
  if (paid) {
    callback.vnp_BankTranNo = `VNP${transactionNo}`;
    callback.vnp_CardType = 'ATM';
  }
  const query = buildVnpayCallbackQuery(callback, hashSecret);
  return {
    choice,
    txnRef,
    amount: Number(amountText) / 100,
    params: { ...callback, vnp_SecureHash: signVnpayParams(callback, hashSecret) },
    ipnQuery: query,
    returnQuery: query,
    returnUrl: `${returnTo}${returnTo.includes('?') ? '&' : '?'}${query}`,
  };
}

/** Reads a checkout request the way VNPay's payment page does: a bad signature is refused (VNPay's code 70). */
export function readSandboxCheckout(
  rawQuery: string,
  hashSecret: string = SANDBOX_DEFAULTS.hashSecret,
): { signatureValid: boolean; params: Record<string, string> } {
  return verifyVnpayQuery(rawQuery, hashSecret);
}

/** The sandbox plugin. */
export function createSandboxGateway(config: SandboxConfig): GatewayPlugin {
  const tmnCode = config.tmnCode ?? SANDBOX_DEFAULTS.tmnCode;
  const hashSecret = config.hashSecret ?? SANDBOX_DEFAULTS.hashSecret;
  const checkoutUrl = config.checkoutUrl ?? SANDBOX_DEFAULTS.checkoutUrl;
  return {
    name: 'sandbox',
    protocol: 'vnpay',
    merchantCode: tmnCode,
    async createPayment(req: CreatePaymentRequest): Promise<CreatePaymentResult> {
      const params = buildVnpayPaymentParams(req, { tmnCode, returnUrl: config.returnUrl });
      return { redirectUrl: buildVnpaySignedUrl(checkoutUrl, params, hashSecret), merchantCode: tmnCode };
    },
    verifyCallback(raw: RawCallback): VerifiedCallback {
      if (raw.method !== 'GET') return { signatureValid: false, gateway: 'sandbox', outcome: 'failed' };
      const { signatureValid, params } = verifyVnpayQuery(raw.rawQuery, hashSecret);
      return readVnpayCallback('sandbox', params, signatureValid);
    },
    callbackAnswer(outcome: CallbackOutcome): HttpAnswer {
      return vnpayAnswer(outcome);
    },
    async queryStatus(q: QueryRequest): Promise<QueryResult> {
      const recorded = await config.lookup(q.txnRef);
      if (!recorded) return { outcome: 'not_found', responseCode: '91' };
      const cb = readVnpayCallback('sandbox', recorded.params, true);
      const result: QueryResult = { outcome: cb.outcome, amount: recorded.amount };
      if (cb.responseCode) result.responseCode = cb.responseCode;
      if (cb.message) result.message = cb.message;
      if (cb.gatewayTransactionNo) result.gatewayTransactionNo = cb.gatewayTransactionNo;
      if (cb.bankCode) result.bankCode = cb.bankCode;
      if (cb.paidAt) result.paidAt = cb.paidAt;
      return result;
    },
    async refund(r: RefundRequest): Promise<RefundResult> {
      // The sandbox holds no money: every well-formed refund succeeds at once.
      if (!(Number.isSafeInteger(r.amount) && r.amount > 0 && r.amount <= r.paymentAmount)) {
        return { status: 'failed', responseCode: '95', message: 'Refund amount out of range' };
      }
      return {
        status: 'succeeded',
        gatewayRefundNo: sandboxTransactionNo(`refund:${r.refundId}`, hashSecret),
        responseCode: '00',
      };
    },
  };
}
