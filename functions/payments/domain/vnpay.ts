/**
 * VNPay payment gateway ("vpcpay", API 2.1.0): the payment redirect URL, IPN and return-URL verification,
 * the IPN answers, and the merchant API (querydr, refund). See docs gateways.md, "VNPay".
 *
 * Signature rule (payment URL, IPN, return URL): every vnp_* parameter except vnp_SecureHash and
 * vnp_SecureHashType, sorted by name, each value encoded as an HTML form would (space → '+', UTF-8
 * percent-encoding), joined `name=value&...`, HMAC-SHA512 with the hash secret, lower-case hex.
 */
import { createHmac } from 'node:crypto';
import * as z from 'zod';
import { localDateTime, toLocalIso } from '#calendar/time.ts';
import { ValidationError } from '#platform/errors.ts';
import { stripVietnameseMarks } from '#platform/text.ts';
import type { GatewayName } from '../events.ts';
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

export const VNPAY_VERSION = '2.1.0';

/** VNPay's sandbox; production URLs come from the province's configuration. */
export const VNPAY_SANDBOX_URLS = {
  paymentUrl: 'https://sandbox.vnpayment.vn/paymentv2/vpcpay.html',
  apiUrl: 'https://sandbox.vnpayment.vn/merchant_webapi/api/transaction',
} as const;

export interface VnpayConfig {
  tmnCode: string;
  hashSecret: string;
  paymentUrl?: string;
  apiUrl?: string;
  /** Where VNPay sends the payer's browser back (the IPN URL is registered with VNPay, not sent). */
  returnUrl: string;
  /** Our server's address, sent as vnp_IpAddr on querydr and refund. */
  serverIpAddr?: string;
  /** vnp_OrderType; 'other' unless the merchant agreement names a category. */
  orderType?: string;
  http: HttpClient;
  now: () => Date;
  requestId: () => string;
}

type VnpParams = Record<string, string | undefined>;

// ---------------------------------------------------------------------------------------------------------
// Encoding and signature

/** Characters left as they are besides ASCII letters and digits; everything else is %XX of its UTF-8 bytes. */
const FORM_SAFE = '*-._';
/**
 * The same rule as implemented by VNPay's own sample code in other languages, which differ only in a few
 * punctuation characters (PHP urlencode, .NET WebUtility.UrlEncode, JavaScript encodeURIComponent). Only
 * consulted when verifying, and only matters when a value holds one of !'()*~.
 */
const VERIFY_SAFE_SETS = [FORM_SAFE, '-._', '!()*-._', "!'()*-._~"];

const utf8 = new TextEncoder();

function isUnreservedByte(byte: number, safe: string): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte < 0x80 && safe.includes(String.fromCharCode(byte)))
  );
}

