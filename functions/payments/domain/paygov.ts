/**
 * The national payment platform (Nền tảng thanh toán trên Cổng DVCQG, "PayGov") as one more gateway plugin.
 *
 * Unlike VNPay and MoMo, the platform calls the province: a citizen paying a dossier on DVCQG types (or is given)
 * the dossier's lookup code `MaTraCuuTT`; the platform asks the province for the bill (what is due, to which
 * treasury account), takes the money through one of its intermediaries, and confirms the payment to the province.
 * The province can ask the platform for a transaction's state (reconciliation) and for refunds.
 *
 * No specification of the platform is public. Every field name of its messages is in this one module, with
 * the shapes provincial systems expose (../shared/brief/national-portal.md), so that it can be corrected when a
 * province receives the platform's specification; which parts are assumptions is in docs/national-portal.md.
 * Messages are JSON; every message carries `ChuKy`, hex HMAC-SHA256 with the province's key over the fields
 * `signFields` lists, joined by `|` in that order; dates are yyyyMMddHHmmss in GMT+7; amounts whole VND.
 *
 * Pure: the network is the injected HttpClient, "now" is injected.
 */
import { createHash, createHmac } from 'node:crypto';
import * as z from 'zod';
import { toLocalIso } from '#calendar/time.ts';
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
import { formatVnpayDate, parseVnpayDate } from './vnpay.ts';

/** The platform's production endpoints (assumptions until the province's contract names them). */
export const PAYGOV_DEFAULT_URLS = {
  paymentUrl: 'https://dichvucong.gov.vn/p/home/dvc-thanh-toan-truc-tuyen.html',
  apiUrl: 'https://thanhtoan.dichvucong.gov.vn/api',
} as const;

/** Development settings, used locally when the environment names none; never valid at the real platform. */
export const PAYGOV_LOCAL_DEFAULTS = {
  partnerCode: 'H19DEVPAYGOV',
  secretKey: 'motcua-local-paygov-secret-not-for-production',
  /** Below the API's base URL: the stand-in national portal's payment platform (packages/local-cloud). */
  paymentPath: '/dev/national-portal/payments/',
  apiPath: '/dev/national-portal/payment-platform/api',
} as const;

/** The paths of the platform's API below its apiUrl. */
export const PAYGOV_API_PATHS = { query: '/giaodich/truyvan', refund: '/giaodich/hoantien' } as const;

/** The fields each message signs, in order. */
export const PAYGOV_SIGNED_FIELDS = {
  billRequest: ['MaDoiTac', 'MaTraCuuTT', 'ThoiGianGui'],
  bill: ['error_code', 'MaTraCuuTT', 'MaThamChieu', 'TongTien'],
  confirmation: ['MaDoiTac', 'MaTraCuuTT', 'MaThamChieu', 'MaGiaoDich', 'SoTien', 'TrangThai', 'ThoiGianThanhToan'],
  answer: ['error_code', 'MaThamChieu'],
  queryRequest: ['MaDoiTac', 'MaThamChieu', 'ThoiGianGui'],
  queryAnswer: ['error_code', 'MaThamChieu', 'MaGiaoDich', 'SoTien', 'TrangThai'],
  refundRequest: ['MaDoiTac', 'MaThamChieu', 'MaGiaoDich', 'MaHoanTien', 'SoTien', 'ThoiGianGui'],
  refundAnswer: ['error_code', 'MaHoanTien', 'MaGiaoDichHoanTien', 'TrangThai'],
} as const satisfies Record<string, readonly string[]>;
export type PaygovMessage = keyof typeof PAYGOV_SIGNED_FIELDS;

/** `TrangThai` of a transaction: paid, failed (or cancelled by the payer), still under way. */
export const PAYGOV_STATUS = { paid: '00', failed: '01', pending: '02' } as const;

/**
 * `error_code` of the province's answers. 0 and 02 are final for the platform (it stops re-sending); 99 asks
 * it to send again later.
 */
