/**
 * The national payment platform (PayGov) plugin, byte for byte against docs/national-portal.md ("Payment
 * through the national payment platform") and the brief's bill fields: `ChuKy` = hex HMAC-SHA256 with the
 * province's key over the listed fields joined by `|`, dates yyyyMMddHHmmss GMT+7, amounts whole VND as strings.
 *
 * Every expected signature is computed here from the documented formula with node:crypto (never with the
 * module's signPaygov) and, for the fixed inputs, also written out as a literal computed by hand outside the
 * module (Python's hmac) — so a change of the field order, the separator, the encoding or the hash fails here.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { HttpClient } from '../../functions/payments/domain/gateway.ts';
import {
  type BillContent,
  billAnswer,
  createPaygovGateway,
  LOOKUP_CODE_PATTERN,
  PAYGOV_ANSWER_CODES,
  paymentLookupCode,
  readBillRequest,
  signPaygov,
  verifyPaygov,
} from '../../functions/payments/domain/paygov.ts';

const KEY = 'motcua-test-paygov-key-2026';
const PARTNER = 'H19PAYGOV';
const DOSSIER = '000.00.15.H19-261202-0001';
const LOOKUP = 'TTF6Q07RRM6JPYQ6ZG'; // paymentLookupCode(DOSSIER), worked out by hand below
const REF = 'PG-REF-0001';

/** The documented signature, independently of the module: HMAC-SHA256(key, fields joined by '|'), hex. */
const chuKy = (...fields: string[]): string => createHmac('sha256', KEY).update(fields.join('|'), 'utf8').digest('hex');

const parse = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('the signature (ChuKy)', () => {
  test('of a bill lookup: MaDoiTac|MaTraCuuTT|ThoiGianGui', () => {
    const fields = { ThoiGianGui: '20261202100000', MaTraCuuTT: LOOKUP, MaDoiTac: PARTNER }; // any key order
    const expected = chuKy(PARTNER, LOOKUP, '20261202100000');
    expect(expected).toBe('026c9baae6549c58dbc050739a114091b660805cb7cb5be4bf656835cc898d79');
    expect(signPaygov('billRequest', fields, KEY)).toBe(expected);
  });

  test('of a confirmation: MaDoiTac|MaTraCuuTT|MaThamChieu|MaGiaoDich|SoTien|TrangThai|ThoiGianThanhToan', () => {
    const fields = {
      MaDoiTac: PARTNER,
      MaTraCuuTT: LOOKUP,
      MaThamChieu: REF,
      MaGiaoDich: 'NAPAS-778899',
      SoTien: '32000',
      TrangThai: '00',
      ThoiGianThanhToan: '20261202101530',
      KenhThanhToan: 'VNPAY', // not among the signed fields
    };
    const expected = chuKy(PARTNER, LOOKUP, REF, 'NAPAS-778899', '32000', '00', '20261202101530');
    expect(expected).toBe('4d994f3569533e5b30b51d1e9d86d469ced8d0d913a86afeaf765271b21e375e');
    expect(signPaygov('confirmation', fields, KEY)).toBe(expected);
    expect(signPaygov('confirmation', { ...fields, KenhThanhToan: 'MOMO' }, KEY)).toBe(expected);
  });

  test('an absent field signs as the empty string, in its place', () => {
    expect(signPaygov('bill', { error_code: '03', MaTraCuuTT: LOOKUP }, KEY)).toBe(chuKy('03', LOOKUP, '', ''));
    expect(chuKy('03', LOOKUP, '', '')).toBe('c152b7a9ca9c40e370cabeaaba2a4ea5252f901119dc155aa70e58cdb6ed729a');
  });

  test('verification: the right ChuKy (either case) passes; a tampered field, another key or none fails', () => {
    const fields = {
      MaDoiTac: PARTNER,
      MaTraCuuTT: LOOKUP,
      ThoiGianGui: '20261202100000',
      ChuKy: chuKy(PARTNER, LOOKUP, '20261202100000'),
    };
    expect(verifyPaygov('billRequest', fields, KEY)).toBe(true);
    expect(verifyPaygov('billRequest', { ...fields, ChuKy: fields.ChuKy.toUpperCase() }, KEY)).toBe(true);
    expect(verifyPaygov('billRequest', { ...fields, MaTraCuuTT: 'TTF6Q07RRM6JPYQ6ZH' }, KEY)).toBe(false);
    expect(verifyPaygov('billRequest', { ...fields, ThoiGianGui: '20261202100001' }, KEY)).toBe(false);
    expect(verifyPaygov('billRequest', fields, `${KEY}x`)).toBe(false);
    expect(verifyPaygov('billRequest', { ...fields, ChuKy: undefined }, KEY)).toBe(false);
    expect(verifyPaygov('billRequest', { ...fields, ChuKy: fields.ChuKy.slice(0, 62) }, KEY)).toBe(false);
  });
});

