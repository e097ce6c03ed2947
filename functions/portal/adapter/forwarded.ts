/**
 * The dossier the national portal forwards to the province ("tạo hồ sơ từ DVCQG"), as it arrives at the intake
 * door. Every national field name of intake is here and
 * only here. Shapes follow the dossier record of public provincial implementations (OpenCPS v2); fields marked
 * ASSUMPTION in docs/national-portal.md are not in that record and must be confirmed with the portal's
 * specification. Strings throughout (the portal sends "" for absent values, "0"/"1" for flags).
 *
 * `toForwardedSubmission` turns the national record into motcua's terms (local field names, ISO dates); it
 * refuses with a list of field errors, which the intake keeps on the needs-attention list as "invalid data".
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { fromNationalDate } from './dates.ts';
import { HINH_THUC_TRA, LOAI_DOI_TUONG } from './status.ts';

const str = z.string().max(4000);
const optionalStr = str.optional();

/** One file of TaiLieuNop[]: where the portal serves it and what it is. */
export const nationalFileSchema = z.looseObject({
  TepDinhKemId: z.string().min(1).max(200),
  TenTepDinhKem: z.string().min(1).max(300),
  IsDeleted: optionalStr,
  MaThanhPhanHoSo: z.string().max(64),
  DuongDanTaiTepTin: z.string().min(1).max(2000),
  /** ASSUMPTION: the file's media type. */
  LoaiTep: z.string().min(1).max(100),
  /** ASSUMPTION: the size in bytes, as a decimal string. */
  KichThuoc: z.string().regex(/^\d{1,12}$/),
  /** ASSUMPTION: SHA-256 of the content, hex. */
  MaBamSHA256: z.string().regex(/^[0-9a-fA-F]{64}$/),
});
export type NationalFile = z.infer<typeof nationalFileSchema>;

/** The forwarded dossier. Only MaHoSo is needed to hold a record; everything else is checked after that. */
export const forwardedRecordSchema = z.looseObject({
  service: optionalStr,
  MaHoSo: z.string().min(1).max(100),
  MaTTHC: str,
  TenTTHC: optionalStr,
  MaLinhVuc: optionalStr,
  TenLinhVuc: optionalStr,
  KenhThucHien: optionalStr,
  ChuHoSo: str,
  LoaiDoiTuong: str,
  MaDoiTuong: optionalStr,
  /** ASSUMPTION: the applicant's 12-digit personal identification number (the VNeID account's). */
  SoDinhDanh: str,
  Email: optionalStr,
  SoDienThoai: optionalStr,
  /** ASSUMPTION: the applicant's address. */
  DiaChi: optionalStr,
  TrichYeuHoSo: optionalStr,
  /** ASSUMPTION: when the citizen submitted on DVCQG (yyyyMMddHHmmss GMT+7). */
  NgayNopHoSo: optionalStr,
  DonViXuLy: str,
  HinhThuc: optionalStr,
  /** ASSUMPTION: the e-form's data, an object keyed by the procedure's form fields. */
  DuLieuBieuMau: z.record(z.string(), z.unknown()).optional(),
  TaiLieuNop: z.array(z.unknown()).max(50).optional(),
  GhiChu: optionalStr,
});
export type ForwardedRecord = z.infer<typeof forwardedRecordSchema>;

/** One file in motcua's terms. */
export interface ForwardedFile {
  fileId: string;
  fileName: string;
  requirementCode: string;
  url: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** The forwarded dossier in motcua's terms (before mapping to a local procedure). */
export interface ForwardedSubmission {
  nationalId: string;
  nationalProcedureCode: string;
  nationalAgencyCode: string;
  applicant: {
    idNumber: string;
    fullName: string;
    type: 'citizen' | 'business';
    phone?: string;
    email?: string;
    address?: string;
  };
  portalAccountId?: string;
  summary?: string;
  submittedAt?: string;
  resultDelivery: 'online' | 'counter' | 'post';
  formData: Record<string, unknown>;
  files: ForwardedFile[];
}

export interface RecordFieldError {
  field: string;
  message: string;
}

export type Conversion<T> = { ok: true; value: T } | { ok: false; errors: RecordFieldError[] };

/**
 * The files of a list in the TaiLieuNop shape (TaiLieuNop[] of a dossier, DanhSachGiayToBoSung[] of a
 * supplementation round) in motcua's terms; field errors are named by `listName`.
 */
export function convertFiles(
  list: unknown[] | undefined,
  errors: RecordFieldError[],
  listName = 'TaiLieuNop',
): ForwardedFile[] {
  const files: ForwardedFile[] = [];
  (list ?? []).forEach((raw, index) => {
    const parsed = nationalFileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ field: [listName, index, ...issue.path].join('.'), message: issue.message });
      }
      return;
    }
    const f = parsed.data;
    if (f.IsDeleted === '1') return;
    let url: URL | undefined;
    try {
      url = new URL(f.DuongDanTaiTepTin);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      errors.push({ field: `${listName}.${index}.DuongDanTaiTepTin`, message: 'is not an http(s) URL' });
      return;
    }
    files.push({
      fileId: f.TepDinhKemId,
      fileName: f.TenTepDinhKem,
      requirementCode: f.MaThanhPhanHoSo,
      url: url.toString(),
      contentType: f.LoaiTep.toLowerCase(),
      size: Number(f.KichThuoc),
      sha256: f.MaBamSHA256.toLowerCase(),
    });
  });
  return files;
}

