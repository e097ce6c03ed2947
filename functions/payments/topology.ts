/**
 * The payments context's declaration: one table (payments, merchant references, the dossiers read model, the
 * raw callback log, receipt counters, reconciliation findings, outbox), the citizens' and officials' routes,
 * the gateways' callbacks, the reconciliation schedule, a consumer of dossier events, and the local sandbox
 * gateway's pages under /dev/.
 */
import { DOSSIER_EVENT_TYPES } from '#dossiers/events.ts';
import type { ContextTopology, FunctionDecl, RouteDecl } from '#topology/types.ts';
import {
  callbackLogSchema,
  counterPaymentBodySchema,
  counterPaymentHeadersSchema,
  createdPaymentSchema,
  createPaymentBodySchema,
  dossierParamsSchema,
  dossierPaymentsSchema,
  idempotencyHeadersSchema,
  momoReturnQuerySchema,
  paymentParamsSchema,
  paymentViewSchema,
  receiptQuerySchema,
  receiptViewSchema,
  reconciliationQuerySchema,
  reconciliationReportSchema,
  vnpayAnswerSchema,
  vnpayCallbackQuerySchema,
} from './api/schemas.ts';
import { PAYMENT_EVENT_TYPES } from './events.ts';

const tags = ['payments'];
const html = (description: string) => ({ description, contentType: 'text/html' });

