/**
 * National codes the portal uses: dossier status (TrangThaiHoSo 1–10), channel (KenhThucHien), applicant type
 * (LoaiDoiTuong) and result delivery (HinhThuc). The dossier status numbers are the dossiers context's
 * published ones (one list); this module gives them their national names.
 */
import { CHANNEL_CODE, NATIONAL_STATUS_CODE } from '#dossiers/events.ts';

export { CHANNEL_CODE as KENH_THUC_HIEN, NATIONAL_STATUS_CODE as TRANG_THAI_HO_SO };

/** LoaiDoiTuong: 1 citizen, 2 business. */
export const LOAI_DOI_TUONG = { '1': 'citizen', '2': 'business' } as const;

/**
 * HinhThuc (how the result is handed over): 0 at the desk, 1 by post; '2' online is an assumption for
 * electronic results (to confirm with the portal's specification).
 */
export const HINH_THUC_TRA = { '0': 'counter', '1': 'post', '2': 'online' } as const;

export const PORTAL_OK = 0;
