import { describe, expect, test } from 'vitest';
import {
  enqueueSync,
  isSyncDue,
  newSyncState,
  nextSyncAttempt,
  recordSyncFailure,
  recordSyncSuccess,
  syncStatus,
  toNationalPortalRecord,
} from '#reporting/domain/sync.ts';
import { AG1, CERTIFY, marchDossiers } from './fixtures.ts';

describe('the national portal record', () => {
  const dossiers = marchDossiers();

  test('every field of a returned online dossier', () => {
    const record = toNationalPortalRecord(dossiers.D1.last, { documentUrl: (id) => `https://dvc.example.vn/f/${id}` });
    expect(record).toEqual({
      MaHoSo: 'D1',
      MaTTHC: CERTIFY,
      TenTTHC: 'Chứng thực bản sao từ bản chính',
      MaLinhVuc: 'chung-thuc',
      KenhThucHien: '2',
      ChuHoSo: 'Trần Thị Bình',
      SoGiayToChuHoSo: '001099012345',
      LoaiDoiTuong: '1',
      NgayNopHoSo: '20250303080000',
      NgayTiepNhan: '20250303090000',
      NgayHenTra: '20250306170000',
      NgayKetThucXuLy: '20250305100000',
      NgayTra: '20250305150000',
      NgayTuChoi: '',
      TrangThaiHoSo: '10',
      DonViXuLy: AG1,
      TaiLieuNop: [
        {
          TepDinhKemId: 'D1-DOC-1',
          MaThanhPhanHoSo: 'REQ-1',
          DuongDanTaiTepTin: 'https://dvc.example.vn/f/D1-DOC-1',
          DuocSoHoa: '1',
          DuocTaiSuDung: '1',
        },
        {
          TepDinhKemId: 'D1-DOC-2',
          MaThanhPhanHoSo: 'REQ-2',
          DuongDanTaiTepTin: 'https://dvc.example.vn/f/D1-DOC-2',
          DuocSoHoa: '1',
          DuocTaiSuDung: '0',
        },
      ],
      HoSoCoThanhPhanSoHoa: '1',
      DanhSachGiayToKetQua: [
        {
          GiayToId: 'R-D1',
          TenGiayTo: 'Chứng thực bản sao từ bản chính',
          MaGiayToKetQua: '123/QĐ-D1',
          DuongDanTepTinKetQua: 'https://dvc.example.vn/f/R-D1',
          NguoiKy: 'Lê Văn Cường',
          CoQuanBanHanh: AG1,
          NgayKy: '20250305100000',
          LaKetQuaDienTu: '1',
        },
      ],
      DanhSachLePhi: [{ MaPhiLePhi: 'LE-PHI', TenPhiLePhi: 'Lệ phí', Gia: '4000' }],
      DuocThanhToanTrucTuyen: '2',
      TaiKhoanDuocXacThucVoiVNeID: '1',
      QuaTrinhXuLy: expect.any(Array),
    });
    expect(record.QuaTrinhXuLy.map((entry) => [entry.ThoiDiemXuLy, entry.TrangThai])).toEqual([
      ['20250303080000', '1'],
      ['20250303090000', '2'],
      ['20250303100000', '4'],
      ['20250304090000', '4'],
      ['20250305100000', '9'],
      ['20250305150000', '10'],
      ['20250306090000', '10'],
    ]);
    expect(record.QuaTrinhXuLy[1]).toEqual({
      NguoiXuLy: 'Nguyễn Văn An',
      ChucDanh: 'Chuyên viên',
      PhongBanXuLy: AG1,
      ThoiDiemXuLy: '20250303090000',
      NoiDungXuLy: 'receive',
      TrangThai: '2',
    });
  });

  test('payment platform, channel codes, rejection and a dossier without a result', () => {
    expect(toNationalPortalRecord(dossiers.D1.last, { paymentChannel: 1 }).DuocThanhToanTrucTuyen).toBe('1');
    expect(toNationalPortalRecord(dossiers.D2.last).DuocThanhToanTrucTuyen).toBe('0'); // paid at the counter
    const d2 = toNationalPortalRecord(dossiers.D2.last);
    expect([d2.KenhThucHien, d2.HoSoCoThanhPhanSoHoa, d2.TaiKhoanDuocXacThucVoiVNeID]).toEqual(['1', '0', '0']);
    expect(d2.DanhSachGiayToKetQua[0]?.DuongDanTepTinKetQua).toBe('');
    expect(toNationalPortalRecord(dossiers.D7.last).KenhThucHien).toBe('3');
    const rejected = toNationalPortalRecord(dossiers.D9.last);
    expect([rejected.TrangThaiHoSo, rejected.NgayTuChoi, rejected.NgayTiepNhan]).toEqual(['3', '20250312100000', '']);
    expect(rejected.DanhSachGiayToKetQua).toEqual([]);
    expect(rejected.TaiLieuNop[0]?.DuongDanTaiTepTin).toBe('/documents/D9-DOC-1/content');
    const business = { ...dossiers.D6.last, applicant: { ...dossiers.D6.last.applicant, type: 'business' as const } };
    expect(toNationalPortalRecord(business).LoaiDoiTuong).toBe('2');
    expect(toNationalPortalRecord(dossiers.D6.last).TrangThaiHoSo).toBe('5');
  });
});