// Routes for citizens and officials take a token from either issuer (`user`), so that a token of the wrong
// kind reaches the handler and is told 403 (authenticated, not allowed) rather than 401.
export const routes = {
  createPayment: {
    id: 'createPayment',
    method: 'POST',
    path: '/payments',
    function: 'payments-create',
    auth: 'user',
    roles: ['citizen'],
    summary: "Pay a dossier's outstanding fees online: one payment, and where to send the payer",
    description:
      'Owner only. One payment covers every outstanding fee line of the dossier; while one is pending and not yet ' +
      'expired another is refused (409). The merchant reference is unique; the payment expires after the ' +
      "province's PAYMENT_EXPIRY_MINUTES. The redirect URL is signed as the gateway requires.",
    tags,
    schemas: {
      headers: idempotencyHeadersSchema,
      body: createPaymentBodySchema,
      responses: { 201: { description: 'the payment, pending', schema: createdPaymentSchema } },
    },
  },
  getPayment: {
    id: 'getPayment',
    method: 'GET',
    path: '/payments/{paymentId}',
    function: 'payments-get',
    auth: 'user',
    roles: ['citizen', 'officer', 'leader', 'admin'],
    summary: 'One payment, with its receipt once paid',
    description: "The payer (the dossier's owner), or officials of the dossier's agency.",
    tags,
    schemas: {
      params: paymentParamsSchema,
      responses: { 200: { description: 'the payment', schema: paymentViewSchema } },
    },
  },
  getReceipt: {
    id: 'getPaymentReceipt',
    method: 'GET',
    path: '/payments/{paymentId}/receipt',
    function: 'payments-get-receipt',
    auth: 'user',
    roles: ['citizen', 'officer', 'leader', 'admin'],
    summary: 'The electronic receipt of a paid payment (JSON, or a printable page)',
    tags,
    schemas: {
      params: paymentParamsSchema,
      query: receiptQuerySchema,
      responses: { 200: { description: 'the receipt', schema: receiptViewSchema } },
    },
  },
  recordCounterPayment: {
    id: 'recordCounterPayment',
    method: 'POST',
    path: '/dossiers/{code}/payments/counter',
    function: 'payments-record-counter',
    auth: 'user',
    roles: ['officer', 'leader'],
    summary: 'Record the fees the applicant paid at the desk (cash or card): a paid payment with its receipt',
    description:
      "Officials of an agency or desk on the dossier. If-Match is the dossier's version as the official sees it " +
      '(428 without it, 412 when the dossier changed since). The amount must be exactly what is due (400); a ' +
      'dossier already paid, closed, or with an online payment under way is refused (409). The receipt number is ' +
      "taken from the province's series in the same write; a retry of the same request (same version, or the " +
      'same Idempotency-Key) answers the same payment.',
    tags,
    schemas: {
      params: dossierParamsSchema,
      headers: counterPaymentHeadersSchema,
      body: counterPaymentBodySchema,
      responses: { 201: { description: 'the payment, paid, with its receipt', schema: paymentViewSchema } },
    },
  },
  listDossierPayments: {
    id: 'listDossierPayments',
    method: 'GET',
    path: '/dossiers/{code}/payments',
    function: 'payments-list-for-dossier',
    auth: 'user',
    roles: ['citizen', 'officer', 'leader', 'admin'],
    summary: 'Every payment of a dossier, online and at the desk, newest first',
    description: "The dossier's owner, officials of an agency or desk on it, and admins.",
    tags,
    schemas: {
      params: dossierParamsSchema,
      responses: { 200: { description: 'the payments', schema: dossierPaymentsSchema } },
    },
  },
  listCallbacks: {
    id: 'listPaymentCallbacks',
    method: 'GET',
    path: '/payments/{paymentId}/callbacks',
    function: 'payments-list-callbacks',
    auth: 'user',
    roles: ['admin'],
    summary: 'The raw callback log of a payment, as the gateways sent it (operators)',
    description: 'Every callback is stored raw before it is processed, whether or not its signature verified.',
    tags,
    schemas: {
      params: paymentParamsSchema,
      responses: { 200: { description: 'callbacks, oldest first', schema: callbackLogSchema } },
    },
  },
  vnpayIpn: {
    id: 'vnpayIpn',
    method: 'GET',
    path: '/payments/vnpay/ipn',
    function: 'payments-vnpay-ipn',
    auth: 'webhook',
    summary: "VNPay's IPN (server to server; the signature in the query authenticates it)",
    description:
      'Always HTTP 200 with {RspCode, Message}, checked in this order: 97 invalid signature, 01 order not found, ' +
      '04 invalid amount, 02 order already confirmed, 00 confirm success, 99 unknown error. Also serves the local ' +
      'sandbox gateway (told apart by vnp_TmnCode).',
    tags,
    schemas: {
      query: vnpayCallbackQuerySchema,
      responses: { 200: { description: "VNPay's answer format", schema: vnpayAnswerSchema } },
    },
  },
  vnpayReturn: {
    id: 'vnpayReturn',
    method: 'GET',
    path: '/payments/vnpay/return',
    function: 'payments-vnpay-return',
    auth: 'public',
    summary: "Where VNPay sends the payer's browser back: shows the outcome, changes nothing",
    tags,
    schemas: {
      query: vnpayCallbackQuerySchema,
      responses: { 200: html('a page in Vietnamese and English'), 400: html('the signature does not verify') },
    },
  },
  momoIpn: {
    id: 'momoIpn',
    method: 'POST',
    path: '/payments/momo/ipn',
    function: 'payments-momo-ipn',
    auth: 'webhook',
    summary: "MoMo's IPN (server to server; the signature in the JSON body authenticates it)",
    description:
      'JSON {partnerCode, orderId, requestId, amount, orderInfo, orderType, transId, resultCode, message, payType, ' +
      'responseTime, extraData, signature}. Answered 204 No Content whatever became of it (MoMo retries only on our ' +
      'own failure); what it did is in the callback log.',
    tags,
    schemas: { responses: { 204: { description: 'received' } } },
  },
  momoReturn: {
    id: 'momoReturn',
    method: 'GET',
    path: '/payments/momo/return',
    function: 'payments-momo-return',
    auth: 'public',
    summary: "Where MoMo sends the payer's browser back: shows the outcome, changes nothing",
    tags,
    schemas: {
      query: momoReturnQuerySchema,
      responses: { 200: html('a page in Vietnamese and English'), 400: html('the signature does not verify') },
    },
  },
  paygovBill: {
    id: 'paygovBillLookup',
    method: 'POST',
    path: '/payments/paygov/bills',
    function: 'payments-paygov',
    auth: 'webhook',
    summary: 'The national payment platform looks up the bill of a lookup code (MaTraCuuTT): what is due, to whom',
    description:
      'JSON {MaDoiTac, MaTraCuuTT, ThoiGianGui, ChuKy} (HMAC-SHA256 with the province key). Always HTTP 200 with ' +
      '{error_code, message, MaTraCuuTT, MaThamChieu, TongTien, data, ChuKy}: 0 the bill (MaHoSo, MaTTHC, MaDonVi, ' +
      'PhiLePhi[], TKThuHuong, MaNHThuHuong, TenTKThuHuong, KhoBac, TaiKhoanThuNSNN, MaCoQuanQD, SoQD, ' +
      'NoiDungThanhToan, HoTenNguoiNop, SoCMNDNguoiNop, DiaChiNguoiNop, DSKhoanNop[], HanThanhToan), 01 unknown code, ' +
      '03 nothing due, 05 dossier closed, 06 a payment through another channel is under way, 97 invalid signature, ' +
      '99 try again. The bill is a pending payment; looking it up again answers the same one until it expires.',
    tags,
    schemas: { responses: { 200: { description: "the platform's answer format" } } },
  },
  paygovConfirm: {
    id: 'paygovConfirm',
    method: 'POST',
    path: '/payments/paygov/confirm',
    function: 'payments-paygov',
    auth: 'webhook',
    summary: 'The national payment platform confirms a payment (or its failure) of a bill',
    description:
      'JSON {MaDoiTac, MaTraCuuTT, MaThamChieu, MaGiaoDich, SoTien, TrangThai (00 paid, 01 failed), ' +
      'ThoiGianThanhToan, KenhThanhToan, ChuKy}. Stored raw in the callback log before it is applied, once. Always ' +
      'HTTP 200 with {error_code, message, ChuKy}: 0 recorded, 02 already confirmed, 01 no such bill, 04 amount ' +
      'differs, 97 invalid signature, 99 send again later.',
    tags,
    schemas: { responses: { 200: { description: "the platform's answer format" } } },
  },
  getReconciliation: {
    id: 'getPaymentReconciliation',
    method: 'GET',
    path: '/payments/reconciliation',
    function: 'payments-reconciliation-report',
    auth: 'user',
    roles: ['admin'],
    summary: 'The reconciliation report of a day: runs, totals by gateway, and the mismatches to look at',
    tags,
    schemas: {
      query: reconciliationQuerySchema,
      responses: { 200: { description: 'the report', schema: reconciliationReportSchema } },
    },
  },
  devGatewayIndex: {
    id: 'devGatewayIndex',
    method: 'GET',
    path: '/dev/gateway/',
    function: 'payments-dev-gateway',
    auth: 'public',
    summary: 'Local only: the sandbox gateway, its settings and recent payments',
    tags: ['dev'],
    schemas: { responses: { 200: html('index page') } },
  },
  devCheckoutPage: {
    id: 'devCheckoutPage',
    method: 'GET',
    path: '/dev/gateway/checkout',
    function: 'payments-dev-gateway',
    auth: 'public',
    summary: "Local only: the sandbox's payment page (VNPay-format signed query, as VNPay's vpcpay.html takes)",
    tags: ['dev'],
    schemas: {
      query: vnpayCallbackQuerySchema,
      responses: { 200: html('checkout page with Pay and Cancel'), 400: html('the signature does not verify') },
    },
  },
  devCheckoutSubmit: {
    id: 'devCheckoutSubmit',
    method: 'POST',
    path: '/dev/gateway/checkout',
    function: 'payments-dev-gateway',
    auth: 'public',
    summary: "Local only: the payer's choice; sends the signed IPN to the API, then redirects to the return URL",
    description:
      'The query is the checkout request (as GET); the body {choice: "pay"|"cancel"} as JSON or form-encoded.',
    tags: ['dev'],
    schemas: {
      query: vnpayCallbackQuerySchema,
      responses: {
        302: { description: 'to the return URL, with the signed VNPay return query' },
        400: html('the checkout request is not signed, or the body names no choice'),
      },
    },
  },
} as const satisfies Record<string, RouteDecl>;