describe('the lookup code (MaTraCuuTT)', () => {
  test('is TT + 16 Crockford base32 characters of the first 80 bits of SHA-256("motcua/paygov/<code>")', () => {
    const digest = createHash('sha256').update(`motcua/paygov/${DOSSIER}`, 'utf8').digest();
    const bits = [...digest.subarray(0, 10)].map((b) => b.toString(2).padStart(8, '0')).join('');
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const byHand = `TT${Array.from({ length: 16 }, (_, i) => alphabet[Number.parseInt(bits.slice(i * 5, i * 5 + 5), 2)]).join('')}`;
    expect(byHand).toBe(LOOKUP);
    expect(paymentLookupCode(DOSSIER)).toBe(LOOKUP);
    expect(LOOKUP).toMatch(LOOKUP_CODE_PATTERN);
    expect(paymentLookupCode('000.00.15.H19-261202-0002')).not.toBe(LOOKUP);
  });
});

describe('the bill lookup (POST /payments/paygov/bills)', () => {
  const request = (overrides: Record<string, string> = {}) => {
    const body = { MaDoiTac: PARTNER, MaTraCuuTT: LOOKUP, ThoiGianGui: '20261202100000', ...overrides };
    return { ...body, ChuKy: chuKy(body.MaDoiTac, body.MaTraCuuTT, body.ThoiGianGui) };
  };
  const keys = (partner: string) => (partner === PARTNER ? KEY : undefined);

  test('a signed request is read', () => {
    expect(readBillRequest(JSON.stringify(request()), keys)).toEqual({ signatureValid: true, request: request() });
  });

  test('a tampered field, an unknown partner, a malformed time or body is refused', () => {
    const tampered = { ...request(), MaTraCuuTT: 'TT0000000000000000' };
    expect(readBillRequest(JSON.stringify(tampered), keys)).toEqual({ signatureValid: false });
    expect(readBillRequest(JSON.stringify(request({ MaDoiTac: 'OTHER' })), keys)).toEqual({ signatureValid: false });
    expect(readBillRequest(JSON.stringify(request({ ThoiGianGui: '2026-12-02 10:00' })), keys)).toEqual({
      signatureValid: false,
    });
    expect(readBillRequest('not json', keys)).toEqual({ signatureValid: false });
  });

  const bill: BillContent = {
    portalDossierCode: 'G22.20261202.00001',
    lookupCode: LOOKUP,
    txnRef: REF,
    procedureCode: '2.000815',
    unitCode: '000.00.01.H19',
    agencyCode: '000.00.15.H19',
    agencyName: 'Sở Tư pháp',
    feeLines: [
      { code: 'LE_PHI_CAP_BAN_SAO', name: 'Lệ phí cấp bản sao', amount: 30_000, kind: 'fee' },
      { code: 'PHI_CHUNG_THUC', name: 'Phí chứng thực', amount: 2_000, kind: 'charge' },
    ],
    amount: 32_000,
    beneficiary: {
      accountNumber: '3511.0.1055555',
      bankCode: '970415',
      accountName: 'Sở Tư pháp tỉnh',
      treasury: 'KBNN tỉnh',
      budgetAccount: '7111',
      decisionBody: '000.00.00.H19',
      decisionNumber: '12/2026/NQ-HĐND',
    },
    payerName: 'Nguyễn Văn An',
    payerIdNumber: '001099012345',
    payerAddress: 'Số 1 Tràng Tiền',
    description: `Thanh toán phí, lệ phí hồ sơ ${DOSSIER}`,
    expiresAt: new Date('2026-12-05T03:00:00.000Z'), // 10:00 on 5 December in Vietnam
  };

  test('the answer with the bill: every field of the brief, amounts as whole-VND strings, GMT+7 expiry, signed', () => {
    const answer = billAnswer({ code: '0', bill }, KEY);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = parse(answer.body);
    expect(body).toEqual({
      error_code: '0',
      message: 'Thành công',
      MaTraCuuTT: LOOKUP,
      MaThamChieu: REF,
      TongTien: '32000',
      data: {
        MaHoSo: 'G22.20261202.00001',
        MaTraCuuTT: LOOKUP,
        MaThamChieu: REF,
        MaDichVu: '2.000815',
        MaDVC: '000.00.01.H19',
        MaTTHC: '2.000815',
        MaDonVi: '000.00.15.H19',
        TenDonVi: 'Sở Tư pháp',
        PhiLePhi: [
          { LoaiPhiLePhi: '1', MaPhiLePhi: 'LE_PHI_CAP_BAN_SAO', TenPhiLePhi: 'Lệ phí cấp bản sao', SoTien: '30000' },
          { LoaiPhiLePhi: '2', MaPhiLePhi: 'PHI_CHUNG_THUC', TenPhiLePhi: 'Phí chứng thực', SoTien: '2000' },
        ],
        TongTien: '32000',
        TKThuHuong: '3511.0.1055555',
        MaNHThuHuong: '970415',
        TenTKThuHuong: 'Sở Tư pháp tỉnh',
        KhoBac: 'KBNN tỉnh',
        TaiKhoanThuNSNN: '7111',
        MaCoQuanQD: '000.00.00.H19',
        SoQD: '12/2026/NQ-HĐND',
        NoiDungThanhToan: `Thanh toán phí, lệ phí hồ sơ ${DOSSIER}`,
        HoTenNguoiNop: 'Nguyễn Văn An',
        SoCMNDNguoiNop: '001099012345',
        DiaChiNguoiNop: 'Số 1 Tràng Tiền',
        DSKhoanNop: [
          { NoiDung: 'Lệ phí cấp bản sao', SoTien: '30000' },
          { NoiDung: 'Phí chứng thực', SoTien: '2000' },
        ],
        HanThanhToan: '20261205100000',
      },
      ChuKy: chuKy('0', LOOKUP, REF, '32000'),
    });
    expect(body.ChuKy).toBe('896ef4e36aa6a98c92b767e2fbcfe72f903936dc79d598f0f3990b763e6dffe9');
    // Whole VND: the lines add up to the total, every amount is digits only.
    const data = body.data as { PhiLePhi: { SoTien: string }[]; TongTien: string };
    expect(data.PhiLePhi.every((l) => /^\d+$/.test(l.SoTien))).toBe(true);
    expect(data.PhiLePhi.reduce((sum, l) => sum + Number(l.SoTien), 0)).toBe(Number(data.TongTien));
  });

  test('without optional parts: the agency is the deciding body, empty strings for what is unknown', () => {
    const { agencyName: _n, payerAddress: _a, ...rest } = bill;
    const body = parse(
      billAnswer(
        {
          code: '0',
          bill: { ...rest, beneficiary: { ...bill.beneficiary, decisionBody: undefined, decisionNumber: undefined } },
        },
        KEY,
      ).body,
    );
    expect(body.data).toMatchObject({ TenDonVi: '', DiaChiNguoiNop: '', MaCoQuanQD: '000.00.15.H19', SoQD: '' });
  });

  test('the answer without a bill: the code, its message, the lookup code, signed with the absent fields empty', () => {
    const body = parse(billAnswer({ code: '03', lookupCode: LOOKUP }, KEY).body);
    expect(body).toEqual({
      error_code: '03',
      message: 'Hồ sơ không còn khoản phí, lệ phí nào phải nộp',
      MaTraCuuTT: LOOKUP,
      ChuKy: 'c152b7a9ca9c40e370cabeaaba2a4ea5252f901119dc155aa70e58cdb6ed729a',
    });
    expect(parse(billAnswer({ code: '01', lookupCode: LOOKUP }, KEY).body).message).toBe('Không tìm thấy');
  });
});

