/** The outbound records to the national portal: DongBoHoSoMC (the dossier) and CapNhatTienDoHoSoMC (one step). */
import { describe, expect, test } from 'vitest';
import { toDossierRecord, toProgressRecord } from '../../../functions/portal/adapter/outbound.ts';
import { AG1, CERTIFY, marchDossiers } from '../reporting/fixtures.ts';

const UNIT = '000.00.01.H19';
const options = {
  unitCode: UNIT,
  documentUrl: (id: string) => `https://dvc.example.vn/f/${id}`,
  portalKnowsDossier: true,
};

describe('the dossier record (DongBoHoSoMC)', () => {
  const dossiers = marchDossiers();

  test('every field of a returned online dossier', () => {
    const record = toDossierRecord(dossiers.D1.last, options);
    expect(record).toEqual({
      service: 'DongBoHoSoMC',
      isUpdating: '1',
      MaDonVi: UNIT,
      MaHoSo: 'D1',
      MaTTHC: CERTIFY,
      TenTTHC: 'Chứng thực bản sao từ bản chính',
      MaLinhVuc: 'chung-thuc',
      TenLinhVuc: '',
      KenhThucHien: '2',
      ChuHoSo: 'Trần Thị Bình',
      SoGiayToChuHoSo: '001099012345',
      LoaiDoiTuong: '1',
      MaDoiTuong: '',
      ThongTinKhac: '',
      Email: '',
      Fax: '',
      SoDienThoai: '',
      TrichYeuHoSo: 'Chứng thực bản sao từ bản chính — Trần Thị Bình',
      NgayNopHoSo: '20250303080000',
      NgayTiepNhan: '20250303090000',
      NgayHenTra: '20250306170000',
      TrangThaiHoSo: '10',
      NgayTra: '20250305150000',
      ThongTinTra: '',
      HinhThuc: expect.stringMatching(/^[012]$/),
      NgayKetThucXuLy: '20250305100000',
      NgayTuChoi: '',
      DonViXuLy: AG1,
      GhiChu: '',
      HoSoCoThanhPhanSoHoa: '1',
      DuocThanhToanTrucTuyen: '2',
      MaTraCuuTT: '',
      TaiKhoanDuocXacThucVoiVNeID: '1',
      TaiLieuNop: [
        {
          TepDinhKemId: 'D1-DOC-1',
          TenTepDinhKem: 'REQ-1',
          IsDeleted: '0',
          MaThanhPhanHoSo: 'REQ-1',
          DuongDanTaiTepTin: 'https://dvc.example.vn/f/D1-DOC-1',
          DuocSoHoa: '1',
          DuocTaiSuDung: '1',
        },
        {
          TepDinhKemId: 'D1-DOC-2',
          TenTepDinhKem: 'REQ-2',
          IsDeleted: '0',
          MaThanhPhanHoSo: 'REQ-2',
          DuongDanTaiTepTin: 'https://dvc.example.vn/f/D1-DOC-2',
          DuocSoHoa: '1',
          DuocTaiSuDung: '0',
        },
      ],
      DanhSachLePhi: [
        { TenPhiLePhi: 'Lệ phí', MaPhiLePhi: 'LE-PHI', HinhThucThu: '2', Gia: '4000', LoaiPhiLePhi: '1' },
      ],
      DanhSachTepDinhKemKhac: [],
      DanhSachHoSoBoSung: [],
      DanhSachGiayToKetQua: [
        {
          TenGiayTo: 'Chứng thực bản sao từ bản chính',
          MaThanhPhanHoSo: 'KQ',
          GiayToId: 'R-D1',
          DuongDanTepTinKetQua: 'https://dvc.example.vn/f/R-D1',
          MaGiayToKetQua: '123/QĐ-D1',
          NguoiKy: 'Lê Văn Cường',
          CoQuanBanHanh: AG1,
          NgayKy: '20250305100000',
          LaKetQuaDienTu: '1',
        },
      ],
    });
  });

  test('create vs update, payment platform, channel codes, rejection, a business', () => {
    expect(toDossierRecord(dossiers.D1.versions[0]!, { ...options, portalKnowsDossier: false }).isUpdating).toBe('0');
    const viaPlatform = toDossierRecord(dossiers.D1.last, {
      ...options,
      paymentChannel: 1,
      paymentLookupCode: 'TT0123456789ABCDEF',
    });
    expect([viaPlatform.DuocThanhToanTrucTuyen, viaPlatform.DanhSachLePhi[0]?.HinhThucThu]).toEqual(['1', '1']);
    expect(viaPlatform.MaTraCuuTT).toBe('TT0123456789ABCDEF');
    const d2 = toDossierRecord(dossiers.D2.last, options);
    expect([d2.DuocThanhToanTrucTuyen, d2.KenhThucHien, d2.HoSoCoThanhPhanSoHoa]).toEqual(['0', '1', '0']);
    expect(d2.DanhSachGiayToKetQua[0]?.DuongDanTepTinKetQua).toBe('');
    expect(toDossierRecord(dossiers.D7.last, options).KenhThucHien).toBe('3');
    const rejected = toDossierRecord(dossiers.D9.last, options);
    expect([rejected.TrangThaiHoSo, rejected.NgayTuChoi, rejected.NgayTiepNhan]).toEqual(['3', '20250312100000', '']);
    expect(rejected.DanhSachGiayToKetQua).toEqual([]);
    const business = { ...dossiers.D6.last, applicant: { ...dossiers.D6.last.applicant, type: 'business' as const } };
    expect(toDossierRecord(business, options).LoaiDoiTuong).toBe('2');
  });

  test('a dossier forwarded from DVCQG is named by the portal’s own id', () => {
    const forwarded = { ...dossiers.D1.last, source: 'dvcqg' as const, nationalDossierId: 'G22.20261205.00001' };
    expect(toDossierRecord(forwarded, options).MaHoSo).toBe('G22.20261205.00001');
    expect(toProgressRecord(forwarded, forwarded.history.at(-1)!, { unitCode: UNIT }).MaHoSo).toBe(
      'G22.20261205.00001',
    );
  });

  test('supplementation rounds: requested, then supplemented with the appointment it moved', () => {
    const waiting = dossiers.D6.last;
    expect(waiting.status).toBe('supplement_requested');
    const open = toDossierRecord(waiting, options);
    expect(open.TrangThaiHoSo).toBe('5');
    expect(open.DanhSachHoSoBoSung).toHaveLength(waiting.supplements.length);
    expect(open.DanhSachHoSoBoSung.at(-1)).toMatchObject({
      HoSoBoSungId: `D6-BS${waiting.supplements.length}`,
      TrangThaiBoSung: '0',
      NgayTiepNhanBoSung: '',
      NgayHenTraTruoc: '',
      NgayHenTraMoi: '',
    });
    const completedAt = '2025-03-20T09:00:00+07:00';
    const supplemented = toDossierRecord(
      {
        ...waiting,
        status: 'processing',
        supplements: waiting.supplements.map((round) => ({
          ...round,
          completedAt,
          documents: [{ requirementCode: 'TO_KHAI', documentId: 'doc-bs-1', digitized: false, reused: true }],
        })),
        previousAppointments: ['2025-03-12T17:00:00+07:00'],
        appointmentAt: '2025-03-25T17:00:00+07:00',
      },
      options,
    );
    expect(supplemented.DanhSachHoSoBoSung.at(-1)).toMatchObject({
      TrangThaiBoSung: '1',
      NgayTiepNhanBoSung: '20250320090000',
      NgayHenTraTruoc: '20250312170000',
      NgayHenTraMoi: '20250325170000',
      // What the applicant gave with the supplement, in the TaiLieuNop shape; a waiting round has none yet.
      DanhSachGiayToBoSung: [
        {
          TepDinhKemId: 'doc-bs-1',
          TenTepDinhKem: 'TO_KHAI',
          IsDeleted: '0',
          MaThanhPhanHoSo: 'TO_KHAI',
          DuongDanTaiTepTin: 'https://dvc.example.vn/f/doc-bs-1',
          DuocSoHoa: '0',
          DuocTaiSuDung: '1',
        },
      ],
    });
    expect(open.DanhSachHoSoBoSung.at(-1)!.DanhSachGiayToBoSung).toEqual([]);
  });
});

