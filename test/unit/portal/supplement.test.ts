/**
 * A supplementation round answered on the national portal (#12): the round's record in motcua's terms, the
 * pre-check of its files against the procedure, and the states it lives (domain/supplement.ts).
 */
import { describe, expect, test } from 'vitest';
import { recordFingerprint } from '../../../functions/portal/adapter/forwarded.ts';
import { supplementRecordSchema, toForwardedSupplement } from '../../../functions/portal/adapter/supplement.ts';
import { judgeResend, onDocumentVerdict, withConflict } from '../../../functions/portal/domain/forward.ts';
import {
  filesAlreadyVerified,
  onSupplementApplied,
  onSupplementRefused,
  type Supplement,
} from '../../../functions/portal/domain/supplement.ts';
import type { LocalProcedure } from '../../../functions/portal/store.ts';
import { checkFiles } from '../../../functions/portal/use-cases/intake.ts';

const AT = '2026-12-02T03:00:00.000Z';
const SHA = 'AB'.repeat(32);

const file = (overrides: Record<string, string> = {}) => ({
  TepDinhKemId: 'f1',
  TenTepDinhKem: 'anh.png',
  IsDeleted: '0',
  MaThanhPhanHoSo: 'ANH',
  DuongDanTaiTepTin: 'https://dichvucong.gov.vn/files/f1',
  LoaiTep: 'IMAGE/PNG',
  KichThuoc: '40',
  MaBamSHA256: SHA,
  ...overrides,
});

const record = (overrides: Record<string, unknown> = {}) =>
  supplementRecordSchema.parse({
    service: 'BoSungHoSoTuDVCQG',
    MaHoSo: 'G22.20261202.00001',
    HoSoBoSungId: '000.00.15.H19-261202-0001-BS1',
    NoiDungBoSung: 'Ảnh mờ',
    TrangThaiBoSung: '1',
    DanhSachGiayToBoSung: [file()],
    GhiChu: '  Đã chụp lại  ',
    ...overrides,
  });

describe('the round as the portal forwards it', () => {
  test('is kept with MaHoSo and HoSoBoSungId alone; without either it cannot be', () => {
    expect(supplementRecordSchema.safeParse({ MaHoSo: 'G1', HoSoBoSungId: 'G1-BS1' }).success).toBe(true);
    expect(supplementRecordSchema.safeParse({ MaHoSo: 'G1' }).success).toBe(false);
    expect(supplementRecordSchema.safeParse({ HoSoBoSungId: 'G1-BS1' }).success).toBe(false);
  });

  test('converts to motcua terms: files as TaiLieuNop’s, lower-case type and checksum, the note trimmed', () => {
    const converted = toForwardedSupplement(record());
    expect(converted).toEqual({
      ok: true,
      value: {
        nationalId: 'G22.20261202.00001',
        supplementId: '000.00.15.H19-261202-0001-BS1',
        note: 'Đã chụp lại',
        files: [
          {
            fileId: 'f1',
            fileName: 'anh.png',
            requirementCode: 'ANH',
            url: 'https://dichvucong.gov.vn/files/f1',
            contentType: 'image/png',
            size: 40,
            sha256: SHA.toLowerCase(),
          },
        ],
      },
    });
  });

  test('a deleted file is not taken; no files and no state is a supplement without documents', () => {
    const deleted = toForwardedSupplement(record({ DanhSachGiayToBoSung: [file({ IsDeleted: '1' })] }));
    expect(deleted.ok && deleted.value.files).toEqual([]);
    const bare = toForwardedSupplement(supplementRecordSchema.parse({ MaHoSo: 'G1', HoSoBoSungId: 'G1-BS1' }));
    expect(bare).toEqual({ ok: true, value: { nationalId: 'G1', supplementId: 'G1-BS1', files: [] } });
  });

  test('names every unusable field under DanhSachGiayToBoSung; a round still "0" is a request, not a supplement', () => {
    const converted = toForwardedSupplement(
      record({
        TrangThaiBoSung: '0',
        DanhSachGiayToBoSung: [file({ DuongDanTaiTepTin: 'ftp://x/y' }), file({ KichThuoc: 'big' })],
      }),
    );
    expect(converted.ok).toBe(false);
    expect(!converted.ok && converted.errors.map((e) => e.field).sort()).toEqual([
      'DanhSachGiayToBoSung.0.DuongDanTaiTepTin',
      'DanhSachGiayToBoSung.1.KichThuoc',
      'TrangThaiBoSung',
    ]);
  });

  test('the fingerprint ignores the service name and key order; a changed note changes it', () => {
    const a = record();
    const b = supplementRecordSchema.parse(Object.fromEntries(Object.entries({ ...a, service: 'x' }).reverse()));
    expect(recordFingerprint(b)).toBe(recordFingerprint(a));
    expect(recordFingerprint(record({ GhiChu: 'khác' }))).not.toBe(recordFingerprint(a));
  });
});

