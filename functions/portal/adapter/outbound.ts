/**
 * The records motcua sends to the National Public Service Portal (DVCQG): the dossier record (`DongBoHoSoMC`,
 * created or updated) and one progress step (`CapNhatTienDoHoSoMC`). Every national field name of the outbound
 * direction lives here, built from the dossiers context's published snapshot and history entry.
 *
 * Names and encodings are those public provincial implementations send (docs/national-portal.md, "Outbound"):
 * PascalCase Vietnamese names, every value a string, dates `yyyyMMddHHmmss` GMT+7, absent values "", flags
 * "0"/"1". Fields marked "assumption" in the docs are to be confirmed with the portal's specification.
 */
import type { DossierSnapshot, HistoryEntry, ProcessingStep } from '#dossiers/events.ts';
import { toNationalDate } from './dates.ts';
import { KENH_THUC_HIEN, TRANG_THAI_HO_SO } from './status.ts';

export type PortalFlag = '0' | '1';

const portalFlag = (value: boolean): PortalFlag => (value ? '1' : '0');
const toPortalDateTime = (iso: string): string => toNationalDate(new Date(iso));
const portalDateTimeOrEmpty = (iso: string | undefined): string => (iso ? toPortalDateTime(iso) : '');
const portalStatusCode = (status: DossierSnapshot['status']): string => String(TRANG_THAI_HO_SO[status]);
const HINH_THUC: Record<DossierSnapshot['resultDelivery'], '0' | '1' | '2'> = { counter: '0', post: '1', online: '2' };

export const DOSSIER_RECORD_SERVICE = 'DongBoHoSoMC';
export const PROGRESS_SERVICE = 'CapNhatTienDoHoSoMC';

export interface PortalSubmittedDocument {
  TepDinhKemId: string;
  TenTepDinhKem: string;
  IsDeleted: PortalFlag;
  MaThanhPhanHoSo: string;
  DuongDanTaiTepTin: string;
  DuocSoHoa: PortalFlag;
  DuocTaiSuDung: PortalFlag;
}

export interface PortalFeeLine {
  TenPhiLePhi: string;
  MaPhiLePhi: string;
  /** How it is collected: 0 at the desk (or not yet), 1 the national payment platform, 2 the province's gateway. */
  HinhThucThu: '0' | '1' | '2';
  Gia: string;
  /** 1 lệ phí (charge), 2 phí (fee): assumption, the catalog does not tell them apart yet. */
  LoaiPhiLePhi: '1' | '2';
}

export interface PortalSupplementRound {
  HoSoBoSungId: string;
  NguoiYeuCauBoSung: string;
  NoiDungBoSung: string;
  NgayBoSung: string;
  NguoiTiepNhanBoSung: string;
  ThongTinTiepNhan: string;
  NgayTiepNhanBoSung: string;
  /** 0 requested, waiting for the applicant; 1 supplemented. */
  TrangThaiBoSung: '0' | '1';
  DanhSachGiayToBoSung: PortalSubmittedDocument[];
  DanhSachLePhiBoSung: PortalFeeLine[];
  NgayHenTraTruoc: string;
  NgayHenTraMoi: string;
}

export interface PortalResultDocument {
  TenGiayTo: string;
  MaThanhPhanHoSo: string;
  GiayToId: string;
  DuongDanTepTinKetQua: string;
  MaGiayToKetQua: string;
  NguoiKy: string;
  CoQuanBanHanh: string;
  NgayKy: string;
  LaKetQuaDienTu: PortalFlag;
}