export const nonEmpty = (value: string | undefined): string | undefined =>
  value && value.trim() !== '' ? value : undefined;

/** The forwarded record in motcua's terms, or the fields that make it unusable. */
export function toForwardedSubmission(record: ForwardedRecord): Conversion<ForwardedSubmission> {
  const errors: RecordFieldError[] = [];
  const required = (field: keyof ForwardedRecord) => {
    const value = record[field];
    if (typeof value !== 'string' || value.trim() === '') errors.push({ field, message: 'is required' });
  };
  (['MaTTHC', 'ChuHoSo', 'SoDinhDanh', 'DonViXuLy'] as const).forEach(required);
  if (record.SoDinhDanh && !/^\d{12}$/.test(record.SoDinhDanh) && record.LoaiDoiTuong !== '2') {
    errors.push({ field: 'SoDinhDanh', message: 'must be a 12-digit personal identification number' });
  }
  const type = LOAI_DOI_TUONG[record.LoaiDoiTuong as keyof typeof LOAI_DOI_TUONG];
  if (!type) errors.push({ field: 'LoaiDoiTuong', message: 'must be "1" (citizen) or "2" (business)' });
  if (record.KenhThucHien && record.KenhThucHien !== '2') {
    errors.push({ field: 'KenhThucHien', message: 'a dossier forwarded from DVCQG is online ("2")' });
  }
  const delivery = nonEmpty(record.HinhThuc) ?? '2';
  const resultDelivery = HINH_THUC_TRA[delivery as keyof typeof HINH_THUC_TRA];
  if (!resultDelivery) errors.push({ field: 'HinhThuc', message: 'must be "0", "1" or "2"' });
  const submittedAt = nonEmpty(record.NgayNopHoSo);
  const submittedInstant = fromNationalDate(submittedAt);
  if (submittedAt && !submittedInstant) errors.push({ field: 'NgayNopHoSo', message: 'is not yyyyMMddHHmmss' });
  const files = convertFiles(record.TaiLieuNop, errors);
  if (errors.length > 0) return { ok: false, errors };
  const phone = nonEmpty(record.SoDienThoai);
  const email = nonEmpty(record.Email);
  const address = nonEmpty(record.DiaChi);
  const account = nonEmpty(record.MaDoiTuong);
  const summary = nonEmpty(record.TrichYeuHoSo);
  return {
    ok: true,
    value: {
      nationalId: record.MaHoSo,
      nationalProcedureCode: record.MaTTHC.trim(),
      nationalAgencyCode: record.DonViXuLy.trim(),
      applicant: {
        idNumber: record.SoDinhDanh.trim(),
        fullName: record.ChuHoSo.trim(),
        type: type!,
        ...(phone ? { phone } : {}),
        ...(email ? { email } : {}),
        ...(address ? { address } : {}),
      },
      ...(account ? { portalAccountId: account } : {}),
      ...(summary ? { summary } : {}),
      ...(submittedInstant ? { submittedAt: submittedInstant.toISOString() } : {}),
      resultDelivery: resultDelivery!,
      formData: record.DuLieuBieuMau ?? {},
      files,
    },
  };
}

/** The value with object keys sorted (the portal's field order, and DynamoDB's, must not matter); no `service`. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => k !== 'service')
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** A fingerprint of what the portal sent, to tell a re-send (same fingerprint) from a changed record. */
export function recordFingerprint(record: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(record)))
    .digest('hex');
}

/** The top-level fields whose values differ between two records (what a conflict shows). */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)].filter((k) => k !== 'service'));
  return [...keys].filter((k) => JSON.stringify(canonical(before[k])) !== JSON.stringify(canonical(after[k]))).sort();
}

/** What the province answers the portal (error_code 0 = taken in; the portal reads error_code). */
export interface IntakeAnswer {
  error_code: number;
  message: string;
  MaHoSo: string;
  /** motcua's own state of the forwarded dossier. */
  TrangThaiTiepNhan: string;
  /** The province's dossier code, once the dossier exists. */
  MaHoSoTinh: string;
}