export const PAYGOV_ANSWER_CODES: Record<CallbackOutcome, string> = {
  success: '0',
  already_confirmed: '02',
  not_found: '01',
  invalid_amount: '04',
  invalid_signature: '97',
  error: '99',
};
/** Bill lookups that find nothing to pay answer these codes. */
export const PAYGOV_BILL_CODES = {
  found: '0',
  unknown: '01',
  nothingDue: '03',
  closed: '05',
  inProgressElsewhere: '06',
  invalidSignature: '97',
  error: '99',
} as const;
export type PaygovBillCode = (typeof PAYGOV_BILL_CODES)[keyof typeof PAYGOV_BILL_CODES];

const MESSAGES: Record<string, { vi: string; en: string }> = {
  '0': { vi: 'Thành công', en: 'Success' },
  '01': { vi: 'Không tìm thấy', en: 'Not found' },
  '02': { vi: 'Giao dịch đã được xác nhận trước đó', en: 'Already confirmed' },
  '03': { vi: 'Hồ sơ không còn khoản phí, lệ phí nào phải nộp', en: 'Nothing is due' },
  '04': { vi: 'Số tiền không khớp', en: 'Amount does not match' },
  '05': { vi: 'Hồ sơ đã kết thúc', en: 'The dossier is closed' },
  '06': { vi: 'Hồ sơ đang được thanh toán qua kênh khác', en: 'A payment through another channel is under way' },
  '97': { vi: 'Chữ ký không hợp lệ', en: 'Invalid signature' },
  '99': { vi: 'Lỗi hệ thống, gửi lại sau', en: 'System error, send again later' },
};

/** Vietnamese message of an answer code (the platform shows it to operators). */
export const paygovMessage = (code: string): string => MESSAGES[code]?.vi ?? 'Lỗi không xác định';

/** `ChuKy` of a message: HMAC-SHA256 (hex) over its signed fields, as text, joined by '|'. */
export function signPaygov(message: PaygovMessage, fields: Record<string, unknown>, secretKey: string): string {
  const data = PAYGOV_SIGNED_FIELDS[message].map((name) => String(fields[name] ?? '')).join('|');
  return createHmac('sha256', secretKey).update(data, 'utf8').digest('hex');
}

/** Whether `fields.ChuKy` is the signature of the message (constant time). */
export function verifyPaygov(message: PaygovMessage, fields: Record<string, unknown>, secretKey: string): boolean {
  const received = fields.ChuKy;
  return typeof received === 'string' && hexDigestEquals(received, signPaygov(message, fields, secretKey));
}

// The lookup code: one per dossier, the same wherever it is computed (the bill lookup, the dossier record sent to
// the portal, slips). 16 characters of Crockford base32 from a hash of the dossier code, after "TT".
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LOOKUP_CODE_PATTERN = /^TT[0-9A-HJKMNP-TV-Z]{16}$/;

/** The dossier's payment lookup code (`MaTraCuuTT`) on the national payment platform. */
export function paymentLookupCode(dossierCode: string): string {
  const digest = createHash('sha256').update(`motcua/paygov/${dossierCode}`, 'utf8').digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = 0; i < 16; i++) code += BASE32[Number((bits >> BigInt(75 - 5 * i)) & 31n)];
  return `TT${code}`;
}

const text = z.string().max(500);
const digits = z.string().regex(/^\d{1,15}$/);
const stamp = z.string().regex(/^\d{14}$/);

export const billRequestSchema = z.object({
  MaDoiTac: z.string().min(1).max(50),
  MaTraCuuTT: z.string().min(1).max(50),
  ThoiGianGui: stamp,
  ChuKy: z.string().max(200),
});
export type BillRequest = z.infer<typeof billRequestSchema>;

export const confirmationSchema = z.object({
  MaDoiTac: z.string().min(1).max(50),
  MaTraCuuTT: z.string().max(50),
  MaThamChieu: z.string().min(1).max(100),
  MaGiaoDich: z.string().max(100),
  SoTien: digits,
  TrangThai: z.string().max(4),
  ThoiGianThanhToan: z.union([stamp, z.literal('')]),
  KenhThanhToan: text.optional(),
  ChuKy: z.string().max(200),
});
export type Confirmation = z.infer<typeof confirmationSchema>;