/** `DongBoHoSoMC`: the dossier as it stands. The portal keeps one current record per `MaHoSo`. */
export interface DossierRecord {
  service: typeof DOSSIER_RECORD_SERVICE;
  /** 0 the portal does not know the dossier yet (create), 1 it does (update). */
  isUpdating: PortalFlag;
  /** The province's unit code (`madonvi`). */
  MaDonVi: string;
  MaHoSo: string;
  MaTTHC: string;
  TenTTHC: string;
  MaLinhVuc: string;
  TenLinhVuc: string;
  KenhThucHien: '1' | '2' | '3';
  ChuHoSo: string;
  SoGiayToChuHoSo: string;
  LoaiDoiTuong: '1' | '2';
  MaDoiTuong: string;
  ThongTinKhac: string;
  Email: string;
  Fax: string;
  SoDienThoai: string;
  TrichYeuHoSo: string;
  NgayNopHoSo: string;
  NgayTiepNhan: string;
  NgayHenTra: string;
  TrangThaiHoSo: string;
  NgayTra: string;
  ThongTinTra: string;
  /** How the result is handed over (status.ts HINH_THUC_TRA): 0 at the desk, 1 by post, 2 online (assumption). */
  HinhThuc: '0' | '1' | '2';
  NgayKetThucXuLy: string;
  NgayTuChoi: string;
  DonViXuLy: string;
  GhiChu: string;
  HoSoCoThanhPhanSoHoa: PortalFlag;
  /** 0 not paid online, 1 the national payment platform, 2 the province's gateway. */
  DuocThanhToanTrucTuyen: '0' | '1' | '2';
  /**
   * The dossier's lookup code on the national payment platform, so the citizen can pay it on DVCQG; empty for a
   * dossier without fees (assumption: provincial systems name it as the platform's bills do).
   */
  MaTraCuuTT: string;
  TaiKhoanDuocXacThucVoiVNeID: PortalFlag;
  TaiLieuNop: PortalSubmittedDocument[];
  DanhSachLePhi: PortalFeeLine[];
  DanhSachTepDinhKemKhac: PortalSubmittedDocument[];
  DanhSachHoSoBoSung: PortalSupplementRound[];
  DanhSachGiayToKetQua: PortalResultDocument[];
}

/** `CapNhatTienDoHoSoMC`: one processing step. */
export interface ProgressRecord {
  service: typeof PROGRESS_SERVICE;
  MaDonVi: string;
  MaHoSo: string;
  NguoiXuLy: string;
  ChucDanh: string;
  ThoiDiemXuLy: string;
  PhongBanXuLy: string;
  NoiDungXuLy: string;
  /** The national status code after the step. */
  TrangThai: string;
  /** When the stage this step belongs to started, and when it must end by law (the appointment or step due). */
  NgayBatDau: string;
  NgayKetThucTheoQuyDinh: string;
}

/** The province's unit code on the portal (`madonvi`): NATIONAL_PORTAL_UNIT_CODE, else the provincial agency's. */
export const portalUnitCode = (env: NodeJS.ProcessEnv = process.env): string =>
  env.NATIONAL_PORTAL_UNIT_CODE || env.PROVINCIAL_AGENCY_CODE || '';

export interface OutboundOptions {
  /** The province's unit code (`madonvi`). */
  unitCode: string;
  /** A file's link as the portal should follow it. */
  documentUrl: (documentId: string) => string;
  /** The portal already holds this dossier (a record was accepted before, or the dossier came from DVCQG). */
  portalKnowsDossier: boolean;
  /** Which platform took the online payment (payment.completed's channelCode), when it was paid online. */
  paymentChannel?: 1 | 2;
  /** The dossier's lookup code on the national payment platform, when it has fees to pay. */
  paymentLookupCode?: string;
}

/**
 * The code the portal knows the dossier by: its own id for a dossier forwarded from DVCQG (the dossiers snapshot's
 * `nationalDossierId`), otherwise motcua's code (the portal learns it from the first record).
 */
export function portalDossierCode(snapshot: DossierSnapshot): string {
  return snapshot.nationalDossierId || snapshot.code;
}