/** application/x-www-form-urlencoded encoding of one value (what `URLSearchParams` produces). */
export function formEncode(value: string, safe: string = FORM_SAFE): string {
  let out = '';
  for (const byte of utf8.encode(value)) {
    if (byte === 0x20) out += '+';
    else if (isUnreservedByte(byte, safe)) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function isSignedName(name: string): boolean {
  return name.startsWith('vnp_') && name !== 'vnp_SecureHash' && name !== 'vnp_SecureHashType';
}

/** The exact string VNPay signs for these parameters (unset values are left out). */
export function vnpaySignData(params: VnpParams, safe: string = FORM_SAFE, keepEmpty = false): string {
  return Object.keys(params)
    .filter((name) => isSignedName(name))
    .filter((name) => params[name] !== undefined && (keepEmpty || params[name] !== ''))
    .sort()
    .map((name) => `${name}=${formEncode(params[name] as string, safe)}`)
    .join('&');
}

function hmacSha512Hex(secret: string, data: string): string {
  return createHmac('sha512', secret).update(data, 'utf8').digest('hex');
}

/** vnp_SecureHash for these parameters, as VNPay computes it. */
export function signVnpayParams(params: VnpParams, secret: string): string {
  return hmacSha512Hex(secret, vnpaySignData(params));
}

/** The query string VNPay would send (IPN / return URL) for these parameters, signed with `secret`. */
export function buildVnpayCallbackQuery(params: VnpParams, secret: string): string {
  return `${vnpaySignData(params)}&vnp_SecureHash=${signVnpayParams(params, secret)}`;
}

/** `base?<signed params>`, the payment redirect URL; its query is the signed string itself, as in VNPay's samples. */
export function buildVnpaySignedUrl(base: string, params: VnpParams, secret: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}${buildVnpayCallbackQuery(params, secret)}`;
}

/**
 * Decodes a query string the form way ('+' is a space, then percent-decoding). Undefined when it is
 * malformed or names a parameter twice (we cannot know which one was signed).
 */
export function parseFormQuery(rawQuery: string): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const text = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
    if (Object.hasOwn(params, name)) return undefined;
    params[name] = value;
  }
  return params;
}

/** True when vnp_SecureHash matches the other vnp_* parameters under `secret` (constant-time comparison). */
export function verifyVnpayParams(params: Record<string, string>, secret: string): boolean {
  const received = params.vnp_SecureHash;
  if (!received) return false;
  const candidates = new Set<string>();
  for (const safe of VERIFY_SAFE_SETS) {
    candidates.add(vnpaySignData(params, safe, false));
    candidates.add(vnpaySignData(params, safe, true));
  }
  let valid = false;
  // Every candidate is checked, so the time taken does not depend on which one matched.
  for (const data of candidates) {
    if (hexDigestEquals(received, hmacSha512Hex(secret, data))) valid = true;
  }
  return valid;
}

/** Decodes and verifies a signed VNPay query (IPN, return URL, or a sandbox checkout request). */
export function verifyVnpayQuery(
  rawQuery: string | undefined,
  secret: string,
): { signatureValid: boolean; params: Record<string, string> } {
  const params = rawQuery === undefined ? undefined : parseFormQuery(rawQuery);
  if (!params) return { signatureValid: false, params: {} };
  return { signatureValid: verifyVnpayParams(params, secret), params };
}

/** vnp_TmnCode of a callback query, to pick the plugin that must verify it; nothing is verified here. */
export function vnpayMerchantCodeOf(rawQuery: string | undefined): string | undefined {
  return rawQuery === undefined ? undefined : parseFormQuery(rawQuery)?.vnp_TmnCode;
}

// ---------------------------------------------------------------------------------------------------------
// Values

/** yyyyMMddHHmmss in GMT+7 (vnp_CreateDate, vnp_ExpireDate, vnp_PayDate, ...). */
export function formatVnpayDate(instant: Date): string {
  return toLocalIso(instant).slice(0, 19).replace(/[-T:]/g, ''); // YYYY-MM-DDTHH:MM:SS, the Vietnam clock
}

/** The instant a yyyyMMddHHmmss GMT+7 stamp names; undefined when it is not a real date and time. */
export function parseVnpayDate(text: string | undefined): Date | undefined {
  const m = text === undefined ? null : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})([0-5]\d)$/.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second] = m;
  try {
    const start = localDateTime(`${year}-${month}-${day}`, `${hour}:${minute}`);
    return new Date(start.getTime() + Number(second) * 1000);
  } catch {
    return undefined; // not a calendar date, or not a time of day
  }
}

/**
 * Text VNPay accepts in vnp_OrderInfo: ASCII letters, digits and single spaces, at most 255 characters.
 * Vietnamese letters lose their diacritics (đ/Đ become d/D); anything else becomes a space.
 */
export function sanitizeOrderInfo(text: string): string {
  return stripVietnameseMarks(text)
    .replace(/[^A-Za-z0-9 ]/g, ' ')
    .replace(/ +/g, ' ')
    .trim()
    .slice(0, 255)
    .trim();
}

const VNPAY_RESPONSE_MESSAGES: Record<string, string> = {
  '00': 'Transaction successful',
  '07': 'Money deducted; the transaction is suspected of fraud',
  '09': 'Card or account is not registered for internet banking',
  '10': 'Card or account verification failed more than 3 times',
  '11': 'The payment window expired',
  '12': 'Card or account is locked',
  '13': 'Wrong one-time password',
  '24': 'Cancelled by the payer',
  '51': 'Insufficient balance',
  '65': 'Daily transaction limit exceeded',
  '75': 'The paying bank is under maintenance',
  '79': 'Wrong payment password too many times',
  '99': 'Other error',
};

/** The fields of a verified VNPay callback (IPN or return URL) in the common shape. */
export function readVnpayCallback(
  gateway: GatewayName,
  params: Record<string, string>,
  signatureValid: boolean,
): VerifiedCallback {
  if (!signatureValid) return { signatureValid: false, gateway, outcome: 'failed', message: 'Invalid signature' };
  const amountText = params.vnp_Amount;
  const responseCode = params.vnp_ResponseCode;
  const paid = responseCode === '00' && params.vnp_TransactionStatus === '00';
  const paidAt = parseVnpayDate(params.vnp_PayDate);
  const transactionNo = params.vnp_TransactionNo;
  const result: VerifiedCallback = {
    signatureValid: true,
    gateway,
    outcome: paid ? 'paid' : 'failed',
  };
  if (params.vnp_TxnRef !== undefined) result.txnRef = params.vnp_TxnRef;
  // vnp_Amount is VND × 100; anything but digits stays undefined and so can never match a stored amount.
  if (amountText !== undefined && /^\d{1,17}$/.test(amountText)) result.amount = Number(amountText) / 100;
  if (params.vnp_TmnCode !== undefined) result.merchantCode = params.vnp_TmnCode;
  if (transactionNo && transactionNo !== '0') result.gatewayTransactionNo = transactionNo;
  if (params.vnp_BankCode) result.bankCode = params.vnp_BankCode;
  if (paid && paidAt) result.paidAt = toLocalIso(paidAt);
  if (responseCode !== undefined) {
    result.responseCode = responseCode;
    result.message = VNPAY_RESPONSE_MESSAGES[responseCode] ?? `VNPay response code ${responseCode}`;
  }
  return result;
}

const IPN_ANSWERS: Record<CallbackOutcome, { RspCode: string; Message: string }> = {
  invalid_signature: { RspCode: '97', Message: 'Invalid signature' },
  not_found: { RspCode: '01', Message: 'Order not found' },
  invalid_amount: { RspCode: '04', Message: 'invalid amount' },
  already_confirmed: { RspCode: '02', Message: 'Order already confirmed' },
  success: { RspCode: '00', Message: 'Confirm Success' },
  error: { RspCode: '99', Message: 'Unknow error' },
};

/** The IPN answer VNPay expects: always HTTP 200, JSON {RspCode, Message}. */
export function vnpayAnswer(outcome: CallbackOutcome): HttpAnswer {
  const answer = IPN_ANSWERS[outcome] ?? IPN_ANSWERS.error;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ RspCode: answer.RspCode, Message: answer.Message }),
  };
}

function assertWholeVnd(amount: number, path = 'amount'): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || !Number.isSafeInteger(amount * 100)) {
    throw new ValidationError([{ path, message: 'The amount must be a positive whole number of VND' }]);
  }
}

/** vnp_TxnRef: what our references look like and what both gateways accept. */
export const TXN_REF_PATTERN = /^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$/;

function assertTxnRef(txnRef: string): void {
  if (txnRef.length > 100 || !TXN_REF_PATTERN.test(txnRef)) {
    throw new ValidationError([{ path: 'txnRef', message: 'Not a valid merchant transaction reference' }]);
  }
}

/** The unsigned vnp_* parameters of a payment redirect. */
export function buildVnpayPaymentParams(
  req: CreatePaymentRequest,
  settings: { tmnCode: string; returnUrl: string; orderType?: string },
): Record<string, string> {
  assertWholeVnd(req.amount);
  assertTxnRef(req.txnRef);
  if (!(req.expiresAt.getTime() > req.createdAt.getTime())) {
    throw new ValidationError([{ path: 'expiresAt', message: 'The payment must expire after it is created' }]);
  }
  if (!req.payerIp) throw new ValidationError([{ path: 'payerIp', message: 'The payer IP address is required' }]);
  const orderInfo = sanitizeOrderInfo(req.orderInfo) || `Thanh toan ${req.txnRef}`;
  const params: Record<string, string> = {
    vnp_Version: VNPAY_VERSION,
    vnp_Command: 'pay',
    vnp_TmnCode: settings.tmnCode,
    vnp_Amount: String(req.amount * 100),
    vnp_CurrCode: 'VND',
    vnp_TxnRef: req.txnRef,
    vnp_OrderInfo: orderInfo,
    vnp_OrderType: settings.orderType ?? 'other',
    vnp_Locale: req.locale === 'en' ? 'en' : 'vn',
    vnp_ReturnUrl: req.returnUrl ?? settings.returnUrl,
    vnp_IpAddr: req.payerIp,
    vnp_CreateDate: formatVnpayDate(req.createdAt),
    vnp_ExpireDate: formatVnpayDate(req.expiresAt),
  };
  if (req.bankCode) params.vnp_BankCode = req.bankCode;
  return params;
}

// ---------------------------------------------------------------------------------------------------------
// Merchant API (querydr, refund)

/** vnp_RequestId: alphanumeric, at most 32 characters, unique per day. */
function vnpRequestId(raw: string): string {
  const id = raw.replace(/[^A-Za-z0-9]/g, '').slice(0, 32);
  if (!id) throw new Error('requestId() produced no usable characters');
  return id;
}

const apiScalar = z.union([z.string(), z.number()]).nullish();
const vnpayApiResponseSchema = z.looseObject({
  vnp_ResponseId: apiScalar,
  vnp_Command: apiScalar,
  vnp_ResponseCode: apiScalar,
  vnp_Message: apiScalar,
  vnp_TmnCode: apiScalar,
  vnp_TxnRef: apiScalar,
  vnp_Amount: apiScalar,
  vnp_BankCode: apiScalar,
  vnp_PayDate: apiScalar,
  vnp_TransactionNo: apiScalar,
  vnp_TransactionType: apiScalar,
  vnp_TransactionStatus: apiScalar,
  vnp_OrderInfo: apiScalar,
  vnp_PromotionCode: apiScalar,
  vnp_PromotionAmount: apiScalar,
  vnp_SecureHash: apiScalar,
});
type VnpayApiResponse = z.infer<typeof vnpayApiResponseSchema>;

function text(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

const QUERYDR_RESPONSE_FIELDS = [
  'vnp_ResponseId',
  'vnp_Command',
  'vnp_ResponseCode',
  'vnp_Message',
  'vnp_TmnCode',
  'vnp_TxnRef',
  'vnp_Amount',
  'vnp_BankCode',
  'vnp_PayDate',
  'vnp_TransactionNo',
  'vnp_TransactionType',
  'vnp_TransactionStatus',
  'vnp_OrderInfo',
  'vnp_PromotionCode',
  'vnp_PromotionAmount',
] as const;
const REFUND_RESPONSE_FIELDS = QUERYDR_RESPONSE_FIELDS.slice(0, 13);

/** The `|`-joined string VNPay signs for a querydr request. */
export function querydrRequestSignData(body: Record<string, string>): string {
  return [
    body.vnp_RequestId,
    body.vnp_Version,
    body.vnp_Command,
    body.vnp_TmnCode,
    body.vnp_TxnRef,
    body.vnp_TransactionDate,
    body.vnp_CreateDate,
    body.vnp_IpAddr,
    body.vnp_OrderInfo,
  ]
    .map((v) => v ?? '')
    .join('|');
}

/** The `|`-joined string VNPay signs for a refund request. */
export function refundRequestSignData(body: Record<string, string | number>): string {
  return [
    body.vnp_RequestId,
    body.vnp_Version,
    body.vnp_Command,
    body.vnp_TmnCode,
    body.vnp_TransactionType,
    body.vnp_TxnRef,
    body.vnp_Amount,
    body.vnp_TransactionNo,
    body.vnp_TransactionDate,
    body.vnp_CreateBy,
    body.vnp_CreateDate,
    body.vnp_IpAddr,
    body.vnp_OrderInfo,
  ]
    .map((v) => (v === undefined ? '' : String(v)))
    .join('|');
}

/** The `|`-joined string VNPay signs in a querydr (15 fields) or refund (13 fields) response. */
export function apiResponseSignData(response: VnpayApiResponse, kind: 'querydr' | 'refund'): string {
  const fields = kind === 'querydr' ? QUERYDR_RESPONSE_FIELDS : REFUND_RESPONSE_FIELDS;
  return fields.map((field) => text(response[field])).join('|');
}

/**
 * Checks the hash of a merchant API response. VNPay signs its answers to accepted requests; an answer with
 * code 00 must carry a valid hash, any other answer must carry a valid one if it carries one at all.
 */
function assertApiResponseSigned(
  gateway: GatewayName,
  response: VnpayApiResponse,
  kind: 'querydr' | 'refund',
  secret: string,
): void {
  const received = text(response.vnp_SecureHash);
  const responseCode = text(response.vnp_ResponseCode);
  if (!received) {
    if (responseCode === '00') throw new GatewayError(gateway, 'bad-signature', responseCode, 'unsigned answer');
    return;
  }
  if (!hexDigestEquals(received, hmacSha512Hex(secret, apiResponseSignData(response, kind)))) {
    throw new GatewayError(gateway, 'bad-signature', responseCode);
  }
}

async function callVnpayApi(
  gateway: GatewayName,
  http: HttpClient,
  url: string,
  body: Record<string, string | number>,
): Promise<VnpayApiResponse> {
  const { json } = await postJson(http, gateway, url, JSON.stringify(body));
  const parsed = vnpayApiResponseSchema.safeParse(json);
  if (!parsed.success) throw new GatewayError(gateway, 'bad-response', undefined, 'unexpected answer shape');
  return parsed.data;
}

function amountFromVnp(value: string | number | null | undefined): number | undefined {
  const digits = text(value);
  return /^\d{1,17}$/.test(digits) ? Number(digits) / 100 : undefined;
}

interface VnpayApiSettings {
  gateway: GatewayName;
  tmnCode: string;
  hashSecret: string;
  apiUrl: string;
  serverIpAddr: string;
  http: HttpClient;
  now: () => Date;
  requestId: () => string;
}

/** querydr: what VNPay knows about one of our transactions. */
export async function vnpayQueryDr(settings: VnpayApiSettings, q: QueryRequest): Promise<QueryResult> {
  const body: Record<string, string> = {
    vnp_RequestId: vnpRequestId(settings.requestId()),
    vnp_Version: VNPAY_VERSION,
    vnp_Command: 'querydr',
    vnp_TmnCode: settings.tmnCode,
    vnp_TxnRef: q.txnRef,
    vnp_OrderInfo: sanitizeOrderInfo(q.orderInfo ?? '') || `Truy van giao dich ${q.txnRef}`,
    vnp_TransactionDate: formatVnpayDate(q.transactionDate),
    vnp_CreateDate: formatVnpayDate(settings.now()),
    vnp_IpAddr: settings.serverIpAddr,
  };
  body.vnp_SecureHash = hmacSha512Hex(settings.hashSecret, querydrRequestSignData(body));
  const response = await callVnpayApi(settings.gateway, settings.http, settings.apiUrl, body);
  assertApiResponseSigned(settings.gateway, response, 'querydr', settings.hashSecret);
  const responseCode = text(response.vnp_ResponseCode);
  const message = text(response.vnp_Message) || undefined;
  if (responseCode === '91') return { outcome: 'not_found', responseCode, ...(message ? { message } : {}) };
  if (responseCode !== '00') throw new GatewayError(settings.gateway, 'rejected', responseCode, message);
  if (text(response.vnp_TxnRef) !== q.txnRef) {
    throw new GatewayError(settings.gateway, 'bad-response', responseCode, 'the answer is about another transaction');
  }
  const status = text(response.vnp_TransactionStatus);
  // 00 paid, 01 not completed yet, 02 failed; the rest (reversed, refund in progress, suspected fraud)
  // need a person and so stay pending rather than being settled automatically.
  const outcome = status === '00' ? 'paid' : status === '02' ? 'failed' : 'pending';
  const result: QueryResult = { outcome, responseCode: status };
  const amount = amountFromVnp(response.vnp_Amount);
  if (amount !== undefined) result.amount = amount;
  const transactionNo = text(response.vnp_TransactionNo);
  if (transactionNo && transactionNo !== '0') result.gatewayTransactionNo = transactionNo;
  if (text(response.vnp_BankCode)) result.bankCode = text(response.vnp_BankCode);
  const paidAt = parseVnpayDate(text(response.vnp_PayDate));
  if (outcome === 'paid' && paidAt) result.paidAt = toLocalIso(paidAt);
  if (message) result.message = message;
  return result;
}

/** refund: full (02) or partial (03) refund of a paid transaction. */
export async function vnpayRefund(settings: VnpayApiSettings, r: RefundRequest): Promise<RefundResult> {
  assertWholeVnd(r.amount);
  if (r.amount > r.paymentAmount) {
    throw new ValidationError([{ path: 'amount', message: 'A refund cannot exceed the amount paid' }]);
  }
  const body: Record<string, string | number> = {
    vnp_RequestId: vnpRequestId(settings.requestId()),
    vnp_Version: VNPAY_VERSION,
    vnp_Command: 'refund',
    vnp_TmnCode: settings.tmnCode,
    vnp_TransactionType: r.amount === r.paymentAmount ? '02' : '03',
    vnp_TxnRef: r.txnRef,
    vnp_Amount: r.amount * 100,
    vnp_OrderInfo: sanitizeOrderInfo(r.reason) || `Hoan tien ${r.txnRef}`,
    // VNPay's own libraries send 0 when the VNPay transaction number is not known.
    vnp_TransactionNo: r.gatewayTransactionNo || '0',
    vnp_TransactionDate: formatVnpayDate(r.transactionDate),
    vnp_CreateBy: r.createdBy,
    vnp_CreateDate: formatVnpayDate(settings.now()),
    vnp_IpAddr: settings.serverIpAddr,
  };
  body.vnp_SecureHash = hmacSha512Hex(settings.hashSecret, refundRequestSignData(body));
  const response = await callVnpayApi(settings.gateway, settings.http, settings.apiUrl, body);
  assertApiResponseSigned(settings.gateway, response, 'refund', settings.hashSecret);
  const responseCode = text(response.vnp_ResponseCode);
  const message = text(response.vnp_Message) || undefined;
  const extra = { responseCode, ...(message ? { message } : {}) };
  if (responseCode === '00') {
    const status = text(response.vnp_TransactionStatus);
    const refundNo = text(response.vnp_TransactionNo);
    return {
      // 05: VNPay is processing the refund; 06: sent to the bank.
      status: status === '05' || status === '06' ? 'pending' : 'succeeded',
      ...(refundNo && refundNo !== '0' ? { gatewayRefundNo: refundNo } : {}),
      ...extra,
    };
  }
  // 94: the same refund was asked for moments ago and is being handled.
  if (responseCode === '94') return { status: 'pending', ...extra };
  // 91: no such transaction; 95: VNPay refuses to refund it.
  if (responseCode === '91' || responseCode === '95') return { status: 'failed', ...extra };
  throw new GatewayError(settings.gateway, 'rejected', responseCode, message);
}

// ---------------------------------------------------------------------------------------------------------
// The plugin

/** The VNPay plugin. */
export function createVnpayGateway(config: VnpayConfig): GatewayPlugin {
  const api: VnpayApiSettings = {
    gateway: 'vnpay',
    tmnCode: config.tmnCode,
    hashSecret: config.hashSecret,
    apiUrl: config.apiUrl ?? VNPAY_SANDBOX_URLS.apiUrl,
    serverIpAddr: config.serverIpAddr ?? '127.0.0.1',
    http: config.http,
    now: config.now,
    requestId: config.requestId,
  };
  const paymentUrl = config.paymentUrl ?? VNPAY_SANDBOX_URLS.paymentUrl;
  return {
    name: 'vnpay',
    protocol: 'vnpay',
    merchantCode: config.tmnCode,
    async createPayment(req: CreatePaymentRequest): Promise<CreatePaymentResult> {
      const params = buildVnpayPaymentParams(req, {
        tmnCode: config.tmnCode,
        returnUrl: config.returnUrl,
        ...(config.orderType ? { orderType: config.orderType } : {}),
      });
      return { redirectUrl: buildVnpaySignedUrl(paymentUrl, params, config.hashSecret), merchantCode: config.tmnCode };
    },
    verifyCallback(raw: RawCallback): VerifiedCallback {
      if (raw.method !== 'GET') return { signatureValid: false, gateway: 'vnpay', outcome: 'failed' };
      const { signatureValid, params } = verifyVnpayQuery(raw.rawQuery, config.hashSecret);
      return readVnpayCallback('vnpay', params, signatureValid);
    },
    callbackAnswer: vnpayAnswer,
    queryStatus: (q) => vnpayQueryDr(api, q),
    refund: (r) => vnpayRefund(api, r),
  };
}
