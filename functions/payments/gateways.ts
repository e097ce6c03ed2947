/**
 * The gateway registry of a running function, built once per container from its configuration.
 *
 * - Locally (`MOTCUA_LOCAL=true`): credentials from the environment (VNPAY_TMN_CODE, VNPAY_HASH_SECRET,
 *   MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY) with development defaults; the sandbox gateway is
 *   registered; VNPay's merchant API and MoMo's API are answered in process by small stand-ins unless
 *   VNPAY_API_URL / MOMO_ENDPOINT name real ones (no developer machine has a real merchant account).
 * - On AWS: credentials from Secrets Manager, read once per container (VNPAY_SECRET_NAME, MOMO_SECRET_NAME, set
 *   by the deployment for the gateways the province config enables); a gateway with no secret named, or whose
 *   secret does not exist, is not offered.
 *   PAYMENT_GATEWAYS (comma-separated) limits the gateways offered; VNPAY_PAYMENT_URL, VNPAY_API_URL and
 *   MOMO_ENDPOINT name the production endpoints (VNPay's sandbox and MoMo's test endpoint by default).
 * - The national payment platform (`paygov`): PAYGOV_SECRET_NAME ({partnerCode, secretKey, paymentUrl?, apiUrl?})
 *   on AWS, PAYGOV_PARTNER_CODE / PAYGOV_SECRET_KEY locally (development defaults), PAYGOV_PAYMENT_URL and
 *   PAYGOV_API_URL for the endpoints (locally the stand-in national portal's platform), PAYGOV_BENEFICIARY (JSON,
 *   the treasury account fees are collected into, from the province config) and PAYGOV_BILL_TTL_MINUTES.
 */
