/**
 * The stand-in national payment platform (PayGov on DVCQG), as the province sees it from outside: it looks a
 * bill up at the province by lookup code, takes the "money", confirms the payment to the province, and answers the
 * province's transaction queries and refunds. Messages are signed as `functions/payments/domain/paygov.ts` says
 * (that module is the contract; the stand-in only uses its signing rule and field lists).
 *
 * - `GET  /dev/national-portal/payments/` — the platform's page for a person: type a lookup code, see the bill,
 *   pay (through VNPAY, MOMO or NAPAS) or cancel, see the platform's transactions.
 * - `POST /dev/national-portal/payments/lookup {MaTraCuuTT}` — the bill request to the province and its answer.
 * - `POST /dev/national-portal/payments/pay {MaTraCuuTT, choice: "pay"|"cancel", KenhThanhToan?, SoTien?,
 *   deliver?}` — looks the bill up, records the transaction and (unless `deliver: false`: the money moved but the
 *   confirmation is lost) sends the signed confirmation. `SoTien` overrides the amount (a wrong-amount test).
 * - `POST /dev/national-portal/payments/transactions/{MaGiaoDich}/confirm` — send the confirmation again.
 * - `GET  /dev/national-portal/payments/transactions` — every transaction, its confirmations and refunds.
 * - services for the province (faults apply): `POST /dev/national-portal/payment-platform/api/giaodich/truyvan`
 *   (transaction query) and `…/giaodich/hoantien` (refund).
 *
 * Form posts (application/x-www-form-urlencoded) from the page are answered with the page; JSON with JSON.
 */
import { randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  PAYGOV_API_PATHS,
  PAYGOV_LOCAL_DEFAULTS,
  PAYGOV_STATUS,
  type PaygovMessage,
  signPaygov,
  verifyPaygov,
} from '../../../../functions/payments/domain/paygov.ts';
import { formatVnpayDate } from '../../../../functions/payments/domain/vnpay.ts';
import {
  escapeHtml,
  motcuaUrl,
  registerStandInRoute,
  STAND_IN_PREFIX,
  type StandInRequest,
  sendHtml,
  sendJson,
} from './routes.ts';

const partnerCode = (): string => process.env.PAYGOV_PARTNER_CODE || PAYGOV_LOCAL_DEFAULTS.partnerCode;
const secretKey = (): string => process.env.PAYGOV_SECRET_KEY || PAYGOV_LOCAL_DEFAULTS.secretKey;
const INTERMEDIARIES = ['VNPAY', 'MOMO', 'NAPAS'] as const;

interface Exchange {
  at: string;
  status: number;
  answer: unknown;
}

interface Refund {
  MaHoanTien: string;
  MaGiaoDichHoanTien: string;
  SoTien: string;
  LyDo: string;
  at: string;
}

interface Transaction {
  MaGiaoDich: string;
  MaTraCuuTT: string;
  MaThamChieu: string;
  MaHoSo: string;
  SoTien: string;
  TrangThai: string;
  ThoiGianThanhToan: string;
  KenhThanhToan: string;
  confirmations: Exchange[];
  refunds: Refund[];
}

/** By MaGiaoDich, in the order they were made. */
const transactions = new Map<string, Transaction>();

const signed = (message: PaygovMessage, fields: Record<string, unknown>): Record<string, unknown> => ({
  ...fields,
  ChuKy: signPaygov(message, fields, secretKey()),
});

