/**
 * The payments context's published contract: what other code may use of it besides its events.
 *
 * `issueReceiptNumber` is the one way a receipt number is issued, for online and counter payments alike (the
 * rule is in `receipts.ts` and docs/decisions/0013-money-under-load.md). Its name and shape are stable.
 * Put the claim's `takeItem` in the transaction that records the receipt; if that transaction fails on the
 * claim's condition, nothing was taken: claim again, passing the series lost on in `avoid`.
 *
 * `paymentLookupCode` is a dossier's lookup code (MaTraCuuTT) on the national payment platform: the national
 * sync sends it in the dossier record so the citizen can pay on DVCQG, and the platform looks the bill up by it.
 */
export { LOOKUP_CODE_PATTERN, paymentLookupCode } from './domain/paygov.ts';
export {
  formatReceiptNumber,
  issueReceiptNumber,
  RECEIPT_NUMBER_PATTERN,
  RECEIPT_SERIES_COUNT,
  type ReceiptNumberClaim,
} from './receipts.ts';
