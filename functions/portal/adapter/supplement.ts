/**
 * A supplementation round the citizen answered on the national portal, as it arrives at the supplement door
 * (`POST /portal/dvcqg/supplements`, or pulled with `LayDanhSachHoSoBoSung`). Every national field name of it is
 * here and only here. The round has the shape of one element of `DanhSachHoSoBoSung[]` of the dossier record
 * (HoSoBoSungId, NoiDungBoSung, …, DanhSachGiayToBoSung[]), beside the `MaHoSo` of its dossier; its files have the
 * shape of `TaiLieuNop[]` (TepDinhKemId, TenTepDinhKem, IsDeleted, MaThanhPhanHoSo, DuongDanTaiTepTin, LoaiTep,
 * KichThuoc, MaBamSHA256). Fields marked ASSUMPTION in docs/national-portal.md are to be confirmed with the
 * portal's specification.
 *
 * `toForwardedSupplement` turns it into motcua's terms or names the fields that make it unusable.
 */
import * as z from 'zod';
import { type Conversion, convertFiles, type ForwardedFile, nonEmpty, type RecordFieldError } from './forwarded.ts';

const str = z.string().max(4000);
const optionalStr = str.optional();

/** One round, as the portal forwards it. Only MaHoSo and HoSoBoSungId are needed to keep it. */
export const supplementRecordSchema = z.looseObject({
  service: optionalStr,
  /** ASSUMPTION: the portal's id of the dossier the round belongs to, beside the round. */
  MaHoSo: z.string().min(1).max(100),
  /** The round's id: the idempotency key (with MaHoSo). The province names its rounds `<code>-BS<n>`. */
  HoSoBoSungId: z.string().min(1).max(100),
  NguoiYeuCauBoSung: optionalStr,
  NoiDungBoSung: optionalStr,
  NgayBoSung: optionalStr,
  NguoiTiepNhanBoSung: optionalStr,
  ThongTinTiepNhan: optionalStr,
  NgayTiepNhanBoSung: optionalStr,
  /** "1": the citizen supplemented (a round still "0" is a request, not a supplement). */
  TrangThaiBoSung: optionalStr,
  DanhSachGiayToBoSung: z.array(z.unknown()).max(50).optional(),
  DanhSachLePhiBoSung: z.array(z.unknown()).max(50).optional(),
  NgayHenTraTruoc: optionalStr,
  NgayHenTraMoi: optionalStr,
  /** ASSUMPTION: the citizen's note with the supplement. */
  GhiChu: optionalStr,
});
export type SupplementRecord = z.infer<typeof supplementRecordSchema>;

/** The round in motcua's terms. */
export interface ForwardedSupplement {
  nationalId: string;
  supplementId: string;
  files: ForwardedFile[];
  note?: string;
}

/** What the round's files are in motcua's terms, or the fields that make it unusable. */
export function toForwardedSupplement(record: SupplementRecord): Conversion<ForwardedSupplement> {
  const errors: RecordFieldError[] = [];
  const state = nonEmpty(record.TrangThaiBoSung);
  if (state !== undefined && state !== '1') {
    errors.push({ field: 'TrangThaiBoSung', message: 'a supplement the citizen gave is "1" (supplemented)' });
  }
  const files = convertFiles(record.DanhSachGiayToBoSung, errors, 'DanhSachGiayToBoSung');
  if (errors.length > 0) return { ok: false, errors };
  const note = nonEmpty(record.GhiChu);
  return {
    ok: true,
    value: {
      nationalId: record.MaHoSo,
      supplementId: record.HoSoBoSungId,
      files,
      ...(note ? { note: note.trim().slice(0, 1500) } : {}),
    },
  };
}

/** What the province answers the portal about a round (error_code 0 = taken in, or held for an official). */
export interface SupplementAnswer {
  error_code: number;
  message: string;
  MaHoSo: string;
  HoSoBoSungId: string;
  /** motcua's own state of the round (the states of forwarded dossiers). */
  TrangThaiTiepNhan: string;
  /** The province's dossier code, when the dossier is known. */
  MaHoSoTinh: string;
}