describe('the progress record (CapNhatTienDoHoSoMC)', () => {
  const dossiers = marchDossiers();

  test('who, title, unit, when, what, status, start and legal end of one step', () => {
    const received = dossiers.D1.versions[1]!;
    expect(toProgressRecord(received, received.history.at(-1)!, { unitCode: UNIT })).toEqual({
      service: 'CapNhatTienDoHoSoMC',
      MaDonVi: UNIT,
      MaHoSo: 'D1',
      NguoiXuLy: 'Nguyễn Văn An',
      ChucDanh: 'Chuyên viên',
      ThoiDiemXuLy: '20250303090000',
      PhongBanXuLy: AG1,
      NoiDungXuLy: 'Tiếp nhận hồ sơ',
      TrangThai: '2',
      NgayBatDau: '20250303090000',
      NgayKetThucTheoQuyDinh: '20250306170000',
    });
  });

  test('every step of a lifecycle, in order, with national codes; a submission starts at submission', () => {
    const steps = dossiers.D1.versions.map((snapshot) =>
      toProgressRecord(snapshot, snapshot.history.at(-1)!, { unitCode: UNIT }),
    );
    expect(steps.map((step) => [step.ThoiDiemXuLy, step.TrangThai])).toEqual([
      ['20250303080000', '1'],
      ['20250303090000', '2'],
      ['20250303100000', '4'],
      ['20250304090000', '4'],
      ['20250305100000', '9'],
      ['20250305150000', '10'],
      ['20250306090000', '10'],
    ]);
    expect(steps[0]).toMatchObject({
      NgayBatDau: '20250303080000',
      NgayKetThucTheoQuyDinh: '',
      NoiDungXuLy: 'Nộp hồ sơ',
    });
    const rejectedBy = dossiers.D9.last.history.at(-1)!;
    expect(toProgressRecord(dossiers.D9.last, rejectedBy, { unitCode: UNIT }).NoiDungXuLy).toMatch(/^Từ chối/);
  });
});
