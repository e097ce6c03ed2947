/**
 * Sync to the National Public Service Portal (Cổng DVCQG): the record pushed per dossier, and the per-dossier
 * retry state.
 *
 * Field names and encodings follow what provincial systems send to the portal's dossier sync service (PascalCase
 * Vietnamese names, values as strings, dates `yyyyMMddHHmmss` in GMT+7, absent dates as ""). They come from public
 * provincial implementations, not from the portal's own specification: check them against the specification the
 * province receives when it is connected.
 *
 * Retries: only the newest version matters (the portal stores the dossier's current state), so a newer snapshot
 * replaces an unsent older one instead of queueing behind it, and a failing push backs off exponentially with jitter
 * (1 min, 2, 4, … capped at 1 h) so a portal outage is not hammered. The state is visible (attempts, last error,
 * next attempt) for the officials' dashboard.
 */
import * as z from 'zod';
import { CHANNEL_CODE, type DossierSnapshot, NATIONAL_STATUS_CODE } from '#dossiers/events.ts';
import { portalDateTime, toMs } from './time.ts';

type Flag = '0' | '1';

export interface PortalSubmittedDocument {
  TepDinhKemId: string;
  MaThanhPhanHoSo: string;
  DuongDanTaiTepTin: string;
  DuocSoHoa: Flag;
  DuocTaiSuDung: Flag;
}

export interface PortalResultDocument {
  GiayToId: string;
  TenGiayTo: string;
  MaGiayToKetQua: string;
  DuongDanTepTinKetQua: string;
  NguoiKy: string;
  CoQuanBanHanh: string;
  NgayKy: string;
  LaKetQuaDienTu: Flag;
}

export interface PortalFeeLine {
  MaPhiLePhi: string;
  TenPhiLePhi: string;
  Gia: string;
}

export interface PortalHistoryEntry {
  NguoiXuLy: string;
  ChucDanh: string;
  PhongBanXuLy: string;
  ThoiDiemXuLy: string;
  NoiDungXuLy: string;
  TrangThai: string;
}

export interface NationalPortalRecord {
  MaHoSo: string;
  MaTTHC: string;
  TenTTHC: string;
  MaLinhVuc: string;
  /** 1 in person, 2 online, 3 public postal service. */
  KenhThucHien: '1' | '2' | '3';
  ChuHoSo: string;
  SoGiayToChuHoSo: string;
  /** 1 citizen, 2 business. */
  LoaiDoiTuong: '1' | '2';
  NgayNopHoSo: string;
  NgayTiepNhan: string;
  NgayHenTra: string;
  NgayKetThucXuLy: string;
  NgayTra: string;
  NgayTuChoi: string;
  /** National status code 1–10. */
  TrangThaiHoSo: string;
  /** The agency currently processing the dossier. */
  DonViXuLy: string;
  TaiLieuNop: PortalSubmittedDocument[];
  /** 1 when every submitted document is digitized. */
  HoSoCoThanhPhanSoHoa: Flag;
  DanhSachGiayToKetQua: PortalResultDocument[];
  DanhSachLePhi: PortalFeeLine[];
  /** 0 not paid online, 1 via the national payment platform, 2 via the province's gateway. */
  DuocThanhToanTrucTuyen: '0' | '1' | '2';
  TaiKhoanDuocXacThucVoiVNeID: Flag;
  QuaTrinhXuLy: PortalHistoryEntry[];
}

export interface PortalRecordOptions {
  /** A file's link as the portal should follow it; defaults to the API's document content path. */
  documentUrl?: (documentId: string) => string;
  /**
   * Which platform took the online payment (the payment.completed event's `channelCode`); the snapshot only says
   * whether it was paid online. Defaults to 2, the province's own gateway.
   */
  paymentChannel?: 1 | 2;
}

const flag = (value: boolean): Flag => (value ? '1' : '0');
const portalDate = (iso: string | undefined): string => (iso ? portalDateTime(iso) : '');