describe('the round’s files against the procedure', () => {
  const procedure: LocalProcedure = {
    code: '1.999301',
    version: 1,
    name: 'Thủ tục',
    status: 'published',
    mode: 'full',
    agencyCodes: ['X'],
    requirements: [
      { code: 'TO_KHAI', name: 'Tờ khai', required: true, contentTypes: ['application/pdf'], maxBytes: 100 },
      { code: 'ANH', name: 'Ảnh', required: true, contentTypes: ['image/png'], maxBytes: 100 },
    ],
    formSchema: {},
  };
  const converted = (files: Record<string, string>[]) => {
    const c = toForwardedSupplement(record({ DanhSachGiayToBoSung: files }));
    if (!c.ok) throw new Error('unexpected');
    return c.value.files;
  };

  test('a supplement answers some requirements: the others are not demanded', () => {
    expect(checkFiles(procedure, converted([file()]), { listName: 'DanhSachGiayToBoSung', requireAll: false })).toEqual(
      [],
    );
  });

  test('an unknown requirement, a refused type, a file too large, twice the same: named by national field', () => {
    const errors = checkFiles(
      procedure,
      converted([
        file({ MaThanhPhanHoSo: 'KHAC' }),
        file({ MaThanhPhanHoSo: 'TO_KHAI', LoaiTep: 'image/png' }),
        file({ KichThuoc: '500' }),
        file(),
      ]),
      { listName: 'DanhSachGiayToBoSung', requireAll: false },
    );
    expect(errors.map((e) => e.field)).toEqual([
      'DanhSachGiayToBoSung.0.MaThanhPhanHoSo',
      'DanhSachGiayToBoSung.1.LoaiTep',
      'DanhSachGiayToBoSung.2.KichThuoc',
      'DanhSachGiayToBoSung.3.MaThanhPhanHoSo',
    ]);
  });
});

describe('a round’s states', () => {
  const staged = (): Supplement => ({
    nationalId: 'G1',
    supplementId: 'G1-BS1',
    record: record(),
    fingerprint: 'f1',
    via: 'push',
    status: 'awaiting_documents',
    receivedAt: AT,
    updatedAt: AT,
    dossierCode: '000.00.15.H19-261202-0001',
    applicantName: 'A',
    nationalProcedureCode: '1.999301',
    files: [{ fileId: 'k', fileName: 'anh.png', requirementCode: 'ANH', documentId: 'd1', state: 'staged' }],
    attempts: 1,
    conflicts: [],
    version: 1,
  });

  test('forwarded to the dossier once its file is verified; a refused file holds it', () => {
    const forwarded = onDocumentVerdict(staged(), 'd1', { status: 'clean' }, AT)!;
    expect(forwarded).toMatchObject({ status: 'forwarded', version: 2, supplementId: 'G1-BS1' });
    expect(filesAlreadyVerified(forwarded)).toBe(true);
    const refused = onDocumentVerdict(staged(), 'd1', { status: 'rejected', reason: 'type-mismatch' }, AT)!;
    expect(refused.hold).toMatchObject({ code: 'file-rejected' });
    expect(filesAlreadyVerified(refused)).toBe(false);
  });

  test('applied: accepted, once; refused: held with the dossiers context’s reason', () => {
    const forwarded = onDocumentVerdict(staged(), 'd1', { status: 'clean' }, AT)!;
    const applied = onSupplementApplied(forwarded, '000.00.15.H19-261202-0001', AT)!;
    expect(applied).toMatchObject({ status: 'accepted', version: 3 });
    expect(onSupplementApplied(applied, '000.00.15.H19-261202-0001', AT)).toBeUndefined();

    const held = onSupplementRefused(
      forwarded,
      { code: 'not-awaiting-supplement', detail: 'the dossier is processing' },
      AT,
    )!;
    expect(held).toMatchObject({
      status: 'needs_attention',
      hold: { code: 'not-awaiting-supplement', detail: 'the dossier is processing', at: AT },
    });
    // A late answer for a round no longer forwarded changes nothing.
    expect(onSupplementRefused(applied, { code: 'invalid-data', detail: 'x' }, AT)).toBeUndefined();
    expect(onSupplementApplied(held, 'x', AT)).toBeUndefined();
  });

  test('a re-send is the same by fingerprint; a changed one is a conflict, kept once', () => {
    const s = staged();
    expect(judgeResend(s, s.record, 'f1', [], AT)).toEqual({ kind: 'same' });
    const verdict = judgeResend(s, record({ GhiChu: 'khác' }), 'f2', ['GhiChu'], AT);
    expect(verdict.kind).toBe('conflict');
    if (verdict.kind !== 'conflict') return;
    const kept = withConflict(s, verdict.conflict, AT);
    expect(kept.conflicts).toHaveLength(1);
    expect(kept.supplementId).toBe('G1-BS1');
    expect(judgeResend(kept, record({ GhiChu: 'khác' }), 'f2', ['GhiChu'], AT)).toMatchObject({ kind: 'conflict' });
  });
});
