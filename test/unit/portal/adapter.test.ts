import { describe, expect, test } from 'vitest';
import { fromNationalDate, toNationalDate } from '../../../functions/portal/adapter/dates.ts';
import {
  changedFields,
  forwardedRecordSchema,
  recordFingerprint,
  toForwardedSubmission,
} from '../../../functions/portal/adapter/forwarded.ts';

const record = (overrides: Record<string, unknown> = {}) =>
  forwardedRecordSchema.parse({
    MaHoSo: 'G22-1',
    MaTTHC: '1.001193',
    ChuHoSo: 'Nguyễn Văn A',
    LoaiDoiTuong: '1',
    SoDinhDanh: '001099012345',
    DonViXuLy: '000.00.15.H19',
    KenhThucHien: '2',
    NgayNopHoSo: '20261204090509',
    TaiLieuNop: [
      {
        TepDinhKemId: 'f1',
        TenTepDinhKem: 'to-khai.pdf',
        IsDeleted: '0',
        MaThanhPhanHoSo: 'TO_KHAI',
        DuongDanTaiTepTin: 'https://dichvucong.gov.vn/files/f1',
        LoaiTep: 'application/pdf',
        KichThuoc: '123',
        MaBamSHA256: 'A'.repeat(64),
      },
    ],
    ...overrides,
  });

describe('national dates (yyyyMMddHHmmss, GMT+7)', () => {
  test('an instant is written in GMT+7 wall-clock time', () => {
    expect(toNationalDate(new Date('2026-12-04T02:05:09Z'))).toBe('20261204090509');
    expect(toNationalDate(new Date('2026-12-31T17:00:00Z'))).toBe('20270101000000');
  });

  test('reading gives back the same instant', () => {
    expect(fromNationalDate('20261204090509')?.toISOString()).toBe('2026-12-04T02:05:09.000Z');
  });

  test.each(['', '2026120409050', '20260231090000', '20261204246000', '2026-12-04'])('%j is no date', (value) => {
    expect(fromNationalDate(value)).toBeUndefined();
  });
});

describe('the forwarded record', () => {
  test('converts to motcua terms: applicant, files with lower-case checksums, ISO submission time', () => {
    const converted = toForwardedSubmission(record());
    expect(converted.ok).toBe(true);
    if (!converted.ok) return;
    expect(converted.value).toMatchObject({
      nationalId: 'G22-1',
      nationalProcedureCode: '1.001193',
      nationalAgencyCode: '000.00.15.H19',
      applicant: { idNumber: '001099012345', fullName: 'Nguyễn Văn A', type: 'citizen' },
      submittedAt: '2026-12-04T02:05:09.000Z',
      resultDelivery: 'online',
    });
    expect(converted.value.files[0]).toMatchObject({ requirementCode: 'TO_KHAI', size: 123, sha256: 'a'.repeat(64) });
  });

  test('names every unusable field', () => {
    const converted = toForwardedSubmission(
      record({ SoDinhDanh: '12', LoaiDoiTuong: '9', KenhThucHien: '1', NgayNopHoSo: 'yesterday', TaiLieuNop: [{}] }),
    );
    expect(converted.ok).toBe(false);
    if (converted.ok) return;
    const fields = converted.errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'SoDinhDanh',
        'LoaiDoiTuong',
        'KenhThucHien',
        'NgayNopHoSo',
        'TaiLieuNop.0.TepDinhKemId',
      ]),
    );
  });

  test('a deleted file is not taken', () => {
    const r = record();
    (r.TaiLieuNop![0] as Record<string, unknown>).IsDeleted = '1';
    const converted = toForwardedSubmission(r);
    expect(converted.ok && converted.value.files).toEqual([]);
  });

  test('the fingerprint ignores key order and the service name; a changed value changes it', () => {
    const a = record();
    const reordered = Object.fromEntries(Object.entries(a).reverse());
    expect(recordFingerprint({ ...reordered, service: 'X' })).toBe(recordFingerprint(a));
    expect(recordFingerprint(record({ ChuHoSo: 'B' }))).not.toBe(recordFingerprint(a));
    expect(changedFields(a, record({ ChuHoSo: 'B' }))).toEqual(['ChuHoSo']);
  });
});