/** Vietnamese wording of each history action, for NoiDungXuLy (the portal shows it to the citizen). */
const ACTION_TEXT: Record<string, string> = {
  submit: 'Nộp hồ sơ',
  receive: 'Tiếp nhận hồ sơ',
  reject: 'Từ chối tiếp nhận hồ sơ',
  'request-supplement': 'Yêu cầu bổ sung hồ sơ',
  supplement: 'Bổ sung hồ sơ',
  'start-processing': 'Chuyển xử lý hồ sơ',
  transfer: 'Chuyển hồ sơ liên thông',
  'request-payment': 'Yêu cầu thanh toán phí, lệ phí',
  'payment-completed': 'Đã thanh toán phí, lệ phí',
  resolve: 'Có kết quả giải quyết',
  'return-result': 'Trả kết quả',
  stop: 'Dừng xử lý hồ sơ',
  withdraw: 'Rút hồ sơ',
  apologize: 'Xin lỗi và hẹn lại ngày trả kết quả',
  feedback: 'Đánh giá kết quả giải quyết',
};

export function progressText(entry: Pick<HistoryEntry, 'action' | 'reason' | 'note'>): string {
  return [ACTION_TEXT[entry.action] ?? entry.action, entry.reason, entry.note].filter(Boolean).join(' — ');
}

function submittedDocument(
  document: DossierSnapshot['documents'][number],
  documentUrl: OutboundOptions['documentUrl'],
): PortalSubmittedDocument {
  return {
    TepDinhKemId: document.documentId,
    TenTepDinhKem: document.requirementCode,
    IsDeleted: '0',
    MaThanhPhanHoSo: document.requirementCode,
    DuongDanTaiTepTin: documentUrl(document.documentId),
    DuocSoHoa: portalFlag(document.digitized),
    DuocTaiSuDung: portalFlag(document.reused),
  };
}

function onlineChannel(snapshot: DossierSnapshot, options: OutboundOptions): '0' | '1' | '2' {
  if (!snapshot.paidOnline) return '0';
  return options.paymentChannel === 1 ? '1' : '2';
}

/** Supplementation rounds; the newest completed round carries the appointment it moved (before → now). */
function supplementRounds(snapshot: DossierSnapshot, options: OutboundOptions): PortalSupplementRound[] {
  const lastCompleted = snapshot.supplements.findLastIndex((round) => round.completedAt !== undefined);
  return snapshot.supplements.map((round, index) => {
    const moved = index === lastCompleted && snapshot.previousAppointments.length > 0;
    return {
      HoSoBoSungId: `${snapshot.code}-BS${index + 1}`,
      NguoiYeuCauBoSung: round.requestedBy.name ?? round.requestedBy.sub,
      NoiDungBoSung: round.reason,
      NgayBoSung: toPortalDateTime(round.requestedAt),
      NguoiTiepNhanBoSung: '',
      ThongTinTiepNhan: '',
      NgayTiepNhanBoSung: portalDateTimeOrEmpty(round.completedAt),
      TrangThaiBoSung: round.completedAt === undefined ? '0' : '1',
      DanhSachGiayToBoSung: (round.documents ?? []).map((document) => submittedDocument(document, options.documentUrl)),
      DanhSachLePhiBoSung: [],
      NgayHenTraTruoc: moved ? portalDateTimeOrEmpty(snapshot.previousAppointments.at(-1)) : '',
      NgayHenTraMoi: moved ? portalDateTimeOrEmpty(snapshot.appointmentAt) : '',
    };
  });
}