async function callProvince(path: string, body: unknown): Promise<Exchange> {
  const at = new Date().toISOString();
  try {
    const response = await fetch(`${motcuaUrl()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let answer: unknown = text;
    try {
      answer = JSON.parse(text);
    } catch {
      // kept as text: the province answered something that is not JSON
    }
    return { at, status: response.status, answer };
  } catch (error) {
    return { at, status: 0, answer: { error: (error as Error).message } };
  }
}

interface Lookup extends Exchange {
  signatureValid: boolean;
}

async function lookUp(lookupCode: string): Promise<Lookup> {
  const exchange = await callProvince(
    '/payments/paygov/bills',
    signed('billRequest', {
      MaDoiTac: partnerCode(),
      MaTraCuuTT: lookupCode,
      ThoiGianGui: formatVnpayDate(new Date()),
    }),
  );
  const answer = (exchange.answer ?? {}) as Record<string, unknown>;
  return { ...exchange, signatureValid: typeof answer === 'object' && verifyPaygov('bill', answer, secretKey()) };
}

function confirmationOf(t: Transaction): Record<string, unknown> {
  return signed('confirmation', { MaDoiTac: partnerCode(), MaTraCuuTT: t.MaTraCuuTT, ...paymentFields(t) });
}

/** What the platform says of a transaction, in the confirmation and in answers to the province's queries. */
const paymentFields = (t: Transaction): Record<string, string> => ({
  MaThamChieu: t.MaThamChieu,
  MaGiaoDich: t.MaGiaoDich,
  SoTien: t.SoTien,
  TrangThai: t.TrangThai,
  ThoiGianThanhToan: t.ThoiGianThanhToan,
  KenhThanhToan: t.KenhThanhToan,
});

async function sendConfirmation(t: Transaction): Promise<Exchange> {
  const exchange = await callProvince('/payments/paygov/confirm', confirmationOf(t));
  t.confirmations.push(exchange);
  return exchange;
}

const newTransactionNo = (): string => `PG${String(randomInt(1e11, 1e12))}`;

/** The body of a stand-in route: JSON, or the page's form fields. */
function input(req: StandInRequest): Record<string, unknown> | undefined {
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(req.body.toString('utf8')));
  }
  const json = req.json();
  return json !== null && typeof json === 'object' && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : undefined;
}

const fromForm = (req: StandInRequest): boolean =>
  String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

registerStandInRoute('POST', '/payments/lookup', async (req, res) => {
  const body = input(req);
  const lookupCode = text(body?.MaTraCuuTT);
  if (!lookupCode) return sendJson(res, 400, { error: 'MaTraCuuTT (the lookup code) is required' });
  const lookup = await lookUp(lookupCode);
  if (fromForm(req)) return page(res, { lookupCode, lookup });
  sendJson(res, 200, lookup);
});

registerStandInRoute('POST', '/payments/pay', async (req, res) => {
  const body = input(req);
  const lookupCode = text(body?.MaTraCuuTT);
  const choice = body?.choice;
  if (!lookupCode || (choice !== 'pay' && choice !== 'cancel')) {
    return sendJson(res, 400, { error: 'MaTraCuuTT and choice ("pay" or "cancel") are required' });
  }
  const channel = text(body?.KenhThanhToan) ?? 'NAPAS';
  if (!(INTERMEDIARIES as readonly string[]).includes(channel)) {
    return sendJson(res, 400, { error: `KenhThanhToan must be one of ${INTERMEDIARIES.join(', ')}` });
  }
  if (body?.SoTien !== undefined && !/^\d{1,15}$/.test(String(body.SoTien))) {
    return sendJson(res, 400, { error: 'SoTien must be whole VND, as digits' });
  }
  const lookup = await lookUp(lookupCode);
  const bill = lookup.answer as {
    error_code?: string;
    MaThamChieu?: string;
    TongTien?: string;
    data?: { MaHoSo?: string };
  };
  if (lookup.status !== 200 || !lookup.signatureValid || bill?.error_code !== '0' || !bill.MaThamChieu) {
    // No bill: nothing to pay, nothing recorded.
    if (fromForm(req)) return page(res, { lookupCode, lookup });
    return sendJson(res, 409, { error: 'the province answered no payable bill', lookup });
  }
  const transaction: Transaction = {
    MaGiaoDich: newTransactionNo(),
    MaTraCuuTT: lookupCode,
    MaThamChieu: bill.MaThamChieu,
    MaHoSo: bill.data?.MaHoSo ?? '',
    SoTien: body?.SoTien !== undefined ? String(body.SoTien) : String(bill.TongTien ?? ''),
    TrangThai: choice === 'pay' ? PAYGOV_STATUS.paid : PAYGOV_STATUS.failed,
    ThoiGianThanhToan: formatVnpayDate(new Date()),
    KenhThanhToan: channel,
    confirmations: [],
    refunds: [],
  };
  transactions.set(transaction.MaGiaoDich, transaction);
  const deliver = body?.deliver !== false && body?.deliver !== 'false';
  const confirmation = deliver ? await sendConfirmation(transaction) : null;
  if (fromForm(req)) return page(res, { lookupCode, lookup, transaction });
  sendJson(res, 200, { bill: lookup.answer, transaction, confirmation });
});

registerStandInRoute('POST', '/payments/transactions/{id}/confirm', async (req, res) => {
  const transaction = transactions.get(req.params.id ?? '');
  if (!transaction) return sendJson(res, 404, { error: 'no such transaction' });
  sendJson(res, 200, await sendConfirmation(transaction));
});

registerStandInRoute('GET', '/payments/transactions', async (_req, res) => {
  sendJson(res, 200, { items: [...transactions.values()] });
});

// The platform's API for the province ------------------------------------------------------------------------

function answerSigned(res: ServerResponse, message: PaygovMessage, errorCode: string, data: Record<string, string>) {
  const fields = { ...data, error_code: errorCode };
  sendJson(res, 200, {
    error_code: errorCode,
    message: errorCode === '0' ? 'Thành công' : 'Không thực hiện được',
    data,
    ChuKy: signPaygov(message, fields, secretKey()),
  });
}

/** The province's request, if it is signed by the province's key and names the province's partner code. */
function provinceRequest(req: StandInRequest, message: PaygovMessage): Record<string, unknown> | undefined {
  const body = req.json();
  if (body === null || typeof body !== 'object') return undefined;
  const fields = body as Record<string, unknown>;
  return fields.MaDoiTac === partnerCode() && verifyPaygov(message, fields, secretKey()) ? fields : undefined;
}

const byReference = (reference: unknown): Transaction | undefined =>
  [...transactions.values()].reverse().find((t) => t.MaThamChieu === reference);

registerStandInRoute(
  'POST',
  `/payment-platform/api${PAYGOV_API_PATHS.query}`,
  async (req, res) => {
    const request = provinceRequest(req, 'queryRequest');
    if (!request) return answerSigned(res, 'queryAnswer', '97', {});
    const t = byReference(request.MaThamChieu);
    if (!t) return answerSigned(res, 'queryAnswer', '01', { MaThamChieu: String(request.MaThamChieu ?? '') });
    answerSigned(res, 'queryAnswer', '0', paymentFields(t));
  },
  { service: true },
);

registerStandInRoute(
  'POST',
  `/payment-platform/api${PAYGOV_API_PATHS.refund}`,
  async (req, res) => {
    const request = provinceRequest(req, 'refundRequest');
    if (!request) return answerSigned(res, 'refundAnswer', '97', {});
    const refundId = String(request.MaHoanTien ?? '');
    const t = byReference(request.MaThamChieu);
    if (!t || t.TrangThai !== PAYGOV_STATUS.paid || !refundId) {
      return answerSigned(res, 'refundAnswer', '01', { MaHoanTien: refundId });
    }
    const done = t.refunds.find((r) => r.MaHoanTien === refundId);
    if (done) {
      return answerSigned(res, 'refundAnswer', '0', {
        MaHoanTien: refundId,
        MaGiaoDichHoanTien: done.MaGiaoDichHoanTien,
        TrangThai: PAYGOV_STATUS.paid,
      });
    }
    const amount = Number(request.SoTien);
    const refunded = t.refunds.reduce((sum, r) => sum + Number(r.SoTien), 0);
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount + refunded > Number(t.SoTien)) {
      return answerSigned(res, 'refundAnswer', '04', { MaHoanTien: refundId });
    }
    const refund: Refund = {
      MaHoanTien: refundId,
      MaGiaoDichHoanTien: newTransactionNo(),
      SoTien: String(amount),
      LyDo: String(request.LyDo ?? ''),
      at: new Date().toISOString(),
    };
    t.refunds.push(refund);
    answerSigned(res, 'refundAnswer', '0', {
      MaHoanTien: refundId,
      MaGiaoDichHoanTien: refund.MaGiaoDichHoanTien,
      TrangThai: PAYGOV_STATUS.paid,
    });
  },
  { service: true },
);

// The page ------------------------------------------------------------------------------------------------

const vnd = (amount: unknown) => `${Number(amount).toLocaleString('vi-VN')} ₫`;

function billHtml(lookupCode: string, lookup: Lookup): string {
  const answer = lookup.answer as Record<string, unknown> & { data?: Record<string, unknown> };
  if (lookup.status !== 200 || answer?.error_code !== '0' || !answer.data) {
    return `<p role="alert">Không có khoản phải nộp / no bill: HTTP ${lookup.status},
<code>${escapeHtml(JSON.stringify(lookup.answer))}</code></p>`;
  }
  const d = answer.data;
  const lines = ((d.PhiLePhi as Record<string, string>[]) ?? [])
    .map((l) => `<tr><td>${escapeHtml(l.TenPhiLePhi)}</td><td>${escapeHtml(vnd(l.SoTien))}</td></tr>`)
    .join('');
  const row = (vi: string, en: string, value: unknown) =>
    `<tr><th scope="row">${vi} <small>(${en})</small></th><td>${escapeHtml(value)}</td></tr>`;
  const options = INTERMEDIARIES.map((c) => `<option value="${c}">${c}</option>`).join('');
  return `<h2>Hóa đơn / bill</h2>
<p>${lookup.signatureValid ? 'Chữ ký của tỉnh hợp lệ / signature valid' : '<strong>Chữ ký không hợp lệ / invalid signature</strong>'}</p>
<table>${row('Mã hồ sơ', 'dossier', d.MaHoSo)}${row('Thủ tục', 'procedure', d.MaTTHC)}${row('Người nộp', 'payer', `${d.HoTenNguoiNop} (${d.SoCMNDNguoiNop})`)}
${row('Nội dung', 'description', d.NoiDungThanhToan)}${row('Tài khoản thụ hưởng', 'beneficiary', `${d.TKThuHuong} — ${d.TenTKThuHuong} (${d.MaNHThuHuong})`)}
${row('Kho bạc', 'treasury', `${d.KhoBac}, TK thu NSNN ${d.TaiKhoanThuNSNN}`)}${row('Hạn thanh toán', 'due by', d.HanThanhToan)}</table>
<table><tr><th>Khoản nộp / fee</th><th>Số tiền / amount</th></tr>${lines}<tr><th>Tổng / total</th><th>${escapeHtml(vnd(d.TongTien))}</th></tr></table>
<form method="post" action="${STAND_IN_PREFIX}/payments/pay"><input type="hidden" name="MaTraCuuTT" value="${escapeHtml(lookupCode)}">
<label>Thanh toán qua / pay through <select name="KenhThanhToan">${options}</select></label>
<button name="choice" value="pay">Thanh toán / pay</button> <button name="choice" value="cancel">Hủy / cancel</button></form>`;
}

function page(
  res: ServerResponse,
  view: { lookupCode?: string; lookup?: Lookup; transaction?: Transaction } = {},
): void {
  const rows = [...transactions.values()]
    .reverse()
    .map((t) => {
      const last = t.confirmations.at(-1);
      return `<tr><td>${escapeHtml(t.MaGiaoDich)}</td><td>${escapeHtml(t.MaHoSo)}</td><td>${escapeHtml(t.MaTraCuuTT)}</td><td>${escapeHtml(vnd(t.SoTien))}</td><td>${escapeHtml(t.TrangThai)}</td><td>${escapeHtml(t.KenhThanhToan)}</td><td><code>${escapeHtml(last ? JSON.stringify(last.answer) : 'chưa gửi / not sent')}</code></td><td>${t.refunds.length}</td></tr>`;
    })
    .join('');
  const result = view.transaction
    ? `<p role="status">Giao dịch ${escapeHtml(view.transaction.MaGiaoDich)}: ${view.transaction.TrangThai === PAYGOV_STATUS.paid ? 'đã thanh toán / paid' : 'đã hủy / cancelled'}.
Tỉnh trả lời / the province answered: <code>${escapeHtml(JSON.stringify(view.transaction.confirmations.at(-1)?.answer ?? null))}</code></p>`
    : view.lookup && view.lookupCode
      ? billHtml(view.lookupCode, view.lookup)
      : '';
  sendHtml(
    res,
    200,
    `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Nền tảng thanh toán DVCQG (giả lập)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem;font-size:.9rem;text-align:left}code{white-space:pre-wrap;word-break:break-all}</style></head>
<body><h1>Nền tảng thanh toán trên Cổng DVCQG — giả lập <small>(national payment platform stand-in)</small></h1>
<p>Nhập mã tra cứu thanh toán của hồ sơ (the dossier's lookup code, <code>MaTraCuuTT</code>, sent by the province in
the dossier record). The platform asks the province for the bill at <code>POST /payments/paygov/bills</code> and
confirms at <code>POST /payments/paygov/confirm</code>. Faults: <code>POST ${STAND_IN_PREFIX}/faults</code>.</p>
<form method="post" action="${STAND_IN_PREFIX}/payments/lookup"><label for="code">Mã tra cứu / lookup code</label>
<input id="code" name="MaTraCuuTT" required value="${escapeHtml(view.lookupCode ?? '')}"> <button>Tra cứu / look up</button></form>
${result}
<h2>Giao dịch / transactions</h2>
<table><tr><th>MaGiaoDich</th><th>MaHoSo</th><th>MaTraCuuTT</th><th>SoTien</th><th>TrangThai</th><th>Kênh</th><th>province's last answer</th><th>refunds</th></tr>${rows}</table>
</body></html>`,
  );
}

registerStandInRoute('GET', '/payments', async (req, res) => {
  const lookupCode = req.url.searchParams.get('MaTraCuuTT') ?? undefined;
  if (!lookupCode) return page(res);
  page(res, { lookupCode, lookup: await lookUp(lookupCode) });
});
