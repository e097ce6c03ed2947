/**
 * The few HTML pages the payments context serves: the payer's return page, a printable receipt, and the
 * local sandbox gateway's pages. Plain HTML and a form, in Vietnamese and English, no external assets, so
 * they work offline and under a strict Content-Security-Policy.
 */
import type { HttpResult } from '#platform/http.ts';
import type { Payment } from '../domain/payment.ts';
import type { ReturnOutcome } from '../use-cases/callbacks.ts';
import type { ReceiptView } from './schemas.ts';

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const vnd = (amount: number): string => `${new Intl.NumberFormat('vi-VN').format(amount)} ₫`;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1c2430}
main{max-width:36rem;margin:2rem auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.35rem;margin-top:0} .en{color:#5a6675;font-size:.92em}
table{border-collapse:collapse;width:100%;margin:1rem 0} td,th{padding:.35rem .25rem;border-bottom:1px solid #e3e7ec;text-align:left;vertical-align:top}
td.num,th.num{text-align:right} .ok{color:#11713a} .bad{color:#b3261e} .wait{color:#8a5a00}
button{font-size:1rem;padding:.6rem 1.2rem;border-radius:6px;border:1px solid #0000;cursor:pointer;margin-right:.5rem}
button.pay{background:#0b5cad;color:#fff} button.cancel{background:#fff;border-color:#b3261e;color:#b3261e}
code{background:#eef1f4;padding:0 .25rem;border-radius:3px;word-break:break-all}
`;

/** A whole page, with the headers every page of ours carries. */
export function htmlPage(title: string, body: string, status = 200): HttpResult {
  const page = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
  return {
    status,
    rawBody: page,
    contentType: 'text/html; charset=utf-8',
    headers: { 'content-security-policy': CSP, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
  };
}

const bilingual = (vi: string, en: string): string => `${escapeHtml(vi)} <span class="en">/ ${escapeHtml(en)}</span>`;

const STATUS_TEXT: Record<Payment['status'], [string, string]> = {
  pending: ['Đang chờ xác nhận', 'Awaiting confirmation'],
  paid: ['Đã thanh toán', 'Paid'],
  failed: ['Không thành công', 'Failed'],
  expired: ['Đã hết hạn', 'Expired'],
  refunded: ['Đã hoàn tiền', 'Refunded'],
};

/** The payer's return page: what the gateway says (signature verified), beside what we recorded. */
export function returnPage(outcome: ReturnOutcome, portalUrl: string): HttpResult {
  const back = `<p><a href="${escapeHtml(portalUrl)}">${bilingual('Quay lại Cổng dịch vụ công', 'Back to the public service portal')}</a></p>`;
  if (!outcome.signatureValid) {
    return htmlPage(
      'Chữ ký không hợp lệ / Invalid signature',
      `<h1 class="bad">${bilingual('Chữ ký không hợp lệ', 'Invalid signature')}</h1>
<p>${bilingual(
        'Thông tin trả về từ cổng thanh toán không xác thực được. Trạng thái thanh toán không thay đổi.',
        'The information returned by the payment gateway could not be verified. Nothing was changed.',
      )}</p>${back}`,
      400,
    );
  }
  const [headline, css] =
    outcome.outcome === 'paid'
      ? [bilingual('Thanh toán thành công', 'Payment successful'), 'ok']
      : outcome.outcome === 'pending'
        ? [bilingual('Giao dịch đang được xử lý', 'The payment is being processed'), 'wait']
        : [bilingual('Thanh toán không thành công', 'Payment not completed'), 'bad'];
  const rows: string[] = [];
  if (outcome.payment) rows.push(row('Hồ sơ', 'Dossier', escapeHtml(outcome.payment.dossierCode)));
  if (outcome.txnRef) rows.push(row('Mã giao dịch', 'Reference', `<code>${escapeHtml(outcome.txnRef)}</code>`));
  if (outcome.amount !== undefined) rows.push(row('Số tiền', 'Amount', escapeHtml(vnd(outcome.amount))));
  if (outcome.responseCode) {
    const message = outcome.message ? ` — ${escapeHtml(outcome.message)}` : '';
    rows.push(row('Mã phản hồi', 'Response code', `${escapeHtml(outcome.responseCode)}${message}`));
  }
  if (outcome.payment) {
    const [vi, en] = STATUS_TEXT[outcome.payment.status];
    rows.push(row('Trạng thái đã ghi nhận', 'Recorded status', bilingual(vi, en)));
    if (outcome.payment.receiptNumber) {
      rows.push(row('Số biên lai', 'Receipt number', escapeHtml(outcome.payment.receiptNumber)));
    }
  }
  const note =
    outcome.payment?.status === 'pending'
      ? `<p class="wait">${bilingual(
          'Hệ thống đang chờ xác nhận từ cổng thanh toán; kết quả sẽ được cập nhật vào hồ sơ.',
          'We are waiting for the gateway to confirm; the dossier will be updated.',
        )}</p>`
      : '';
  return htmlPage(
    'Kết quả thanh toán / Payment result',
    `<h1 class="${css}">${headline}</h1><table>${rows.join('')}</table>${note}${back}`,
  );
}

function row(vi: string, en: string, valueHtml: string): string {
  return `<tr><th>${bilingual(vi, en)}</th><td>${valueHtml}</td></tr>`;
}

/** How a fee paid at the desk was taken, as the receipt says it. */
const COUNTER_METHOD_LABEL = {
  cash: ['Tiền mặt tại quầy', 'Cash at the counter'],
  card: ['Thẻ tại quầy', 'Card at the counter'],
} as const;

/** The online gateways as the receipt names them (the others by their own name). */
const GATEWAY_LABEL: Partial<Record<string, string>> = {
  paygov: 'Nền tảng thanh toán trên Cổng DVCQG / National payment platform',
  vnpay: 'VNPay',
  momo: 'MoMo',
};

/** The electronic receipt as a printable page. */
export function receiptPage(receipt: ReceiptView, provinceCode: string): HttpResult {
  const lines = receipt.feeLines
    .map((l) => `<tr><td>${escapeHtml(l.name)}</td><td class="num">${escapeHtml(vnd(l.amount))}</td></tr>`)
    .join('');
  return htmlPage(
    `Biên lai ${receipt.number}`,
    `<h1>${bilingual('Biên lai thu phí, lệ phí điện tử', 'Electronic fee receipt')}</h1>
<p>${bilingual('Mã tỉnh', 'Province code')}: ${escapeHtml(provinceCode)}</p>
<table>
${row('Số biên lai', 'Receipt number', `<strong>${escapeHtml(receipt.number)}</strong>`)}
${row('Ngày lập', 'Issued', escapeHtml(receipt.issuedAt))}
${row('Người nộp', 'Payer', escapeHtml(`${receipt.payer.fullName ?? ''} (${receipt.payer.idNumber})`.trim()))}
${row('Hồ sơ', 'Dossier', escapeHtml(receipt.dossierCode))}
${row('Thời điểm thanh toán', 'Paid at', escapeHtml(receipt.paidAt ?? ''))}
${
  receipt.gateway === 'counter'
    ? row('Hình thức nộp', 'Paid by', escapeHtml(COUNTER_METHOD_LABEL[receipt.method ?? 'cash'].join(' / ')))
    : row(
        'Cổng thanh toán',
        'Gateway',
        escapeHtml(
          `${GATEWAY_LABEL[receipt.gateway] ?? receipt.gateway} — ${receipt.gatewayTransactionNo ?? receipt.txnRef}`,
        ),
      )
}
</table>
<table><tr><th>${bilingual('Khoản thu', 'Fee')}</th><th class="num">${bilingual('Số tiền', 'Amount')}</th></tr>
${lines}<tr><th>${bilingual('Tổng cộng', 'Total')}</th><th class="num">${escapeHtml(vnd(receipt.amount))}</th></tr></table>`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// The local sandbox gateway

const SANDBOX_BANNER = `<p class="en">Cổng thanh toán thử nghiệm — chỉ chạy trên máy cục bộ / Sandbox gateway — local only, no money moves.</p>`;

/** The checkout page: what is being paid, and Pay / Cancel (a form posting back to the same signed URL). */
export function checkoutPage(params: Record<string, string>, amount: number, rawQuery: string): HttpResult {
  const action = `/dev/gateway/checkout?${rawQuery}`;
  return htmlPage(
    'Cổng thanh toán thử nghiệm / Sandbox checkout',
    `<h1>${bilingual('Thanh toán trực tuyến', 'Online payment')}</h1>${SANDBOX_BANNER}
<table>
${row('Đơn vị nhận', 'Merchant', `<code>${escapeHtml(params.vnp_TmnCode ?? '')}</code>`)}
${row('Mã giao dịch', 'Reference', `<code>${escapeHtml(params.vnp_TxnRef ?? '')}</code>`)}
${row('Nội dung', 'Description', escapeHtml(params.vnp_OrderInfo ?? ''))}
${row('Số tiền', 'Amount', `<strong>${escapeHtml(vnd(amount))}</strong>`)}
${row('Hết hạn', 'Expires', escapeHtml(params.vnp_ExpireDate ?? ''))}
</table>
<form method="post" action="${escapeHtml(action)}">
<button class="pay" type="submit" name="choice" value="pay">Thanh toán / Pay</button>
<button class="cancel" type="submit" name="choice" value="cancel">Hủy / Cancel</button>
</form>`,
  );
}

/** What the sandbox shows when it will not take a payment. */
export function checkoutRefusedPage(kind: 'invalid' | 'expired' | 'no-choice'): HttpResult {
  const [vi, en] =
    kind === 'invalid'
      ? ['Yêu cầu thanh toán không hợp lệ (sai chữ ký).', 'The payment request is invalid (bad signature).']
      : kind === 'expired'
        ? ['Giao dịch đã hết thời gian thanh toán.', 'The payment window has expired.']
        : ['Hãy chọn Thanh toán hoặc Hủy.', 'Choose Pay or Cancel.'];
  return htmlPage(
    'Không thể thanh toán / Cannot pay',
    `<h1 class="bad">${bilingual('Không thể thanh toán', 'Cannot pay')}</h1>${SANDBOX_BANNER}<p>${bilingual(vi, en)}</p>`,
    400,
  );
}

/** The sandbox's index: what it is, how to use it, and the payments waiting for a payer. */
export function sandboxIndexPage(input: {
  sandboxMerchant: string;
  vnpayMerchant?: string;
  momoPartner?: string;
  pending: Payment[];
  momoOrderId?: string;
}): HttpResult {
  const pending = input.pending
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.txnRef)}</code></td><td>${escapeHtml(p.gateway)}</td><td>${escapeHtml(p.dossierCode)}</td><td class="num">${escapeHtml(vnd(p.amount))}</td><td>${escapeHtml(p.expiresAt)}</td></tr>`,
    )
    .join('');
  const momo = input.momoOrderId
    ? `<p class="wait">${bilingual(
        `Giao dịch MoMo ${input.momoOrderId} được tạo ở môi trường cục bộ: MoMo không được gọi; hãy gửi IPN có chữ ký đến /payments/momo/ipn.`,
        `MoMo order ${input.momoOrderId} was created locally: MoMo was not called; POST a signed IPN to /payments/momo/ipn.`,
      )}</p>`
    : '';
  return htmlPage(
    'Cổng thanh toán thử nghiệm / Sandbox gateway',
    `<h1>${bilingual('Cổng thanh toán thử nghiệm', 'Sandbox payment gateway')}</h1>${SANDBOX_BANNER}${momo}
<p>${bilingual(
      'Tạo thanh toán với gateway "sandbox" (POST /payments); trang thanh toán sẽ gửi IPN theo định dạng VNPay (có chữ ký) đến /payments/vnpay/ipn rồi chuyển về trang kết quả.',
      'Create a payment with gateway "sandbox" (POST /payments); the checkout page sends a signed VNPay-format IPN to /payments/vnpay/ipn, then redirects to the return page.',
    )}</p>
<table>
${row('Mã đơn vị (sandbox)', 'Sandbox merchant', `<code>${escapeHtml(input.sandboxMerchant)}</code>`)}
${input.vnpayMerchant ? row('Mã đơn vị VNPay', 'VNPay merchant', `<code>${escapeHtml(input.vnpayMerchant)}</code>`) : ''}
${input.momoPartner ? row('Mã đối tác MoMo', 'MoMo partner', `<code>${escapeHtml(input.momoPartner)}</code>`) : ''}
</table>
<h2>${bilingual('Thanh toán đang chờ', 'Pending payments')}</h2>
<table><tr><th>Ref</th><th>Gateway</th><th>${bilingual('Hồ sơ', 'Dossier')}</th><th class="num">VND</th><th>${bilingual('Hết hạn', 'Expires')}</th></tr>${pending}</table>`,
  );
}