describe('the confirmation (POST /payments/paygov/confirm)', () => {
  const noHttp: HttpClient = async () => {
    throw new Error('no network expected');
  };
  const gateway = createPaygovGateway({
    partnerCode: PARTNER,
    secretKey: KEY,
    paymentUrl: 'https://platform.example/pay',
    apiUrl: 'https://platform.example/api/',
    http: noHttp,
    now: () => new Date('2026-12-02T04:00:00.000Z'),
  });
  const confirmation = (overrides: Record<string, string> = {}) => {
    const body = {
      MaDoiTac: PARTNER,
      MaTraCuuTT: LOOKUP,
      MaThamChieu: REF,
      MaGiaoDich: 'NAPAS-778899',
      SoTien: '32000',
      TrangThai: '00',
      ThoiGianThanhToan: '20261202101530',
      KenhThanhToan: 'VNPAY',
      ...overrides,
    };
    return {
      ...body,
      ChuKy: chuKy(
        body.MaDoiTac,
        body.MaTraCuuTT,
        body.MaThamChieu,
        body.MaGiaoDich,
        body.SoTien,
        body.TrangThai,
        body.ThoiGianThanhToan,
      ),
    };
  };
  const verify = (body: unknown) =>
    gateway.verifyCallback({ method: 'POST', rawBody: typeof body === 'string' ? body : JSON.stringify(body) });

  test('a paid one is read: reference, whole-VND amount, transaction, channel, paid time in GMT+7', () => {
    expect(verify(confirmation())).toEqual({
      signatureValid: true,
      gateway: 'paygov',
      txnRef: REF,
      amount: 32_000,
      merchantCode: PARTNER,
      outcome: 'paid',
      gatewayTransactionNo: 'NAPAS-778899',
      bankCode: 'VNPAY',
      paidAt: '2026-12-02T10:15:30+07:00',
      responseCode: '00',
    });
  });

  test('TrangThai 01 is failed, 02 under way; no transaction, channel or time leaves them out', () => {
    expect(verify(confirmation({ TrangThai: '01' }))).toMatchObject({ signatureValid: true, outcome: 'failed' });
    const pending = verify(confirmation({ TrangThai: '02', MaGiaoDich: '', ThoiGianThanhToan: '', KenhThanhToan: '' }));
    expect(pending).toEqual({
      signatureValid: true,
      gateway: 'paygov',
      txnRef: REF,
      amount: 32_000,
      merchantCode: PARTNER,
      outcome: 'pending',
      responseCode: '02',
    });
  });

  test.each([
    ['SoTien', { SoTien: '320000' }],
    ['TrangThai', { TrangThai: '01' }],
    ['MaThamChieu', { MaThamChieu: 'PG-REF-0002' }],
    ['MaGiaoDich', { MaGiaoDich: 'NAPAS-000000' }],
    ['ThoiGianThanhToan', { ThoiGianThanhToan: '20261202101531' }],
    ['MaTraCuuTT', { MaTraCuuTT: 'TT0000000000000000' }],
  ])('a tampered %s fails verification', (_field, change) => {
    expect(verify({ ...confirmation(), ...change })).toEqual({ signatureValid: false, outcome: 'failed' });
  });

  test('another partner, a non-integer amount, no signature or no JSON is not trusted', () => {
    expect(verify(confirmation({ MaDoiTac: 'OTHER' }))).toEqual({ signatureValid: false, outcome: 'failed' });
    // Whole VND only: "32000.00" is not an amount of the platform, even correctly signed.
    expect(verify(confirmation({ SoTien: '32000.00' }))).toEqual({ signatureValid: false, outcome: 'failed' });
    const { ChuKy: _c, ...unsigned } = confirmation();
    expect(verify(unsigned)).toEqual({ signatureValid: false, outcome: 'failed' });
    expect(verify('SoTien=32000')).toEqual({ signatureValid: false, outcome: 'failed' });
  });

  test('its answers: the code, its message, ChuKy over error_code|MaThamChieu with MaThamChieu empty', () => {
    const expected: Record<string, [string, string, string]> = {
      success: ['0', 'Thành công', 'b1babcab33dd68eb1493ff4c65f84b5d3354ba25460b193c35d0780de8eeaf5f'],
      already_confirmed: [
        '02',
        'Giao dịch đã được xác nhận trước đó',
        '5fe5880eefb7fde894eb11c5106a8fee81a09c5a659d95e1de6f1bad3f527261',
      ],
      not_found: ['01', 'Không tìm thấy', '42ad33d5cb04e57008d97e7dad0282340b7b45dca5a1268ff523bb3c14f41495'],
      invalid_amount: ['04', 'Số tiền không khớp', 'fc71a62616d03a617b79cac80a82a729be2f95fa2dbe57283b275787e381d2a7'],
      invalid_signature: [
        '97',
        'Chữ ký không hợp lệ',
        'b15a87d15bdceda29661d07ed62ba8d3063429d6a063c82c21232a4b0fbf4efd',
      ],
      error: ['99', 'Lỗi hệ thống, gửi lại sau', 'cccb9a9d14e63292f7bfebafd9612fa5c0e365bf5f8258115e46623641927d4c'],
    };
    for (const [outcome, [code, message, literal]] of Object.entries(expected)) {
      expect(PAYGOV_ANSWER_CODES[outcome as keyof typeof PAYGOV_ANSWER_CODES]).toBe(code);
      const answer = gateway.callbackAnswer(outcome as keyof typeof PAYGOV_ANSWER_CODES);
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toBe(JSON.stringify({ error_code: code, message, ChuKy: chuKy(code, '') }));
      expect(chuKy(code, '')).toBe(literal);
    }
  });
});