/** What the province knows of a bill, in its own terms; `billAnswer` turns it into the platform's. */
export interface BillContent {
  /** The dossier's code as the portal knows it (its own MaHoSo for a dossier it forwarded). */
  portalDossierCode: string;
  lookupCode: string;
  /** Our merchant reference of the pending payment the bill is (the confirmation names it back). */
  txnRef: string;
  procedureCode: string;
  /** The province's unit code on the portal. */
  unitCode: string;
  agencyCode: string;
  agencyName?: string;
  feeLines: { code: string; name: string; amount: number; kind: 'fee' | 'charge' }[];
  amount: number;
  beneficiary: PaygovBeneficiary;
  payerName: string;
  payerIdNumber: string;
  payerAddress?: string;
  description: string;
  expiresAt: Date;
}

/** Where the money goes: the treasury account the fees are collected into. */
export interface PaygovBeneficiary {
  /** TKThuHuong, MaNHThuHuong, TenTKThuHuong: the account, its bank, its holder. */
  accountNumber: string;
  bankCode: string;
  accountName: string;
  /** KhoBac: the State Treasury office; TaiKhoanThuNSNN: the state-budget revenue account. */
  treasury: string;
  budgetAccount: string;
  /** MaCoQuanQD, SoQD: the body and decision that set the fees. */
  decisionBody?: string;
  decisionNumber?: string;
}

/** The province's answer to a bill lookup: the bill, or why there is none. Signed. */
export function billAnswer(
  result: { code: '0'; bill: BillContent } | { code: Exclude<PaygovBillCode, '0'>; lookupCode: string },
  secretKey: string,
): HttpAnswer {
  let body: Record<string, unknown>;
  if (result.code === '0') {
    const bill = result.bill;
    body = {
      error_code: '0',
      message: paygovMessage('0'),
      MaTraCuuTT: bill.lookupCode,
      MaThamChieu: bill.txnRef,
      TongTien: String(bill.amount),
      data: {
        MaHoSo: bill.portalDossierCode,
        MaTraCuuTT: bill.lookupCode,
        MaThamChieu: bill.txnRef,
        MaDichVu: bill.procedureCode,
        MaDVC: bill.unitCode,
        MaTTHC: bill.procedureCode,
        MaDonVi: bill.agencyCode,
        TenDonVi: bill.agencyName ?? '',
        PhiLePhi: bill.feeLines.map((line) => ({
          LoaiPhiLePhi: line.kind === 'charge' ? '2' : '1',
          MaPhiLePhi: line.code,
          TenPhiLePhi: line.name,
          SoTien: String(line.amount),
        })),
        TongTien: String(bill.amount),
        TKThuHuong: bill.beneficiary.accountNumber,
        MaNHThuHuong: bill.beneficiary.bankCode,
        TenTKThuHuong: bill.beneficiary.accountName,
        KhoBac: bill.beneficiary.treasury,
        TaiKhoanThuNSNN: bill.beneficiary.budgetAccount,
        MaCoQuanQD: bill.beneficiary.decisionBody ?? bill.agencyCode,
        SoQD: bill.beneficiary.decisionNumber ?? '',
        NoiDungThanhToan: bill.description,
        HoTenNguoiNop: bill.payerName,
        SoCMNDNguoiNop: bill.payerIdNumber,
        DiaChiNguoiNop: bill.payerAddress ?? '',
        DSKhoanNop: bill.feeLines.map((line) => ({ NoiDung: line.name, SoTien: String(line.amount) })),
        HanThanhToan: formatVnpayDate(bill.expiresAt),
      },
    };
  } else {
    body = { error_code: result.code, message: paygovMessage(result.code), MaTraCuuTT: result.lookupCode };
  }
  body.ChuKy = signPaygov('bill', body, secretKey);
  return jsonAnswer(body);
}

function jsonAnswer(body: unknown): HttpAnswer {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}