import { createHmac, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { now } from '#platform/clock.ts';
import { isLocal, optionalEnv, requiredEnv } from '#platform/env.ts';
import { logger } from '#platform/observability.ts';
import { paygovBeneficiarySchema } from '#platform/province.ts';
import { readJsonSecret } from '#platform/secrets.ts';
import { type GatewayPlugin, GatewayRegistry, type HttpClient } from './domain/gateway.ts';
import { createMomoGateway, MOMO_TEST_ENDPOINT } from './domain/momo.ts';
import {
  createPaygovGateway,
  isPaygovPlugin,
  PAYGOV_DEFAULT_URLS,
  PAYGOV_LOCAL_DEFAULTS,
  type PaygovBeneficiary,
  type PaygovPlugin,
} from './domain/paygov.ts';
import { createSandboxGateway, SANDBOX_DEFAULTS } from './domain/sandbox.ts';
import { apiResponseSignData, createVnpayGateway, formatVnpayDate, VNPAY_SANDBOX_URLS } from './domain/vnpay.ts';
import type { GatewayName } from './events.ts';
import * as store from './store.ts';

/** Development credentials, used locally when the environment names none; never valid at a real gateway. */
export const LOCAL_GATEWAY_DEFAULTS = {
  vnpay: { tmnCode: 'DEVVNPAY', hashSecret: 'motcua-local-vnpay-hash-secret-not-for-production' },
  momo: {
    partnerCode: 'MOMODEVLOCAL',
    accessKey: 'motcua-local-momo-access-key',
    secretKey: 'motcua-local-momo-secret-key-not-for-production',
  },
} as const;

const GATEWAY_TIMEOUT_MS = 10_000;

/** The network, as the plugins want it: one exchange, bodies as text, a bounded wait. */
export const fetchHttp: HttpClient = async (url, init) => {
  const response = await fetch(url, {
    method: init.method,
    headers: init.headers,
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text() };
};

const newRequestId = (): string => randomUUID().replace(/-/g, '');

/** The API's public base URL (callbacks and return pages are addressed to it). */
export function apiBaseUrl(): string {
  return requiredEnv('API_URL').replace(/\/+$/, '');
}

export const vnpayReturnUrl = (): string => `${apiBaseUrl()}/payments/vnpay/return`;
export const momoReturnUrl = (): string => `${apiBaseUrl()}/payments/momo/return`;
export const momoIpnUrl = (): string => `${apiBaseUrl()}/payments/momo/ipn`;
export const vnpayIpnUrl = (): string => `${apiBaseUrl()}/payments/vnpay/ipn`;

/** The sandbox's settings (local only): its own merchant code and secret, and the local checkout page. */
export function sandboxSettings(): { tmnCode: string; hashSecret: string; checkoutUrl: string } {
  return {
    tmnCode: optionalEnv('SANDBOX_TMN_CODE', SANDBOX_DEFAULTS.tmnCode),
    hashSecret: optionalEnv('SANDBOX_HASH_SECRET', SANDBOX_DEFAULTS.hashSecret),
    checkoutUrl: `${apiBaseUrl()}/dev/gateway/checkout`,
  };
}

const vnpaySecretSchema = z.object({
  tmnCode: z.string().min(1),
  hashSecret: z.string().min(1),
  paymentUrl: z.string().url().optional(),
  apiUrl: z.string().url().optional(),
});
const paygovSecretSchema = z.object({
  partnerCode: z.string().min(1),
  secretKey: z.string().min(1),
  paymentUrl: z.string().url().optional(),
  apiUrl: z.string().url().optional(),
});

/** A local development account; a real province's comes from its config (gateways.paygov.beneficiary). */
const LOCAL_BENEFICIARY: PaygovBeneficiary = {
  accountNumber: '3511.0.1234567',
  bankCode: 'KBNN',
  accountName: 'Kho bạc Nhà nước (tài khoản thử nghiệm)',
  treasury: 'KBNN thử nghiệm',
  budgetAccount: '3511',
};

/**
 * The account the national payment platform is told to collect fees into (PAYGOV_BENEFICIARY, JSON, set from
 * the province config); locally a development account when none is set.
 */
export function paygovBeneficiary(): PaygovBeneficiary | undefined {
  const raw = process.env.PAYGOV_BENEFICIARY;
  if (!raw) return isLocal() ? LOCAL_BENEFICIARY : undefined;
  const parsed = paygovBeneficiarySchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error('PAYGOV_BENEFICIARY is not a beneficiary account');
  const { decisionBody, decisionNumber, ...account } = parsed.data;
  return {
    ...account,
    ...(decisionBody ? { decisionBody } : {}),
    ...(decisionNumber ? { decisionNumber } : {}),
  };
}

/** How long a bill on the national payment platform stays payable: PAYGOV_BILL_TTL_MINUTES, default 3 days. */
export function paygovBillTtlMinutes(): number {
  const minutes = Number(process.env.PAYGOV_BILL_TTL_MINUTES);
  return Number.isInteger(minutes) && minutes > 0 ? minutes : 3 * 24 * 60;
}

const momoSecretSchema = z.object({
  partnerCode: z.string().min(1),
  accessKey: z.string().min(1),
  secretKey: z.string().min(1),
  endpoint: z.string().url().optional(),
});

/**
 * The secret named by `envName` (set by the deployment only for a gateway the province config enables, with
 * the grant to read it); none named, or a secret that does not exist: the gateway is not configured here.
 */
async function readConfiguredSecret<T>(envName: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const secretId = process.env[envName];
  if (!secretId) return undefined;
  return readJsonSecret(secretId, schema);
}

function enabledGateways(): Set<GatewayName> {
  const listed = process.env.PAYMENT_GATEWAYS;
  const names = listed
    ? listed.split(',').map((n) => n.trim())
    : isLocal()
      ? ['vnpay', 'momo', 'sandbox', 'paygov']
      : ['vnpay', 'momo', 'paygov'];
  const known = new Set<GatewayName>(['vnpay', 'momo', 'sandbox', 'paygov']);
  // The sandbox holds no money and answers from a local record: it must never be offered on AWS.
  return new Set(names.filter((n): n is GatewayName => known.has(n as GatewayName) && (n !== 'sandbox' || isLocal())));
}

async function vnpayPlugin(local: boolean): Promise<GatewayPlugin | undefined> {
  const secret = local
    ? {
        tmnCode: optionalEnv('VNPAY_TMN_CODE', LOCAL_GATEWAY_DEFAULTS.vnpay.tmnCode),
        hashSecret: optionalEnv('VNPAY_HASH_SECRET', LOCAL_GATEWAY_DEFAULTS.vnpay.hashSecret),
      }
    : await readConfiguredSecret('VNPAY_SECRET_NAME', vnpaySecretSchema);
  if (!secret) return undefined;
  const apiUrl = process.env.VNPAY_API_URL || ('apiUrl' in secret ? secret.apiUrl : undefined);
  const useStandIn = local && !apiUrl;
  return createVnpayGateway({
    tmnCode: secret.tmnCode,
    hashSecret: secret.hashSecret,
    paymentUrl:
      process.env.VNPAY_PAYMENT_URL ||
      ('paymentUrl' in secret ? secret.paymentUrl : undefined) ||
      VNPAY_SANDBOX_URLS.paymentUrl,
    apiUrl: apiUrl || VNPAY_SANDBOX_URLS.apiUrl,
    returnUrl: vnpayReturnUrl(),
    serverIpAddr: optionalEnv('SERVER_IP_ADDR', '127.0.0.1'),
    http: useStandIn ? localVnpayApi(secret.tmnCode, secret.hashSecret) : fetchHttp,
    now,
    requestId: newRequestId,
  });
}

async function momoPlugin(local: boolean): Promise<GatewayPlugin | undefined> {
  const secret = local
    ? {
        partnerCode: optionalEnv('MOMO_PARTNER_CODE', LOCAL_GATEWAY_DEFAULTS.momo.partnerCode),
        accessKey: optionalEnv('MOMO_ACCESS_KEY', LOCAL_GATEWAY_DEFAULTS.momo.accessKey),
        secretKey: optionalEnv('MOMO_SECRET_KEY', LOCAL_GATEWAY_DEFAULTS.momo.secretKey),
      }
    : await readConfiguredSecret('MOMO_SECRET_NAME', momoSecretSchema);
  if (!secret) return undefined;
  const endpoint = process.env.MOMO_ENDPOINT || ('endpoint' in secret ? secret.endpoint : undefined);
  const useStandIn = local && !endpoint;
  return createMomoGateway({
    partnerCode: secret.partnerCode,
    accessKey: secret.accessKey,
    secretKey: secret.secretKey,
    endpoint: endpoint || MOMO_TEST_ENDPOINT,
    redirectUrl: momoReturnUrl(),
    ipnUrl: momoIpnUrl(),
    http: useStandIn ? localMomoApi(secret.partnerCode) : fetchHttp,
    now,
    requestId: newRequestId,
  });
}

async function paygovPlugin(local: boolean): Promise<GatewayPlugin | undefined> {
  const secret = local
    ? {
        partnerCode: optionalEnv('PAYGOV_PARTNER_CODE', PAYGOV_LOCAL_DEFAULTS.partnerCode),
        secretKey: optionalEnv('PAYGOV_SECRET_KEY', PAYGOV_LOCAL_DEFAULTS.secretKey),
      }
    : await readConfiguredSecret('PAYGOV_SECRET_NAME', paygovSecretSchema);
  if (!secret) return undefined;
  // Locally the platform is the stand-in national portal's, reached over HTTP like the real one.
  const fallback = local
    ? {
        paymentUrl: `${apiBaseUrl()}${PAYGOV_LOCAL_DEFAULTS.paymentPath}`,
        apiUrl: `${apiBaseUrl()}${PAYGOV_LOCAL_DEFAULTS.apiPath}`,
      }
    : PAYGOV_DEFAULT_URLS;
  return createPaygovGateway({
    partnerCode: secret.partnerCode,
    secretKey: secret.secretKey,
    paymentUrl:
      process.env.PAYGOV_PAYMENT_URL || ('paymentUrl' in secret ? secret.paymentUrl : undefined) || fallback.paymentUrl,
    apiUrl: process.env.PAYGOV_API_URL || ('apiUrl' in secret ? secret.apiUrl : undefined) || fallback.apiUrl,
    http: fetchHttp,
    now,
  });
}

function sandboxPlugin(): GatewayPlugin {
  const settings = sandboxSettings();
  return createSandboxGateway({
    ...settings,
    returnUrl: vnpayReturnUrl(),
    lookup: (txnRef) => store.getSandboxOutcome(txnRef),
  });
}

async function buildRegistry(): Promise<GatewayRegistry> {
  const local = isLocal();
  const enabled = enabledGateways();
  const [vnpay, momo, paygov] = await Promise.all([
    enabled.has('vnpay') ? vnpayPlugin(local) : undefined,
    enabled.has('momo') ? momoPlugin(local) : undefined,
    enabled.has('paygov') ? paygovPlugin(local) : undefined,
  ]);
  const registry = new GatewayRegistry();
  if (vnpay) registry.register(vnpay);
  else if (enabled.has('vnpay')) logger.warn('VNPay is enabled but has no credentials; not offered');
  if (momo) registry.register(momo);
  else if (enabled.has('momo')) logger.warn('MoMo is enabled but has no credentials; not offered');
  if (paygov) registry.register(paygov);
  else if (enabled.has('paygov')) logger.warn('The national payment platform is enabled but has no credentials');
  if (enabled.has('sandbox')) registry.register(sandboxPlugin());
  return registry;
}

let registry: Promise<GatewayRegistry> | undefined;

/** The configured gateways; built on first use and kept for the container's life (a failed build is retried). */
export function gatewayRegistry(): Promise<GatewayRegistry> {
  if (!registry) {
    const building = buildRegistry();
    registry = building;
    building.catch(() => {
      if (registry === building) registry = undefined;
    });
  }
  return registry;
}

/** The national payment platform's plugin, when the province offers it. */
export async function nationalPlatform(): Promise<PaygovPlugin | undefined> {
  const registry = await gatewayRegistry();
  const plugin = registry.has('paygov') ? registry.get('paygov') : undefined;
  return isPaygovPlugin(plugin) ? plugin : undefined;
}

/** Forgets the registry (tests that change the environment). */
export function resetGatewayRegistry(): void {
  registry = undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Local stand-ins for the gateways' server APIs (only used locally when no real endpoint is configured)

function jsonAnswer(body: unknown): { status: number; body: string } {
  return { status: 200, body: JSON.stringify(body) };
}

/**
 * VNPay's merchant API as far as a local machine can know it: no transaction made on VNPay's real pages can
 * exist, so querydr answers 91 (not found); a refund is accepted, signed as VNPay signs its answers.
 */
export function localVnpayApi(tmnCode: string, hashSecret: string): HttpClient {
  return async (_url, init) => {
    const request = JSON.parse(init.body ?? '{}') as Record<string, string | number>;
    if (request.vnp_Command === 'querydr') {
      return jsonAnswer({
        vnp_ResponseId: newRequestId(),
        vnp_Command: 'querydr',
        vnp_ResponseCode: '91',
        vnp_Message: 'Transaction not found (local stand-in)',
        vnp_TmnCode: tmnCode,
        vnp_TxnRef: request.vnp_TxnRef,
      });
    }
    const response: Record<string, string> = {
      vnp_ResponseId: newRequestId(),
      vnp_Command: 'refund',
      vnp_ResponseCode: '00',
      vnp_Message: 'Refund success (local stand-in)',
      vnp_TmnCode: tmnCode,
      vnp_TxnRef: String(request.vnp_TxnRef ?? ''),
      vnp_Amount: String(request.vnp_Amount ?? ''),
      vnp_BankCode: 'NCB',
      vnp_PayDate: formatVnpayDate(now()),
      vnp_TransactionNo: String(10_000_000 + Math.floor(Math.random() * 89_999_999)),
      vnp_TransactionType: String(request.vnp_TransactionType ?? '02'),
      vnp_TransactionStatus: '00',
      vnp_OrderInfo: String(request.vnp_OrderInfo ?? ''),
    };
    const signData = apiResponseSignData(response, 'refund');
    return jsonAnswer({
      ...response,
      vnp_SecureHash: createHmac('sha512', hashSecret).update(signData, 'utf8').digest('hex'),
    });
  };
}

/**
 * MoMo's API as far as a local machine can know it: create answers a payUrl on the local sandbox index (the
 * IPN is then sent by hand or by a test, signed as MoMo signs it); query finds nothing (42); refunds succeed.
 */
export function localMomoApi(partnerCode: string): HttpClient {
  return async (url, init) => {
    const request = JSON.parse(init.body ?? '{}') as Record<string, unknown>;
    const base = {
      partnerCode,
      orderId: request.orderId,
      requestId: request.requestId,
      responseTime: now().getTime(),
    };
    if (url.endsWith('/create')) {
      return jsonAnswer({
        ...base,
        amount: request.amount,
        resultCode: 0,
        message: 'Thành công (local stand-in).',
        payUrl: `${apiBaseUrl()}/dev/gateway/?momoOrderId=${encodeURIComponent(String(request.orderId))}`,
      });
    }
    if (url.endsWith('/query')) {
      return jsonAnswer({ ...base, resultCode: 42, message: 'Không tìm thấy giao dịch (local stand-in).' });
    }
    return jsonAnswer({
      ...base,
      amount: request.amount,
      transId: 3_000_000_000 + Math.floor(Math.random() * 999_999_999),
      resultCode: 0,
      message: 'Thành công (local stand-in).',
    });
  };
}