describe('the province asks the platform (query, refund)', () => {
  const NOW = new Date('2026-12-02T04:00:00.000Z'); // 11:00 in Vietnam
  const withAnswers = (...answers: Record<string, unknown>[]) => {
    const requests: { url: string; body: string; headers: Record<string, string> }[] = [];
    const http: HttpClient = async (url, init) => {
      requests.push({ url, body: init.body ?? '', headers: init.headers });
      const next = answers.shift();
      if (!next) throw new Error('unexpected request');
      return { status: 200, body: JSON.stringify(next) };
    };
    const gateway = createPaygovGateway({
      partnerCode: PARTNER,
      secretKey: KEY,
      paymentUrl: 'https://platform.example/pay',
      apiUrl: 'https://platform.example/api/',
      http,
      now: () => NOW,
    });
    return { gateway, requests };
  };

  test('a query is sent signed (MaDoiTac|MaThamChieu|ThoiGianGui) and its signed answer read', async () => {
    const data = {
      MaThamChieu: REF,
      MaGiaoDich: 'NAPAS-778899',
      SoTien: '32000',
      TrangThai: '00',
      ThoiGianThanhToan: '20261202101530',
      KenhThanhToan: 'MOMO',
    };
    const signed = chuKy('0', REF, 'NAPAS-778899', '32000', '00');
    expect(signed).toBe('bafba0a7a08c0cb4cbb85c1e6af6f53d3ed64526c03e81ebcc87fc318f32ae85');
    const { gateway, requests } = withAnswers({ error_code: '0', message: 'ok', data, ChuKy: signed });
    const result = await gateway.queryStatus({ txnRef: REF, transactionDate: NOW });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('https://platform.example/api/giaodich/truyvan');
    expect(requests[0]!.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(requests[0]!.body).toBe(
      JSON.stringify({
        MaDoiTac: PARTNER,
        MaThamChieu: REF,
        ThoiGianGui: '20261202110000',
        ChuKy: '2c50dc990006f3826935ed2dda09c53f82428736c41676fa8dd4886dd64f715a',
      }),
    );
    expect(chuKy(PARTNER, REF, '20261202110000')).toBe(
      '2c50dc990006f3826935ed2dda09c53f82428736c41676fa8dd4886dd64f715a',
    );
    expect(result).toEqual({
      outcome: 'paid',
      amount: 32_000,
      gatewayTransactionNo: 'NAPAS-778899',
      bankCode: 'MOMO',
      paidAt: '2026-12-02T10:15:30+07:00',
      responseCode: '00',
    });
  });

  test('a query answer with a tampered amount is refused', async () => {
    const data = { MaThamChieu: REF, MaGiaoDich: 'NAPAS-778899', SoTien: '1', TrangThai: '00' };
    const { gateway } = withAnswers({ error_code: '0', data, ChuKy: chuKy('0', REF, 'NAPAS-778899', '32000', '00') });
    await expect(gateway.queryStatus({ txnRef: REF, transactionDate: NOW })).rejects.toMatchObject({
      gateway: 'paygov',
      reason: 'bad-signature',
    });
  });

  test('a refund is sent signed (…|MaHoanTien|SoTien|ThoiGianGui) and its signed answer read', async () => {
    const answerSignature = chuKy('0', 'RF-1', 'NAPAS-RF-55', '00');
    expect(answerSignature).toBe('00b060410c03fe78480bda62d1f2b1c09bcab1fbbf4c7f8d6184aaed3ff7f157');
    const { gateway, requests } = withAnswers({
      error_code: '0',
      data: { MaHoanTien: 'RF-1', MaGiaoDichHoanTien: 'NAPAS-RF-55', TrangThai: '00' },
      ChuKy: answerSignature,
    });
    const result = await gateway.refund!({
      txnRef: REF,
      gatewayTransactionNo: 'NAPAS-778899',
      refundId: 'RF-1',
      amount: 32_000,
      paymentAmount: 32_000,
      transactionDate: NOW,
      reason: 'Hoàn tiền: hồ sơ đã được thanh toán trước đó',
      createdBy: 'payments',
    });
    const sent = parse(requests[0]!.body);
    expect(requests[0]!.url).toBe('https://platform.example/api/giaodich/hoantien');
    expect(sent).toEqual({
      MaDoiTac: PARTNER,
      MaThamChieu: REF,
      MaGiaoDich: 'NAPAS-778899',
      MaHoanTien: 'RF-1',
      SoTien: '32000',
      LyDo: 'Hoàn tiền: hồ sơ đã được thanh toán trước đó',
      NguoiYeuCau: 'payments',
      ThoiGianGui: '20261202110000',
      ChuKy: '66df1e9f553ba2d2b81429a50384848431293370ef2aefa183a61cc14da5a357',
    });
    expect(chuKy(PARTNER, REF, 'NAPAS-778899', 'RF-1', '32000', '20261202110000')).toBe(sent.ChuKy);
    expect(result).toEqual({ status: 'succeeded', gatewayRefundNo: 'NAPAS-RF-55', responseCode: '00' });
  });
});
