/**
 * What an electronic result's signature covers: the canonical JSON of its metadata and the SHA-256 of the
 * file. Verifying recomputes both from what is stored now, so changing one byte of the file or one field of
 * the metadata breaks the signature.
 */

export const RESULT_SIGNATURE_ALGORITHM = 'ECDSA_P256_SHA256';

export interface SignedResultFields {
  dossierCode: string;
  number: string;
  signer: string;
  issuedBy: string;
  signedAt: string;
  /** SHA-256 (hex, lower case) of the result file. */
  sha256: string;
  documentId: string;
}

const FIELD_NAMES: readonly (keyof SignedResultFields)[] = [
  'dossierCode',
  'documentId',
  'issuedBy',
  'number',
  'sha256',
  'signedAt',
  'signer',
];

/**
 * Canonical JSON (RFC 8785 for string members): keys sorted by UTF-16 code units, no whitespace, strings
 * escaped as JSON.stringify does. Exactly these seven fields: nothing else can slip into what was signed.
 */
export function resultPayload(fields: SignedResultFields): string {
  const keys = [...FIELD_NAMES].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(fields[k]))}`).join(',')}}`;
}
