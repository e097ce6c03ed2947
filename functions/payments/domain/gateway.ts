/**
 * The one interface every payment gateway is plugged in behind, and the registry the handlers pick plugins
 * from (in the manner of Open Forms' payment plugin registry). A plugin knows one gateway's wire protocol;
 * what a callback does to a payment is decided once, in `payment.ts`, for all gateways alike.
 *
 * Plugins do no I/O of their own: network calls go through an injected `HttpClient`, and "now" and request
 * ids come from injected functions, so the whole protocol can be exercised in unit tests byte for byte.
 */
import { timingSafeEqual } from 'node:crypto';
import { AppError, ValidationError } from '#platform/errors.ts';
import type { GatewayName } from '../events.ts';

/** What the plugins need from the network: one HTTP exchange, the body as text both ways. */
export type HttpClient = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ status: number; body: string }>;

/** The wire protocol a plugin speaks; the sandbox speaks VNPay's. */
export type GatewayProtocol = 'vnpay' | 'momo' | 'paygov';

export interface CreatePaymentRequest {
  /** Our merchant reference (vnp_TxnRef / MoMo orderId), see `newTxnRef`. */
  txnRef: string;
  /** Whole VND. */
  amount: number;
  /** Free text; VNPay gets it reduced to ASCII letters, digits and spaces, MoMo gets it as is. */
  orderInfo: string;
  /** The payer's IP address (vnp_IpAddr). */
  payerIp: string;
  createdAt: Date;
  expiresAt: Date;
  locale?: 'vi' | 'en';
  /** VNPay only: preselect a bank or method (e.g. VNPAYQR, VNBANK, INTCARD). */
  bankCode?: string;
  /** Overrides the plugin's configured browser return URL. */
  returnUrl?: string;
  /** MoMo only: overrides the plugin's configured IPN URL (VNPay's IPN URL is registered with VNPay). */
  ipnUrl?: string;
  /** MoMo only: sent base64-encoded as extraData and echoed back in the IPN. */
  extraData?: Record<string, unknown>;
  /** The national payment platform only: the dossier's lookup code (MaTraCuuTT) the payer pays by. */
  lookupCode?: string;
}

export interface CreatePaymentResult {
  /** Where to send the payer's browser. */
  redirectUrl: string;
  /** The merchant code the payment was created under (vnp_TmnCode / MoMo partnerCode); keep it on the payment. */
  merchantCode: string;
  /** The request id sent to the gateway, when the protocol has one (MoMo). */
  requestId?: string;
}

/** A callback exactly as it reached us. */
export interface RawCallback {
  method: 'GET' | 'POST';
  /** The query string exactly as received, without the leading '?', still percent-encoded. */
  rawQuery?: string;
  /** The body exactly as received. */
  rawBody?: string;
}

/** What a plugin read from a callback; nothing but `signatureValid` may be trusted when it is false. */
export interface VerifiedCallback {
  signatureValid: boolean;
  gateway?: GatewayName;
  txnRef?: string;
  /** Whole VND as the gateway reports it (never trusted: compared with the stored payment). */
  amount?: number;
  merchantCode?: string;
  outcome: 'paid' | 'failed' | 'pending';
  gatewayTransactionNo?: string;
  bankCode?: string;
  /** ISO 8601 in GMT+7. */
  paidAt?: string;
  responseCode?: string;
  message?: string;
}

export type CallbackOutcome =
  | 'success'
  | 'invalid_signature'
  | 'not_found'
  | 'invalid_amount'
  | 'already_confirmed'
  | 'error';

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface QueryRequest {
  txnRef: string;
  /** When the payment was created (VNPay's vnp_TransactionDate is the vnp_CreateDate of the payment). */
  transactionDate: Date;
  /** Used as the query's description where the protocol wants one. */
  orderInfo?: string;
}

export interface QueryResult {
  /** 'not_found': the gateway has no such transaction (the payer never got as far as paying). */
  outcome: 'paid' | 'failed' | 'pending' | 'not_found';
  amount?: number;
  gatewayTransactionNo?: string;
  bankCode?: string;
  paidAt?: string;
  responseCode?: string;
  message?: string;
}

export interface RefundRequest {
  txnRef: string;
  /** Our id for this refund: unique, and a valid MoMo orderId (MoMo wants a fresh orderId per refund). */
  refundId: string;
  /** Whole VND to give back. */
  amount: number;
  /** The amount originally paid, to tell a full refund from a partial one. */
  paymentAmount: number;
  gatewayTransactionNo?: string;
  /** When the payment was created. */
  transactionDate: Date;
  reason: string;
  /** Who asked for the refund (VNPay's vnp_CreateBy). */
  createdBy: string;
}

export interface RefundResult {
  status: 'succeeded' | 'pending' | 'failed';
  gatewayRefundNo?: string;
  responseCode?: string;
  message?: string;
}

