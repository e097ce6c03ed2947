/**
 * MoMo payment gateway v2, captureWallet: create (server-to-server, answers a payUrl), IPN verification,
 * query and refund. See docs gateways.md, "MoMo".
 *
 * Every MoMo signature is HMAC-SHA256 (secret key) over `key=value&...` in a fixed a–z key order, with
 * the values raw (not URL-encoded) in UTF-8, and the access key taken from our configuration.
 */
import { createHmac } from 'node:crypto';
import * as z from 'zod';
import { toLocalIso } from '#calendar/time.ts';
import { ValidationError } from '#platform/errors.ts';
import {
  type CallbackOutcome,
  type CreatePaymentRequest,
  type CreatePaymentResult,
  GatewayError,
  type GatewayPlugin,
  type HttpAnswer,
  type HttpClient,
  hexDigestEquals,
  postJson,
  type QueryRequest,
  type QueryResult,
  type RawCallback,
  type RefundRequest,
  type RefundResult,
  type VerifiedCallback,
} from './gateway.ts';

/** MoMo's test environment; production comes from the province's configuration. */
export const MOMO_TEST_ENDPOINT = 'https://test-payment.momo.vn';

export const MOMO_MIN_AMOUNT = 1_000;
export const MOMO_MAX_AMOUNT = 50_000_000;
export const MOMO_ORDER_ID_PATTERN = /^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$/;

export interface MomoConfig {
  partnerCode: string;
  accessKey: string;
  secretKey: string;
  /** Scheme and host, e.g. https://payment.momo.vn. */
  endpoint?: string;
  /** Where MoMo sends the payer's browser back. */
  redirectUrl: string;
  /** Where MoMo POSTs the IPN. */
  ipnUrl: string;
  http: HttpClient;
  now: () => Date;
  requestId: () => string;
}

/** The fields of a create request that are signed, in signature order. */
export interface MomoCreateSigned {
  amount: number | string;
  extraData: string;
  ipnUrl: string;
  orderId: string;
  orderInfo: string;
  partnerCode: string;
  redirectUrl: string;
  requestId: string;
  requestType: string;
}

/** The fields of an IPN that are signed, in signature order; numbers as MoMo wrote them. */
export interface MomoIpnSigned {
  amount: number | string;
  extraData: string;
  message: string;
  orderId: string;
  orderInfo: string;
  orderType: string;
  partnerCode: string;
  payType: string;
  requestId: string;
  responseTime: number | string;
  resultCode: number | string;
  transId: number | string;
}

const CREATE_KEYS = [
  'amount',
  'extraData',
  'ipnUrl',
  'orderId',
  'orderInfo',
  'partnerCode',
  'redirectUrl',
  'requestId',
  'requestType',
] as const;
const IPN_KEYS = [
  'amount',
  'extraData',
  'message',
  'orderId',
  'orderInfo',
  'orderType',
  'partnerCode',
  'payType',
  'requestId',
  'responseTime',
  'resultCode',
  'transId',
] as const;

function rawSignString(accessKey: string, keys: readonly string[], values: Record<string, unknown>): string {
  return [`accessKey=${accessKey}`, ...keys.map((key) => `${key}=${String(values[key])}`)].join('&');
}

function hmacSha256Hex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

/** The raw string MoMo signs for a create request. */
export function momoCreateSignData(fields: MomoCreateSigned, accessKey: string): string {
  return rawSignString(accessKey, CREATE_KEYS, fields as unknown as Record<string, unknown>);
}

/** The raw string MoMo signs in an IPN. */
export function momoIpnSignData(fields: MomoIpnSigned, accessKey: string): string {
  return rawSignString(accessKey, IPN_KEYS, fields as unknown as Record<string, unknown>);
}

/** The signature MoMo puts on an IPN with these fields (for tests and the local sandbox). */
export function signMomoIpn(body: MomoIpnSigned, accessKey: string, secretKey: string): string {
  return hmacSha256Hex(secretKey, momoIpnSignData(body, accessKey));
}

/** The signature of a query request. */
export function signMomoQuery(
  fields: { orderId: string; partnerCode: string; requestId: string },
  accessKey: string,
  secretKey: string,
): string {
  return hmacSha256Hex(
    secretKey,
    `accessKey=${accessKey}&orderId=${fields.orderId}&partnerCode=${fields.partnerCode}&requestId=${fields.requestId}`,
  );
}