const TABLE = 'payments';
const read = [{ table: TABLE, access: 'read' as const }];
const readwrite = [{ table: TABLE, access: 'readwrite' as const }];
/**
 * Logical gateway secrets: the deployment resolves each to the province's `gateways.<name>.secretName` and
 * passes it as VNPAY_SECRET_NAME / MOMO_SECRET_NAME / PAYGOV_SECRET_NAME (gateways.ts reads them once per container).
 */
const GATEWAY_SECRETS = ['vnpay', 'momo', 'paygov'];

const fn = (
  name: string,
  file: string,
  kind: FunctionDecl['kind'],
  tables: FunctionDecl['tables'],
  extra: Partial<FunctionDecl> = {},
): FunctionDecl => ({
  name,
  entry: `functions/payments/handlers/${file}.ts`,
  kind,
  memoryMb: 256,
  tables,
  ...extra,
});

export const topology: ContextTopology = {
  context: 'payments',
  publishes: PAYMENT_EVENT_TYPES,
  tables: [
    {
      name: TABLE,
      partitionKey: 'pk',
      sortKey: 'sk',
      outbox: true,
      ttlAttribute: 'expiresAt',
      indexes: [
        {
          name: 'gsi1',
          partitionKey: 'gsi1pk',
          sortKey: 'gsi1sk',
          accessPattern:
            "Payments that need the reconciliation job, and only while they do: gsi1pk='PENDING' with gsi1sk = " +
            "<expiry, UTC ISO>#<payment id> (the job reads those past expiry); gsi1pk='REFUNDING' with gsi1sk = " +
            '<refund requested, UTC ISO>#<payment id> (a refund recorded and not yet settled at the gateway).',
        },
      ],
      accessPatterns: [
        'Payment by id: pk=PAYMENT#<id>, sk=PAYMENT — the whole payment (status, fee lines, refunds, receipt), version.',
        'Merchant reference → payment (and its uniqueness): pk=TXNREF#<txnRef>, sk=TXNREF.',
        "A dossier's payments, newest last: pk=DOSSIER#<code>, sk=PAYMENT#<created, UTC ISO>#<payment id> (a pointer).",
        'Dossier read model (from dossier.* events): pk=DOSSIER#<code>, sk=DOSSIER — owner, agency, fees, status, ' +
          'payment status, the dossier version applied; plus the active pending payment and the paid payment.',
        'Raw callback log (append only): pk=CALLBACKS#<txnRef>, sk=<received, UTC ISO>#<callback id>#raw|result.',
        'Receipt number series: pk=RECEIPT_SEQ#<province code>#<year>, sk=RECEIPT_SEQ — the last number issued.',
        'Reconciliation of a day (GMT+7): pk=RECON#<YYYY-MM-DD>, sk=FINDING#<kind>#<subject> | RUN#<at> | TOTALS.',
        'Local sandbox outcomes: pk=SANDBOX#<txnRef>, sk=OUTCOME (what the checkout page recorded).',
        'A lookup code on the national payment platform → its dossier: pk=LOOKUP#<MaTraCuuTT>, sk=LOOKUP.',
        'Idempotency records, inbox and outbox items of the platform, expiring by TTL (expiresAt).',
      ],
    },
  ],
  buckets: [],
  functions: [
    fn('payments-create', 'create-payment', 'http', readwrite, { secrets: GATEWAY_SECRETS }),
    fn('payments-get', 'get-payment', 'http', read),
    fn('payments-get-receipt', 'get-receipt', 'http', read),
    fn('payments-record-counter', 'record-counter-payment', 'http', readwrite),
    fn('payments-list-for-dossier', 'list-dossier-payments', 'http', read),
    fn('payments-list-callbacks', 'list-callbacks', 'http', read),
    fn('payments-vnpay-ipn', 'vnpay-ipn', 'http', readwrite, { secrets: GATEWAY_SECRETS }),
    fn('payments-momo-ipn', 'momo-ipn', 'http', readwrite, { secrets: GATEWAY_SECRETS }),
    // The national payment platform's two calls (bill lookup, confirmation): one function, told apart by path.
    fn('payments-paygov', 'paygov', 'http', readwrite, { secrets: GATEWAY_SECRETS }),
    fn('payments-vnpay-return', 'vnpay-return', 'http', read, { secrets: GATEWAY_SECRETS }),
    fn('payments-momo-return', 'momo-return', 'http', read, { secrets: GATEWAY_SECRETS }),
    fn('payments-reconciliation-report', 'reconciliation-report', 'http', read),
    fn('payments-reconcile', 'reconcile', 'schedule', readwrite, { secrets: GATEWAY_SECRETS, timeoutSeconds: 120 }),
    fn('payments-on-dossier-event', 'on-dossier-event', 'consumer', readwrite, {
      secrets: GATEWAY_SECRETS,
      timeoutSeconds: 60,
    }),
    // One function for the three sandbox pages (local only): never routed on AWS, so one idle function there.
    fn('payments-dev-gateway', 'dev-gateway', 'http', readwrite),
  ],
  routes: Object.values(routes),
  consumers: [
    {
      queue: 'payments-from-dossiers',
      function: 'payments-on-dossier-event',
      eventTypes: [...DOSSIER_EVENT_TYPES],
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      // Six times the function timeout (refunds call a gateway), as AWS recommends for SQS event sources.
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
    },
  ],
  schedules: [
    {
      name: 'payments-reconciliation',
      function: 'payments-reconcile',
      rateMinutes: 5,
      description:
        'Pending payments past expiry are queried at their gateway and settled or expired; refunds recorded and ' +
        'not yet settled are sent again; mismatches are recorded for the daily report.',
    },
  ],
};