/** The `DongBoHoSoMC` record of a dossier as its snapshot stands. */
export function toDossierRecord(snapshot: DossierSnapshot, options: OutboundOptions): DossierRecord {
  const result = snapshot.result;
  const collectedBy = onlineChannel(snapshot, options);
  return {
    service: DOSSIER_RECORD_SERVICE,
    isUpdating: portalFlag(options.portalKnowsDossier),
    MaDonVi: options.unitCode,
    MaHoSo: portalDossierCode(snapshot),
    MaTTHC: snapshot.procedureCode,
    TenTTHC: snapshot.procedureName,
    MaLinhVuc: snapshot.field,
    TenLinhVuc: '',
    KenhThucHien: String(KENH_THUC_HIEN[snapshot.channel]) as '1' | '2' | '3',
    ChuHoSo: snapshot.applicant.fullName,
    SoGiayToChuHoSo: snapshot.applicant.idNumber,
    LoaiDoiTuong: snapshot.applicant.type === 'business' ? '2' : '1',
    MaDoiTuong: '',
    ThongTinKhac: '',
    Email: snapshot.applicant.email ?? '',
    Fax: '',
    SoDienThoai: snapshot.applicant.phone ?? '',
    TrichYeuHoSo: `${snapshot.procedureName} — ${snapshot.applicant.fullName}`,
    NgayNopHoSo: toPortalDateTime(snapshot.submittedAt),
    NgayTiepNhan: portalDateTimeOrEmpty(snapshot.receivedAt),
    NgayHenTra: portalDateTimeOrEmpty(snapshot.appointmentAt),
    TrangThaiHoSo: portalStatusCode(snapshot.status),
    NgayTra: portalDateTimeOrEmpty(snapshot.returnedAt),
    ThongTinTra: '',
    HinhThuc: HINH_THUC[snapshot.resultDelivery],
    NgayKetThucXuLy: portalDateTimeOrEmpty(snapshot.endedAt),
    NgayTuChoi: portalDateTimeOrEmpty(snapshot.rejectedAt),
    DonViXuLy: snapshot.currentAgencyCode,
    GhiChu: '',
    HoSoCoThanhPhanSoHoa: portalFlag(snapshot.documents.length > 0 && snapshot.documents.every((d) => d.digitized)),
    DuocThanhToanTrucTuyen: collectedBy,
    MaTraCuuTT: options.paymentLookupCode ?? '',
    TaiKhoanDuocXacThucVoiVNeID: portalFlag(snapshot.authenticatedWithVneid),
    TaiLieuNop: snapshot.documents.map((document) => submittedDocument(document, options.documentUrl)),
    DanhSachLePhi: snapshot.fees.map((fee) => ({
      TenPhiLePhi: fee.name,
      MaPhiLePhi: fee.code,
      HinhThucThu: collectedBy,
      Gia: String(fee.amount),
      LoaiPhiLePhi: '1',
    })),
    DanhSachTepDinhKemKhac: [],
    DanhSachHoSoBoSung: supplementRounds(snapshot, options),
    DanhSachGiayToKetQua: result
      ? [
          {
            TenGiayTo: result.documentType ?? snapshot.procedureName,
            MaThanhPhanHoSo: 'KQ',
            GiayToId: result.documentId ?? result.number,
            DuongDanTepTinKetQua: result.documentId ? options.documentUrl(result.documentId) : '',
            MaGiayToKetQua: result.number,
            NguoiKy: result.signer,
            CoQuanBanHanh: result.issuedBy,
            NgayKy: toPortalDateTime(result.signedAt),
            LaKetQuaDienTu: portalFlag(result.electronic),
          },
        ]
      : [],
  };
}

/** The inter-agency step the dossier is in now, if any. */
function currentStep(snapshot: DossierSnapshot): ProcessingStep | undefined {
  return snapshot.steps.findLast((step) => step.startedAt !== undefined && step.endedAt === undefined);
}

/** The `CapNhatTienDoHoSoMC` record of one history entry (the step an event records). */
export function toProgressRecord(
  snapshot: DossierSnapshot,
  entry: HistoryEntry,
  options: Pick<OutboundOptions, 'unitCode'>,
): ProgressRecord {
  const step = currentStep(snapshot);
  const startedAt = step?.startedAt ?? snapshot.receivedAt ?? snapshot.submittedAt;
  const legalEnd = step?.dueAt ?? snapshot.appointmentAt;
  return {
    service: PROGRESS_SERVICE,
    MaDonVi: options.unitCode,
    MaHoSo: portalDossierCode(snapshot),
    NguoiXuLy: entry.by.name ?? entry.by.sub,
    ChucDanh: entry.by.title ?? '',
    ThoiDiemXuLy: toPortalDateTime(entry.at),
    PhongBanXuLy: entry.by.agencyCode ?? snapshot.currentAgencyCode,
    NoiDungXuLy: progressText(entry),
    TrangThai: portalStatusCode(entry.to),
    NgayBatDau: toPortalDateTime(startedAt),
    NgayKetThucTheoQuyDinh: portalDateTimeOrEmpty(legalEnd),
  };
}