/** One payment gateway behind the common interface. */
export interface GatewayPlugin {
  readonly name: GatewayName;
  readonly protocol: GatewayProtocol;
  /** The merchant code this plugin is configured with (vnp_TmnCode / MoMo partnerCode). */
  readonly merchantCode: string;
  createPayment(req: CreatePaymentRequest): Promise<CreatePaymentResult>;
  verifyCallback(raw: RawCallback): VerifiedCallback;
  callbackAnswer(outcome: CallbackOutcome): HttpAnswer;
  queryStatus(q: QueryRequest): Promise<QueryResult>;
  refund?(r: RefundRequest): Promise<RefundResult>;
}

/** The gateway could not be reached, answered nonsense, or refused the request. */
export class GatewayError extends AppError {
  readonly gateway: GatewayName;
  readonly reason: 'unreachable' | 'bad-response' | 'bad-signature' | 'rejected';
  readonly code: string | undefined;

  constructor(
    gateway: GatewayName,
    reason: 'unreachable' | 'bad-response' | 'bad-signature' | 'rejected',
    code?: string,
    gatewayMessage?: string,
  ) {
    const detail = gatewayMessage ? `: ${gatewayMessage}` : '';
    super(
      reason === 'unreachable' ? 503 : 502,
      'payment-gateway',
      { vi: 'Lỗi cổng thanh toán', en: 'Payment gateway error' },
      {
        vi: `Cổng thanh toán ${gateway} không xử lý được yêu cầu (${reason}${code ? ` ${code}` : ''})${detail}.`,
        en: `The ${gateway} payment gateway could not handle the request (${reason}${code ? ` ${code}` : ''})${detail}.`,
      },
      { gateway, reason, ...(code === undefined ? {} : { gatewayCode: code }) },
    );
    this.gateway = gateway;
    this.reason = reason;
    this.code = code;
  }
}

/**
 * Calls the gateway and parses its JSON answer. Unreachable and 5xx are `unreachable` (retry later); a body
 * that is not JSON is `bad-response`. A 4xx with a JSON body is returned, since gateways explain refusals there.
 */
export async function postJson(
  http: HttpClient,
  gateway: GatewayName,
  url: string,
  body: string,
): Promise<{ status: number; json: unknown }> {
  let response: { status: number; body: string };
  try {
    response = await http(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', accept: 'application/json' },
      body,
    });
  } catch (error) {
    throw new GatewayError(gateway, 'unreachable', undefined, (error as Error).message);
  }
  if (response.status >= 500) throw new GatewayError(gateway, 'unreachable', String(response.status));
  try {
    return { status: response.status, json: JSON.parse(response.body) as unknown };
  } catch {
    throw new GatewayError(gateway, 'bad-response', String(response.status), 'the answer is not JSON');
  }
}

/** Constant-time comparison of a received hex digest with the one we computed. */
export function hexDigestEquals(receivedHex: string, expectedHex: string): boolean {
  const received = receivedHex.toLowerCase();
  if (received.length !== expectedHex.length || !/^[0-9a-f]*$/.test(received)) return false;
  const a = Buffer.from(received, 'hex');
  const b = Buffer.from(expectedHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The configured plugins, looked up by name for new payments and by merchant code for callbacks. */
export class GatewayRegistry {
  #plugins = new Map<GatewayName, GatewayPlugin>();

  constructor(plugins: GatewayPlugin[] = []) {
    for (const plugin of plugins) this.register(plugin);
  }

  /** Adds a plugin; a second plugin with the same name is a configuration mistake. */
  register(plugin: GatewayPlugin): this {
    if (this.#plugins.has(plugin.name)) throw new Error(`Payment gateway "${plugin.name}" is registered twice`);
    this.#plugins.set(plugin.name, plugin);
    return this;
  }

  has(name: string): name is GatewayName {
    return this.#plugins.has(name as GatewayName);
  }

  /** The plugin for a gateway the payer chose; an unknown or disabled gateway is the caller's mistake. */
  get(name: string): GatewayPlugin {
    const plugin = this.#plugins.get(name as GatewayName);
    if (!plugin) {
      throw new ValidationError([
        {
          path: 'gateway',
          message: `Payment gateway "${name}" is not available (available: ${this.names().join(', ') || 'none'})`,
        },
      ]);
    }
    return plugin;
  }

  names(): GatewayName[] {
    return [...this.#plugins.keys()];
  }

  list(): GatewayPlugin[] {
    return [...this.#plugins.values()];
  }

  /**
   * The plugin that must verify a callback speaking `protocol` under `merchantCode` (the VNPay IPN route
   * serves both the real VNPay and the sandbox, told apart by vnp_TmnCode).
   */
  forMerchant(protocol: GatewayProtocol, merchantCode: string | undefined): GatewayPlugin | undefined {
    for (const plugin of this.#plugins.values()) {
      if (plugin.protocol === protocol && plugin.merchantCode === merchantCode) return plugin;
    }
    return undefined;
  }
}
