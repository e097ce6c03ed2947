/**
 * A document's life: created as an upload slot (`pending`), verified by content once the file is in
 * quarantine (`clean` or `rejected`), scanned for malware on AWS, and usable — downloadable, attachable to
 * a dossier, listed in the citizen's store — only when both say so. Pure: the use cases carry out the
 * effects these rules ask for (copy out of quarantine, delete, publish).
 */
import { type SniffedContent, sniffContent } from './content.ts';

export type DocumentStatus = 'pending' | 'clean' | 'rejected';

/**
 * GuardDuty Malware Protection for S3 scans every upload on AWS. Locally nothing scans: 'skipped (local)'.
 * 'failed' covers what GuardDuty could not scan (unsupported, access denied, failed): never usable.
 */
export type ScanStatus = 'pending' | 'clean' | 'infected' | 'failed' | 'skipped (local)';

export type ScanVerdict = 'clean' | 'infected' | 'failed';

/** S3 gives ETags quoted in headers and bare in events; compare them bare. */
export const normalizeEtag = (etag: string): string => etag.replace(/^W\//, '').replace(/"/g, '');

export type RejectionReason =
  | 'empty'
  | 'size-mismatch'
  | 'too-large'
  | 'executable'
  | 'unrecognized-content'
  | 'type-mismatch'
  | 'checksum-mismatch'
  | 'malware'
  | 'malware-scan-failed';

/** Where the file is: in quarantine until usable, then under clean/, or nowhere once rejected. */
export type StoredAt = 'quarantine' | 'clean' | 'none';

export interface Uploader {
  sub: string;
  kind: 'citizen' | 'official';
  agencyCode?: string;
}

/** What the document is about once it carries a signed electronic result. */
export interface ResultInfo {
  dossierCode: string;
  number: string;
  signer: string;
  issuedBy: string;
  signedAt: string;
  applicantIdNumber: string;
}

export interface DocumentRecord {
  documentId: string;
  fileName: string;
  /** The declared (and, once clean, verified) media type. */
  contentType: string;
  /** The declared (and, once clean, verified) size in bytes. */
  size: number;
  declaredSha256?: string;
  /** The file's SHA-256 (hex), known once verified. */
  sha256?: string;
  /** ETag of the exact object that was verified (a later overwrite of the quarantined key is not it). */
  etag?: string;
  /**
   * The citizen it belongs to: the uploader, or the applicant an official digitized it for once it is in their
   * store (at once for a dossier of the official's agency named on upload, else when such a dossier carries it).
   */
  ownerIdNumber?: string;
  /** The applicant an official digitized it for (`onBehalfOf`), whether or not it has reached their store yet. */
  onBehalfOf?: string;
  /** The agency it belongs to, when an official uploaded it. */
  ownerAgencyCode?: string;
  uploadedBy: Uploader;
  digitized: boolean;
  kind: 'upload' | 'result';
  requirementCode?: string;
  procedureCode?: string;
  dossierCode?: string;
  status: DocumentStatus;
  reason?: RejectionReason;
  scanStatus: ScanStatus;
  /**
   * Verdicts that arrived before the upload was completed, by object ETag: the form stays valid for minutes,
   * so the key may have held more than one object; only the verdict on the object verified counts.
   */
  scanVerdicts?: Record<string, ScanVerdict>;
  storedAt: StoredAt;
  objectKey: string;
  createdAt: string;
  uploadExpiresAt: string;
  completedAt?: string;
  verifiedAt?: string;
  result?: ResultInfo;
  /** Bumped on every change; the event sequence and the optimistic-concurrency check. */
  version: number;
}

export const quarantineKey = (documentId: string): string => `quarantine/${documentId}`;

/** `clean/<owner>/<id>`: the citizen's ID number, or `agency-<code>` for an agency's own documents. */
export function cleanKey(doc: Pick<DocumentRecord, 'documentId' | 'ownerIdNumber' | 'ownerAgencyCode'>): string {
  const owner = doc.ownerIdNumber ?? `agency-${doc.ownerAgencyCode ?? 'unknown'}`;
  return `clean/${owner}/${doc.documentId}`;
}

/** Usable = verified by content and, where scanning runs, scanned clean. */
export function isUsable(doc: Pick<DocumentRecord, 'status' | 'scanStatus'>): boolean {
  return doc.status === 'clean' && (doc.scanStatus === 'clean' || doc.scanStatus === 'skipped (local)');
}

/** What the quarantined object turned out to be. */
export interface ObjectFacts {
  size: number;
  /** The first bytes (at least SNIFF_BYTES when the file has them). */
  head: Uint8Array;
  sha256: string;
  etag: string;
}

export type Verification = { status: 'clean' } | { status: 'rejected'; reason: RejectionReason; detail: string };

/** Checks the uploaded object against what was declared: size, real type by content, checksum. */
export function verifyUpload(
  declared: { size: number; contentType: string; sha256?: string },
  facts: Pick<ObjectFacts, 'size' | 'head' | 'sha256'>,
  maxBytes: number,
): Verification {
  if (facts.size === 0) return { status: 'rejected', reason: 'empty', detail: 'the file is empty' };
  if (facts.size > maxBytes) {
    return { status: 'rejected', reason: 'too-large', detail: `${facts.size} bytes is more than ${maxBytes}` };
  }
  if (facts.size !== declared.size) {
    return {
      status: 'rejected',
      reason: 'size-mismatch',
      detail: `declared ${declared.size} bytes, uploaded ${facts.size}`,
    };
  }
  const sniffed: SniffedContent = sniffContent(facts.head);
  if (sniffed.kind === 'executable') {
    return { status: 'rejected', reason: 'executable', detail: `the file is a program (${sniffed.format})` };
  }
  if (sniffed.kind === 'unknown') {
    return { status: 'rejected', reason: 'unrecognized-content', detail: 'the content is not a recognised document' };
  }
  if (sniffed.contentType !== declared.contentType.toLowerCase()) {
    return {
      status: 'rejected',
      reason: 'type-mismatch',
      detail: `declared ${declared.contentType}, the content is ${sniffed.contentType}`,
    };
  }
  if (declared.sha256 !== undefined && declared.sha256.toLowerCase() !== facts.sha256.toLowerCase()) {
    return { status: 'rejected', reason: 'checksum-mismatch', detail: 'the SHA-256 differs from the declared one' };
  }
  return { status: 'clean' };
}

/** Effects a transition asks the use case to carry out, in this order: copy, commit (with event), delete. */
export interface Transition {
  next: DocumentRecord;
  copyToClean: boolean;
  deleteQuarantined: boolean;
  event?: 'document.verified' | 'document.rejected';
}

const bump = (doc: DocumentRecord, changes: Partial<DocumentRecord>): DocumentRecord => ({
  ...doc,
  ...changes,
  version: doc.version + 1,
});

function reject(doc: DocumentRecord, reason: RejectionReason, changes: Partial<DocumentRecord>): Transition {
  return {
    next: bump(doc, { ...changes, status: 'rejected', reason, storedAt: 'none' }),
    copyToClean: false,
    deleteQuarantined: doc.storedAt === 'quarantine',
    event: 'document.rejected',
  };
}

/** Verified and scanned clean (or not scanned locally): leave quarantine, announce it. */
function promote(doc: DocumentRecord, changes: Partial<DocumentRecord>): Transition {
  const next = bump(doc, changes);
  return {
    next: { ...next, storedAt: 'clean', objectKey: cleanKey(next) },
    copyToClean: true,
    deleteQuarantined: true,
    event: 'document.verified',
  };
}

/**
 * The upload was completed and its object examined. A verdict recorded earlier counts only if it was about
 * the very object verified. Returns undefined when the document was already completed (idempotent).
 */
export function onVerified(
  doc: DocumentRecord,
  verification: Verification,
  facts: Pick<ObjectFacts, 'sha256' | 'etag'>,
  at: string,
): Transition | undefined {
  if (doc.status !== 'pending') return undefined;
  const scanStatus: ScanStatus =
    doc.scanStatus === 'skipped (local)' ? doc.scanStatus : (doc.scanVerdicts?.[facts.etag] ?? 'pending');
  const base: Partial<DocumentRecord> = {
    completedAt: at,
    sha256: facts.sha256,
    etag: facts.etag,
    scanStatus,
    scanVerdicts: undefined,
  };
  if (verification.status === 'rejected') return reject(doc, verification.reason, base);
  if (scanStatus === 'infected') return reject(doc, 'malware', base);
  if (scanStatus === 'failed') return reject(doc, 'malware-scan-failed', base);
  const verified = { ...base, status: 'clean' as const, verifiedAt: at };
  if (scanStatus === 'pending') {
    // Verified, but on AWS not usable before GuardDuty's verdict: stay in quarantine until it comes.
    return { next: bump(doc, verified), copyToClean: false, deleteQuarantined: false };
  }
  return promote(doc, verified);
}

/** GuardDuty's verdict on one quarantined object (by ETag). Returns undefined when it changes nothing. */
export function onScanned(doc: DocumentRecord, verdict: ScanVerdict, objectEtag: string): Transition | undefined {
  if (doc.scanStatus === 'skipped (local)' || doc.status === 'rejected') return undefined;
  if (doc.status === 'pending') {
    if (doc.scanVerdicts?.[objectEtag] === verdict) return undefined;
    const scanVerdicts = { ...doc.scanVerdicts, [objectEtag]: verdict };
    return { next: bump(doc, { scanVerdicts }), copyToClean: false, deleteQuarantined: false };
  }
  // Verified earlier and waiting in quarantine: only the verdict on the verified object decides.
  if (doc.scanStatus !== 'pending' || doc.etag !== objectEtag) return undefined;
  if (verdict === 'clean') return promote(doc, { scanStatus: 'clean' });
  return reject(doc, verdict === 'infected' ? 'malware' : 'malware-scan-failed', { scanStatus: verdict });
}

/**
 * A scan an official digitized for an applicant goes into the applicant's store (and is theirs from then on) once
 * a dossier of the official's agency for that applicant carries it. Announced again as verified, so that readers
 * of the store learn the new owner. Undefined when it is not such a scan or is placed already.
 */
export function placeInStore(doc: DocumentRecord, applicantIdNumber: string): Transition | undefined {
  if (doc.ownerIdNumber !== undefined || doc.onBehalfOf !== applicantIdNumber) return undefined;
  return {
    next: bump(doc, { ownerIdNumber: applicantIdNumber }),
    copyToClean: false,
    deleteQuarantined: false,
    ...(isUsable(doc) ? { event: 'document.verified' as const } : {}),
  };
}