describe('sync retries', () => {
  const now = new Date('2025-03-10T02:00:00.000Z');
  const plus = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const MIN = 60_000;

  test('backoff doubles from one minute and is capped at one hour', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7, 12, 100].map((attempts) => nextSyncAttempt({ attempts }, now, 0));
    expect(waits).toEqual([
      plus(MIN),
      plus(2 * MIN),
      plus(4 * MIN),
      plus(8 * MIN),
      plus(16 * MIN),
      plus(32 * MIN),
      plus(60 * MIN), // 64 min capped
      plus(60 * MIN),
      plus(60 * MIN),
    ]);
    expect(nextSyncAttempt({ attempts: 0 }, now, 0.7)).toBe(now.toISOString());
  });

  test('jitter shortens a wait by up to a quarter', () => {
    expect(nextSyncAttempt({ attempts: 1 }, now, 0.5)).toBe(plus(52_500)); // 60 s × (1 − 0.25 × 0.5)
    expect(nextSyncAttempt({ attempts: 7 }, now, 0.999)).toBe(plus(Math.round(3_600_000 * (1 - 0.25 * 0.999))));
  });

  test('a newer snapshot supersedes an unsent older one; older ones change nothing', () => {
    const synced3 = recordSyncSuccess(enqueueSync(newSyncState('D1'), 3, now), 3, now);
    expect(syncStatus(synced3)).toBe('synced');
    const pending5 = enqueueSync(synced3, 5, now);
    expect(pending5).toMatchObject({ pendingSequence: 5, nextAttemptAt: now.toISOString() });
    expect(enqueueSync(pending5, 4, now)).toBe(pending5);
    expect(enqueueSync(pending5, 3, now)).toBe(pending5);
    expect(enqueueSync(pending5, 6, now).pendingSequence).toBe(6);
    expect(syncStatus(pending5)).toBe('pending');
  });

  test('a failure is visible and backs off; a version enqueued meanwhile waits for the backoff', () => {
    const pending = enqueueSync(newSyncState('D1'), 1, now);
    expect(syncStatus(newSyncState('D1'))).toBe('never');
    const failed = recordSyncFailure(pending, 'HTTP 503 from the portal', now, 0);
    expect(failed).toEqual({
      dossierCode: 'D1',
      lastSyncedSequence: null,
      pendingSequence: 1,
      attempts: 1,
      lastError: 'HTTP 503 from the portal',
      nextAttemptAt: plus(MIN),
    });
    expect(syncStatus(failed)).toBe('retrying');
    const newer = enqueueSync(failed, 2, new Date(now.getTime() + 10_000));
    expect([newer.pendingSequence, newer.nextAttemptAt]).toEqual([2, plus(MIN)]);
    expect(isSyncDue(newer, new Date(now.getTime() + 59_999))).toBe(false);
    expect(isSyncDue(newer, new Date(now.getTime() + MIN))).toBe(true);
    const failedAgain = recordSyncFailure(newer, 'timeout', new Date(now.getTime() + MIN), 0);
    expect([failedAgain.attempts, failedAgain.nextAttemptAt]).toEqual([2, plus(3 * MIN)]);

    const done = recordSyncSuccess(failedAgain, 2, now);
    expect(done).toEqual({
      dossierCode: 'D1',
      lastSyncedSequence: 2,
      pendingSequence: null,
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(isSyncDue(done, new Date(now.getTime() + 10 * MIN))).toBe(false);
  });

  test('a success for an older version leaves the newer one pending and due now', () => {
    const pending = enqueueSync(enqueueSync(newSyncState('D1'), 5, now), 6, now);
    const afterFive = recordSyncSuccess(pending, 5, now);
    expect(afterFive).toMatchObject({ lastSyncedSequence: 5, pendingSequence: 6, nextAttemptAt: now.toISOString() });
    expect(isSyncDue(afterFive, now)).toBe(true);
  });
});