/** The record pushed to the national portal for a dossier as its snapshot stands. */
export function toNationalPortalRecord(
  snapshot: DossierSnapshot,
  options: PortalRecordOptions = {},
): NationalPortalRecord {
  const documentUrl = options.documentUrl ?? ((documentId: string) => `/documents/${documentId}/content`);
  const result = snapshot.result;
  return {
    MaHoSo: snapshot.code,
    MaTTHC: snapshot.procedureCode,
    TenTTHC: snapshot.procedureName,
    MaLinhVuc: snapshot.field,
    KenhThucHien: String(CHANNEL_CODE[snapshot.channel]) as '1' | '2' | '3',
    ChuHoSo: snapshot.applicant.fullName,
    SoGiayToChuHoSo: snapshot.applicant.idNumber,
    LoaiDoiTuong: snapshot.applicant.type === 'business' ? '2' : '1',
    NgayNopHoSo: portalDate(snapshot.submittedAt),
    NgayTiepNhan: portalDate(snapshot.receivedAt),
    NgayHenTra: portalDate(snapshot.appointmentAt),
    NgayKetThucXuLy: portalDate(snapshot.endedAt),
    NgayTra: portalDate(snapshot.returnedAt),
    NgayTuChoi: portalDate(snapshot.rejectedAt),
    TrangThaiHoSo: String(NATIONAL_STATUS_CODE[snapshot.status]),
    DonViXuLy: snapshot.currentAgencyCode,
    TaiLieuNop: snapshot.documents.map((document) => ({
      TepDinhKemId: document.documentId,
      MaThanhPhanHoSo: document.requirementCode,
      DuongDanTaiTepTin: documentUrl(document.documentId),
      DuocSoHoa: flag(document.digitized),
      DuocTaiSuDung: flag(document.reused),
    })),
    HoSoCoThanhPhanSoHoa: flag(snapshot.documents.length > 0 && snapshot.documents.every((d) => d.digitized)),
    DanhSachGiayToKetQua: result
      ? [
          {
            GiayToId: result.documentId ?? '',
            TenGiayTo: result.documentType ?? snapshot.procedureName,
            MaGiayToKetQua: result.number,
            DuongDanTepTinKetQua: result.documentId ? documentUrl(result.documentId) : '',
            NguoiKy: result.signer,
            CoQuanBanHanh: result.issuedBy,
            NgayKy: portalDate(result.signedAt),
            LaKetQuaDienTu: flag(result.electronic),
          },
        ]
      : [],
    DanhSachLePhi: snapshot.fees.map((fee) => ({
      MaPhiLePhi: fee.code,
      TenPhiLePhi: fee.name,
      Gia: String(fee.amount),
    })),
    DuocThanhToanTrucTuyen: snapshot.paidOnline ? (String(options.paymentChannel ?? 2) as '1' | '2') : '0',
    TaiKhoanDuocXacThucVoiVNeID: flag(snapshot.authenticatedWithVneid),
    QuaTrinhXuLy: snapshot.history.map((entry) => ({
      NguoiXuLy: entry.by.name ?? entry.by.sub,
      ChucDanh: entry.by.title ?? '',
      PhongBanXuLy: entry.by.agencyCode ?? '',
      ThoiDiemXuLy: portalDateTime(entry.at),
      NoiDungXuLy: [entry.action, entry.reason, entry.note].filter(Boolean).join(' — '),
      TrangThai: String(NATIONAL_STATUS_CODE[entry.to]),
    })),
  };
}

export const syncStateSchema = z.object({
  dossierCode: z.string().min(1),
  lastSyncedSequence: z.number().int().nullable(),
  /** The newest version waiting to be pushed; null when the portal is up to date. */
  pendingSequence: z.number().int().nullable(),
  /** Failed pushes since the last success. */
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Each wait is shortened by up to this fraction at random, so retries after an outage spread out. */
  jitter: number;
}
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 60_000, capMs: 3_600_000, jitter: 0.25 };

/** A dossier reporting has not pushed yet. */
export function newSyncState(dossierCode: string): SyncState {
  return {
    dossierCode,
    lastSyncedSequence: null,
    pendingSequence: null,
    attempts: 0,
    lastError: null,
    nextAttemptAt: null,
  };
}

/**
 * A new version of the dossier to push. An older or already known version changes nothing; a newer one replaces
 * any unsent one. It goes out now unless pushes are failing, in which case it waits for the running backoff.
 */
export function enqueueSync(state: SyncState, sequence: number, now: Date): SyncState {
  const newest = Math.max(
    state.lastSyncedSequence ?? Number.NEGATIVE_INFINITY,
    state.pendingSequence ?? Number.NEGATIVE_INFINITY,
  );
  if (sequence <= newest) return state;
  const nextAttemptAt = state.attempts > 0 && state.nextAttemptAt !== null ? state.nextAttemptAt : now.toISOString();
  return { ...state, pendingSequence: sequence, nextAttemptAt };
}

/** True when a push is waiting and its time has come. */
export function isSyncDue(state: SyncState, now: Date): boolean {
  return state.pendingSequence !== null && (state.nextAttemptAt === null || toMs(state.nextAttemptAt) <= now.getTime());
}

/** After the portal accepted version `sentSequence`. A newer version enqueued meanwhile goes out right away. */
export function recordSyncSuccess(state: SyncState, sentSequence: number, now: Date): SyncState {
  const lastSyncedSequence = Math.max(state.lastSyncedSequence ?? sentSequence, sentSequence);
  const stillPending = state.pendingSequence !== null && state.pendingSequence > lastSyncedSequence;
  return {
    ...state,
    lastSyncedSequence,
    pendingSequence: stillPending ? state.pendingSequence : null,
    attempts: 0,
    lastError: null,
    nextAttemptAt: stillPending ? now.toISOString() : null,
  };
}

/** After a failed push: one more attempt counted, the error kept visible, the next try scheduled with backoff. */
export function recordSyncFailure(
  state: SyncState,
  error: string,
  now: Date,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): SyncState {
  const failed = { ...state, attempts: state.attempts + 1, lastError: error };
  return { ...failed, nextAttemptAt: nextSyncAttempt(failed, now, random, policy) };
}

/**
 * When to try again after `state.attempts` failures: base × 2^(attempts − 1), capped, shortened by up to
 * `jitter` × `random` (random in [0, 1)); now when nothing has failed.
 */
export function nextSyncAttempt(
  state: Pick<SyncState, 'attempts'>,
  now: Date,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): string {
  if (state.attempts <= 0) return now.toISOString();
  const exponent = Math.min(state.attempts - 1, 30);
  const wait = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jittered = wait * (1 - policy.jitter * Math.min(Math.max(random, 0), 1));
  return new Date(now.getTime() + Math.round(jittered)).toISOString();
}

export type SyncStatus = 'never' | 'synced' | 'pending' | 'retrying';

/** A one-word status for dashboards: `retrying` means the last push failed. */
export function syncStatus(state: SyncState): SyncStatus {
  if (state.attempts > 0) return 'retrying';
  if (state.pendingSequence !== null) return 'pending';
  return state.lastSyncedSequence === null ? 'never' : 'synced';
}