/** The signature of a refund request. */
export function signMomoRefund(
  fields: {
    amount: number;
    description: string;
    orderId: string;
    partnerCode: string;
    requestId: string;
    transId: number | string;
  },
  accessKey: string,
  secretKey: string,
): string {
  return hmacSha256Hex(
    secretKey,
    `accessKey=${accessKey}&amount=${fields.amount}&description=${fields.description}&orderId=${fields.orderId}` +
      `&partnerCode=${fields.partnerCode}&requestId=${fields.requestId}&transId=${fields.transId}`,
  );
}

/**
 * Parses a JSON object keeping the source text of each top-level number, so a signature over numbers is
 * checked against exactly what MoMo wrote (a transId past 2^53 would not survive a round trip through a
 * JavaScript number).
 */
function parseJsonKeepingNumbers(
  body: string,
): { value: Record<string, unknown>; numberText: Map<string, string> } | undefined {
  type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;
  const texts = new WeakMap<object, Map<string, string>>();
  const reviver: Reviver = function (
    this: unknown,
    key: string,
    value: unknown,
    context?: { source?: string },
  ): unknown {
    if (typeof value === 'number' && this !== null && typeof this === 'object') {
      let forHolder = texts.get(this);
      if (!forHolder) {
        forHolder = new Map();
        texts.set(this, forHolder);
      }
      forHolder.set(key, context?.source ?? String(value));
    }
    return value;
  };
  let parsed: unknown;
  try {
    parsed = (JSON.parse as (text: string, reviver: Reviver) => unknown)(body, reviver);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return { value: parsed as Record<string, unknown>, numberText: texts.get(parsed) ?? new Map() };
}

/** partnerCode of an IPN body, to pick the plugin that must verify it; nothing is verified here. */
export function momoPartnerCodeOf(rawBody: string | undefined): string | undefined {
  try {
    const body = JSON.parse(rawBody ?? '') as unknown;
    const code = (body as { partnerCode?: unknown } | null)?.partnerCode;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

const PENDING_RESULT_CODES = new Set([1000, 7000, 7002, 8000, 9000]);

/** 0 paid; 9000 authorized but not captured, and 1000/7000/7002/8000 in progress: pending; the rest failed. */
export function momoOutcome(resultCode: number): 'paid' | 'pending' | 'failed' {
  if (resultCode === 0) return 'paid';
  return PENDING_RESULT_CODES.has(resultCode) ? 'pending' : 'failed';
}

/** Verifies an IPN body (signature over the IPN keys, accessKey from configuration) and reads it. */
export function verifyMomoIpn(rawBody: string | undefined, accessKey: string, secretKey: string): VerifiedCallback {
  const refused: VerifiedCallback = { signatureValid: false, gateway: 'momo', outcome: 'failed' };
  const parsed = rawBody === undefined ? undefined : parseJsonKeepingNumbers(rawBody);
  if (!parsed) return refused;
  const { value, numberText } = parsed;
  const signed: Record<string, string> = {};
  for (const key of IPN_KEYS) {
    const field = value[key];
    if (typeof field === 'string') signed[key] = field;
    else if (typeof field === 'number') signed[key] = numberText.get(key) ?? String(field);
    else return refused;
  }
  const signature = value.signature;
  if (typeof signature !== 'string') return refused;
  const expected = hmacSha256Hex(secretKey, momoIpnSignData(signed as unknown as MomoIpnSigned, accessKey));
  if (!hexDigestEquals(signature, expected)) return refused;

  const resultCode = Number(signed.resultCode);
  const outcome = Number.isInteger(resultCode) ? momoOutcome(resultCode) : 'failed';
  const amount = Number(signed.amount);
  const result: VerifiedCallback = {
    signatureValid: true,
    gateway: 'momo',
    txnRef: signed.orderId as string,
    merchantCode: signed.partnerCode as string,
    outcome,
    responseCode: signed.resultCode as string,
    message: signed.message as string,
  };
  if (/^\d+$/.test(signed.amount as string)) result.amount = amount;
  if (/^\d+$/.test(signed.transId as string) && signed.transId !== '0') {
    result.gatewayTransactionNo = signed.transId as string;
  }
  const responseTime = Number(signed.responseTime);
  if (outcome === 'paid' && Number.isSafeInteger(responseTime) && responseTime > 0) {
    result.paidAt = toLocalIso(new Date(responseTime));
  }
  return result;
}

/** MoMo wants 204 No Content within 15 s whatever we made of the IPN; only our own failure asks for a retry. */
export function momoAnswer(outcome: CallbackOutcome): HttpAnswer {
  return { statusCode: outcome === 'error' ? 500 : 204, headers: {}, body: '' };
}

const momoResponseSchema = z.looseObject({
  partnerCode: z.string().nullish(),
  orderId: z.string().nullish(),
  requestId: z.string().nullish(),
  amount: z.number().nullish(),
  transId: z.number().nullish(),
  resultCode: z.number(),
  message: z.string().nullish(),
  payUrl: z.string().nullish(),
  payType: z.string().nullish(),
  responseTime: z.number().nullish(),
});
type MomoResponse = z.infer<typeof momoResponseSchema>;

async function callMomo(http: HttpClient, url: string, body: Record<string, unknown>): Promise<MomoResponse> {
  const { json } = await postJson(http, 'momo', url, JSON.stringify(body));
  const parsed = momoResponseSchema.safeParse(json);
  if (!parsed.success) throw new GatewayError('momo', 'bad-response', undefined, 'unexpected answer shape');
  return parsed.data;
}

/** Encodes extraData: "" or base64 of the JSON. */
export function encodeMomoExtraData(extra: Record<string, unknown> | undefined): string {
  return extra === undefined || Object.keys(extra).length === 0
    ? ''
    : Buffer.from(JSON.stringify(extra), 'utf8').toString('base64');
}

/** MoMo resultCodes that mean a query found a transaction that definitively did not complete. */
const QUERY_FAILED_CODES = new Set([1001, 1002, 1003, 1004, 1005, 1006, 1007, 1017, 1026, 4001, 4010, 4011, 4100]);
/** "orderId not found". */
const QUERY_NOT_FOUND_CODE = 42;

/** The MoMo plugin. */
export function createMomoGateway(config: MomoConfig): GatewayPlugin {
  const endpoint = (config.endpoint ?? MOMO_TEST_ENDPOINT).replace(/\/+$/, '');
  return {
    name: 'momo',
    protocol: 'momo',
    merchantCode: config.partnerCode,

    async createPayment(req: CreatePaymentRequest): Promise<CreatePaymentResult> {
      if (!Number.isSafeInteger(req.amount) || req.amount < MOMO_MIN_AMOUNT || req.amount > MOMO_MAX_AMOUNT) {
        throw new ValidationError([
          { path: 'amount', message: `MoMo takes whole VND from ${MOMO_MIN_AMOUNT} to ${MOMO_MAX_AMOUNT}` },
        ]);
      }
      if (!MOMO_ORDER_ID_PATTERN.test(req.txnRef)) {
        throw new ValidationError([{ path: 'txnRef', message: 'Not a valid MoMo orderId' }]);
      }
      const requestId = config.requestId();
      const signedFields: MomoCreateSigned = {
        amount: req.amount,
        extraData: encodeMomoExtraData(req.extraData),
        ipnUrl: req.ipnUrl ?? config.ipnUrl,
        orderId: req.txnRef,
        orderInfo: req.orderInfo,
        partnerCode: config.partnerCode,
        redirectUrl: req.returnUrl ?? config.redirectUrl,
        requestId,
        requestType: 'captureWallet',
      };
      const body = {
        partnerCode: signedFields.partnerCode,
        requestId,
        amount: req.amount,
        orderId: signedFields.orderId,
        orderInfo: signedFields.orderInfo,
        redirectUrl: signedFields.redirectUrl,
        ipnUrl: signedFields.ipnUrl,
        requestType: signedFields.requestType,
        extraData: signedFields.extraData,
        lang: req.locale === 'en' ? 'en' : 'vi',
        signature: hmacSha256Hex(config.secretKey, momoCreateSignData(signedFields, config.accessKey)),
      };
      const response = await callMomo(config.http, `${endpoint}/v2/gateway/api/create`, body);
      if (response.resultCode !== 0) {
        throw new GatewayError('momo', 'rejected', String(response.resultCode), response.message ?? undefined);
      }
      if (!response.payUrl) throw new GatewayError('momo', 'bad-response', '0', 'no payUrl in the answer');
      if (response.orderId && response.orderId !== req.txnRef) {
        throw new GatewayError('momo', 'bad-response', '0', 'the answer is about another order');
      }
      return { redirectUrl: response.payUrl, merchantCode: config.partnerCode, requestId };
    },

    verifyCallback(raw: RawCallback): VerifiedCallback {
      if (raw.method !== 'POST') return { signatureValid: false, gateway: 'momo', outcome: 'failed' };
      return verifyMomoIpn(raw.rawBody, config.accessKey, config.secretKey);
    },

    callbackAnswer: momoAnswer,

    async queryStatus(q: QueryRequest): Promise<QueryResult> {
      const requestId = config.requestId();
      const fields = { orderId: q.txnRef, partnerCode: config.partnerCode, requestId };
      const response = await callMomo(config.http, `${endpoint}/v2/gateway/api/query`, {
        partnerCode: config.partnerCode,
        requestId,
        orderId: q.txnRef,
        lang: 'vi',
        signature: signMomoQuery(fields, config.accessKey, config.secretKey),
      });
      const code = response.resultCode;
      const base = { responseCode: String(code), ...(response.message ? { message: response.message } : {}) };
      if (code === QUERY_NOT_FOUND_CODE) return { outcome: 'not_found', ...base };
      if (response.orderId && response.orderId !== q.txnRef) {
        throw new GatewayError('momo', 'bad-response', String(code), 'the answer is about another order');
      }
      // Anything that is neither a transaction result we know nor "in progress" is a refusal of the query
      // itself (bad signature, maintenance, ...): the payment must not be failed because of it.
      const outcome = code === 0 ? 'paid' : PENDING_RESULT_CODES.has(code) ? 'pending' : undefined;
      const settled = outcome ?? (QUERY_FAILED_CODES.has(code) ? 'failed' : undefined);
      if (!settled) throw new GatewayError('momo', 'rejected', String(code), response.message ?? undefined);
      const result: QueryResult = { outcome: settled, ...base };
      if (typeof response.amount === 'number') result.amount = response.amount;
      if (typeof response.transId === 'number' && response.transId > 0) {
        result.gatewayTransactionNo = String(response.transId);
      }
      if (settled === 'paid' && typeof response.responseTime === 'number') {
        result.paidAt = toLocalIso(new Date(response.responseTime));
      }
      return result;
    },

    async refund(r: RefundRequest): Promise<RefundResult> {
      if (!Number.isSafeInteger(r.amount) || r.amount < MOMO_MIN_AMOUNT || r.amount > r.paymentAmount) {
        throw new ValidationError([
          { path: 'amount', message: `A MoMo refund is at least ${MOMO_MIN_AMOUNT} VND and at most the amount paid` },
        ]);
      }
      if (!MOMO_ORDER_ID_PATTERN.test(r.refundId)) {
        throw new ValidationError([{ path: 'refundId', message: 'Not a valid MoMo orderId' }]);
      }
      const transId = Number(r.gatewayTransactionNo);
      if (!r.gatewayTransactionNo || !/^\d+$/.test(r.gatewayTransactionNo) || !Number.isSafeInteger(transId)) {
        throw new ValidationError([{ path: 'gatewayTransactionNo', message: 'The MoMo transId is required' }]);
      }
      const requestId = config.requestId();
      const fields = {
        amount: r.amount,
        description: r.reason,
        orderId: r.refundId,
        partnerCode: config.partnerCode,
        requestId,
        transId,
      };
      const response = await callMomo(config.http, `${endpoint}/v2/gateway/api/refund`, {
        partnerCode: config.partnerCode,
        orderId: r.refundId,
        requestId,
        amount: r.amount,
        transId,
        lang: 'vi',
        description: r.reason,
        signature: signMomoRefund(fields, config.accessKey, config.secretKey),
      });
      const code = response.resultCode;
      const result: RefundResult = {
        status: code === 0 ? 'succeeded' : PENDING_RESULT_CODES.has(code) ? 'pending' : 'failed',
        responseCode: String(code),
      };
      if (response.message) result.message = response.message;
      if (code === 0 && typeof response.transId === 'number') result.gatewayRefundNo = String(response.transId);
      return result;
    },
  };
}
