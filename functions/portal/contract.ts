/**
 * The portal context's published contract besides its events: the national adapter's formats that other
 * contexts apply (national dates yyyyMMddHHmmss GMT+7, status and channel codes, the outbound records). Every
 * national field name stays in functions/portal/adapter/; others import it through this file.
 */
export { fromNationalDate, toNationalDate } from './adapter/dates.ts';
export * from './adapter/outbound.ts';
export { HINH_THUC_TRA, KENH_THUC_HIEN, LOAI_DOI_TUONG, PORTAL_OK, TRANG_THAI_HO_SO } from './adapter/status.ts';