/** An answer for a call no configured key can sign (an unknown partner): the code alone. */
export function paygovUnsignedAnswer(outcome: CallbackOutcome): HttpAnswer {
  const code = PAYGOV_ANSWER_CODES[outcome];
  return jsonAnswer({ error_code: code, message: paygovMessage(code) });
}

/** A bill lookup as received: signature checked, fields read. Nothing but `signatureValid` counts when false. */
export function readBillRequest(
  rawBody: string,
  keys: (partnerCode: string) => string | undefined,
): { signatureValid: boolean; request?: BillRequest } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    return { signatureValid: false };
  }
  const request = billRequestSchema.safeParse(parsed);
  if (!request.success) return { signatureValid: false };
  const key = keys(request.data.MaDoiTac);
  if (!key || !verifyPaygov('billRequest', request.data, key)) return { signatureValid: false };
  return { signatureValid: true, request: request.data };
}

/** The partner code a confirmation names (to pick the plugin that verifies it), unverified. */
export function paygovPartnerCodeOf(rawBody: string): string | undefined {
  try {
    const value = (JSON.parse(rawBody) as { MaDoiTac?: unknown } | null)?.MaDoiTac;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export interface PaygovConfig {
  /** MaDoiTac: the province's partner code on the platform. */
  partnerCode: string;
  secretKey: string;
  /** The platform's page where a citizen pays by lookup code. */
  paymentUrl: string;
  apiUrl: string;
  http: HttpClient;
  now: () => Date;
}

const outcomeOf = (status: string | undefined): 'paid' | 'failed' | 'pending' =>
  status === PAYGOV_STATUS.paid ? 'paid' : status === PAYGOV_STATUS.pending ? 'pending' : 'failed';

/** The platform's plugin: a gateway, plus what its bill lookups need (the key that signs them, the payer's page). */
export interface PaygovPlugin extends GatewayPlugin {
  readonly name: 'paygov';
  readonly secretKey: string;
  /** The platform's page where the payer pays by this lookup code. */
  paymentPage(lookupCode: string): string;
}

export const isPaygovPlugin = (plugin: GatewayPlugin | undefined): plugin is PaygovPlugin =>
  plugin?.name === 'paygov' && 'secretKey' in plugin && 'paymentPage' in plugin;

export function createPaygovGateway(config: PaygovConfig): PaygovPlugin {
  const paymentPage = (lookupCode: string): string => {
    const url = new URL(config.paymentUrl);
    url.searchParams.set('MaTraCuuTT', lookupCode);
    return url.toString();
  };
  const sign = (message: PaygovMessage, fields: Record<string, unknown>) =>
    ({ ...fields, ChuKy: signPaygov(message, fields, config.secretKey) }) as Record<string, unknown>;

  async function call(path: string, message: PaygovMessage, answerMessage: PaygovMessage, fields: object) {
    const { json } = await postJson(
      config.http,
      'paygov',
      `${config.apiUrl.replace(/\/+$/, '')}${path}`,
      JSON.stringify(sign(message, fields as Record<string, unknown>)),
    );
    const answer = (json ?? {}) as Record<string, unknown>;
    const data = (typeof answer.data === 'object' && answer.data !== null ? answer.data : {}) as Record<
      string,
      unknown
    >;
    if (
      !verifyPaygov(answerMessage, { ...data, error_code: answer.error_code, ChuKy: answer.ChuKy }, config.secretKey)
    ) {
      throw new GatewayError('paygov', 'bad-signature', String(answer.error_code ?? ''));
    }
    return { code: String(answer.error_code ?? ''), message: String(answer.message ?? ''), data };
  }

  return {
    name: 'paygov',
    protocol: 'paygov',
    merchantCode: config.partnerCode,
    secretKey: config.secretKey,
    paymentPage,

    // A payment "created" here is a bill: the payer is sent to the platform's page with the lookup code, and the
    // platform asks for the bill (readBillRequest/billAnswer) before it takes the money.
    async createPayment(req: CreatePaymentRequest): Promise<CreatePaymentResult> {
      const lookupCode = req.lookupCode;
      if (!lookupCode) throw new Error('A payment on the national payment platform needs the lookup code');
      return { redirectUrl: paymentPage(lookupCode), merchantCode: config.partnerCode };
    },

    verifyCallback(raw: RawCallback): VerifiedCallback {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.rawBody ?? '');
      } catch {
        return { signatureValid: false, outcome: 'failed' };
      }
      const body = confirmationSchema.safeParse(parsed);
      if (!body.success || body.data.MaDoiTac !== config.partnerCode)
        return { signatureValid: false, outcome: 'failed' };
      if (!verifyPaygov('confirmation', body.data, config.secretKey))
        return { signatureValid: false, outcome: 'failed' };
      const c = body.data;
      const paidAt = parseVnpayDate(c.ThoiGianThanhToan);
      return {
        signatureValid: true,
        gateway: 'paygov',
        txnRef: c.MaThamChieu,
        amount: Number(c.SoTien),
        merchantCode: c.MaDoiTac,
        outcome: outcomeOf(c.TrangThai),
        ...(c.MaGiaoDich ? { gatewayTransactionNo: c.MaGiaoDich } : {}),
        ...(c.KenhThanhToan ? { bankCode: c.KenhThanhToan.slice(0, 50) } : {}),
        ...(paidAt ? { paidAt: toLocalIso(paidAt) } : {}),
        responseCode: c.TrangThai,
      };
    },

    callbackAnswer(outcome: CallbackOutcome): HttpAnswer {
      const code = PAYGOV_ANSWER_CODES[outcome];
      const body: Record<string, unknown> = { error_code: code, message: paygovMessage(code) };
      body.ChuKy = signPaygov('answer', body, config.secretKey);
      return jsonAnswer(body);
    },

    async queryStatus(q: QueryRequest): Promise<QueryResult> {
      const answer = await call(PAYGOV_API_PATHS.query, 'queryRequest', 'queryAnswer', {
        MaDoiTac: config.partnerCode,
        MaThamChieu: q.txnRef,
        ThoiGianGui: formatVnpayDate(config.now()),
      });
      if (answer.code === '01') return { outcome: 'not_found', responseCode: '01', message: answer.message };
      if (answer.code !== '0') throw new GatewayError('paygov', 'rejected', answer.code, answer.message);
      const paidAt = parseVnpayDate(
        typeof answer.data.ThoiGianThanhToan === 'string' ? answer.data.ThoiGianThanhToan : '',
      );
      const status = String(answer.data.TrangThai ?? '');
      return {
        outcome: outcomeOf(status),
        amount: Number(answer.data.SoTien),
        ...(answer.data.MaGiaoDich ? { gatewayTransactionNo: String(answer.data.MaGiaoDich) } : {}),
        ...(answer.data.KenhThanhToan ? { bankCode: String(answer.data.KenhThanhToan) } : {}),
        ...(paidAt ? { paidAt: toLocalIso(paidAt) } : {}),
        responseCode: status,
      };
    },

    async refund(r: RefundRequest): Promise<RefundResult> {
      const answer = await call(PAYGOV_API_PATHS.refund, 'refundRequest', 'refundAnswer', {
        MaDoiTac: config.partnerCode,
        MaThamChieu: r.txnRef,
        MaGiaoDich: r.gatewayTransactionNo ?? '',
        MaHoanTien: r.refundId,
        SoTien: String(r.amount),
        LyDo: r.reason.slice(0, 250),
        NguoiYeuCau: r.createdBy,
        ThoiGianGui: formatVnpayDate(config.now()),
      });
      if (answer.code !== '0') return { status: 'failed', responseCode: answer.code, message: answer.message };
      const status = String(answer.data.TrangThai ?? '');
      return {
        status: status === PAYGOV_STATUS.paid ? 'succeeded' : status === PAYGOV_STATUS.pending ? 'pending' : 'failed',
        ...(answer.data.MaGiaoDichHoanTien ? { gatewayRefundNo: String(answer.data.MaGiaoDichHoanTien) } : {}),
        responseCode: status,
      };
    },
  };
}
