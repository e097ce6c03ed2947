/**
 * The documents context's use cases: open an upload, verify it, read it (logged), the citizen's store, read
 * grants from dossier events, signing and verifying electronic results, the catalog's requirements and
 * GuardDuty's verdicts. The rules are in domain/; this file sequences them with the table and the bucket.
 */
import { randomUUID } from 'node:crypto';
import type { DossierEventData } from '#dossiers/events.ts';
import { mayOversee } from '#platform/agency-scope.ts';
import { getAsCaller } from '#platform/caller-api.ts';
import { conditionFailed, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import { isLocal } from '#platform/env.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { inboxPut } from '#platform/inbox.ts';
import { logger } from '#platform/observability.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import type { AccessLogEntry, CreateDocumentBody, DocumentView, VerifyResultResponse } from './api/schemas.ts';
import {
  type Caller,
  canComplete,
  canRead,
  type Grant,
  handlingAgencies,
  isOwner,
  mayBeCarriedBy,
  mayDigitizeFor,
  ownershipOfUpload,
} from './domain/access.ts';
import {
  checkDeclaredUpload,
  MAX_DOCUMENT_BYTES,
  type RequirementRule,
  SNIFF_BYTES,
  uploadRuleFor,
} from './domain/content.ts';
import {
  type DocumentRecord,
  isUsable,
  onScanned,
  onVerified,
  placeInStore,
  quarantineKey,
  type ScanVerdict,
  type Transition,
  verifyUpload,
} from './domain/document.ts';
import { RESULT_SIGNATURE_ALGORITHM, resultPayload, type SignedResultFields } from './domain/result-signature.ts';
import type { DocumentEventData, DocumentEventType, ResultSignedData } from './events.ts';
import {
  copyVerifiedObject,
  deleteObject,
  documentsBucketName,
  objectSha256,
  presignDownload,
  presignUpload,
  readObjectFacts,
  type UploadForm,
} from './objects.ts';
import type { SignatureVerifier, Signer } from './signer.ts';
import * as store from './store.ts';

/** The presigned POST form and the download URL live this long (issue 5: 5 minutes). */
export const UPLOAD_EXPIRY_SECONDS = 300;
export const DOWNLOAD_EXPIRY_SECONDS = 300;
/** Optimistic-concurrency retries when two writers race on a document (complete vs. scan verdict). */
const MAX_ATTEMPTS = 3;

const notFound = () => new NotFoundError({ vi: 'Không tìm thấy tài liệu.', en: 'No such document.' });

/**
 * Whether uploads wait for GuardDuty's verdict: on AWS unless MALWARE_SCANNING=off; locally not at all,
 * unless MALWARE_SCANNING=on (tests then play GuardDuty by sending its events to the scans queue).
 */
export const malwareScanningEnabled = (): boolean =>
  isLocal() ? process.env.MALWARE_SCANNING === 'on' : process.env.MALWARE_SCANNING !== 'off';

// ---------------------------------------------------------------------------------------------------------
// Views and events

export function toView(doc: DocumentRecord): DocumentView {
  return {
    documentId: doc.documentId,
    fileName: doc.fileName,
    contentType: doc.contentType,
    size: doc.size,
    ...(doc.sha256 !== undefined && doc.status === 'clean' ? { sha256: doc.sha256 } : {}),
    status: doc.status,
    ...(doc.reason !== undefined ? { reason: doc.reason } : {}),
    scanStatus: doc.scanStatus,
    usable: isUsable(doc),
    kind: doc.kind,
    digitized: doc.digitized,
    ...(doc.requirementCode !== undefined ? { requirementCode: doc.requirementCode } : {}),
    ...(doc.procedureCode !== undefined ? { procedureCode: doc.procedureCode } : {}),
    ...(doc.dossierCode !== undefined ? { dossierCode: doc.dossierCode } : {}),
    ...(doc.ownerIdNumber !== undefined ? { ownerIdNumber: doc.ownerIdNumber } : {}),
    ...(doc.onBehalfOf !== undefined ? { onBehalfOf: doc.onBehalfOf } : {}),
    ...(doc.ownerAgencyCode !== undefined ? { ownerAgencyCode: doc.ownerAgencyCode } : {}),
    createdAt: doc.createdAt,
    ...(doc.verifiedAt !== undefined ? { verifiedAt: doc.verifiedAt } : {}),
    ...(doc.result
      ? {
          result: {
            dossierCode: doc.result.dossierCode,
            number: doc.result.number,
            signer: doc.result.signer,
            issuedBy: doc.result.issuedBy,
            signedAt: doc.result.signedAt,
          },
        }
      : {}),
  };
}

function documentEventData(doc: DocumentRecord): DocumentEventData {
  return {
    documentId: doc.documentId,
    ...(doc.ownerIdNumber !== undefined ? { ownerIdNumber: doc.ownerIdNumber } : {}),
    ...(doc.onBehalfOf !== undefined ? { onBehalfOf: doc.onBehalfOf } : {}),
    ...(doc.ownerAgencyCode !== undefined ? { ownerAgencyCode: doc.ownerAgencyCode } : {}),
    fileName: doc.fileName,
    contentType: doc.contentType,
    size: doc.size,
    sha256: doc.sha256 ?? '',
    digitized: doc.digitized,
    status: doc.status === 'clean' ? 'clean' : 'rejected',
    ...(doc.reason !== undefined ? { reason: doc.reason } : {}),
    ...(doc.dossierCode !== undefined ? { dossierCode: doc.dossierCode } : {}),
  };
}

function documentEvent(type: DocumentEventType, doc: DocumentRecord, data: DocumentEventData | ResultSignedData) {
  return envelope<DocumentEventData | ResultSignedData, DocumentEventType>('documents', {
    type,
    subject: doc.documentId,
    sequence: doc.version,
    data,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Applying a transition: copy out of quarantine, commit with its event, then delete the quarantined object.

async function applyTransition(before: DocumentRecord, transition: Transition, at: Date): Promise<boolean> {
  const { next } = transition;
  if (transition.copyToClean) await copyVerifiedObject(quarantineKey(next.documentId), next.objectKey, next.etag!);
  const versionPut = store.putDocumentVersion(next, before.version, at);
  const items: TransactItem[] = [versionPut];
  if (transition.event) {
    items.push(outboxPut(store.documentsTableName(), documentEvent(transition.event, next, documentEventData(next))));
  }
  try {
    await transactWrite(items);
  } catch (error) {
    if (!conditionFailed(error, versionPut)) throw error;
    if (transition.copyToClean) {
      // Someone else moved the document on; keep the clean copy only if it ended up clean there too.
      const now = await store.getDocument(next.documentId);
      if (now?.storedAt !== 'clean' || now.objectKey !== next.objectKey) await deleteObject(next.objectKey);
    }
    return false;
  }
  if (transition.deleteQuarantined) {
    try {
      await deleteObject(quarantineKey(next.documentId));
    } catch (error) {
      // The quarantine/ lifecycle rule removes it within a day anyway.
      logger.warn('could not delete a quarantined object', { documentId: next.documentId, error: error as Error });
    }
  }
  return true;
}

/** Re-reads and re-decides until the transition commits, or nothing is left to do. */
async function transitionDocument(
  documentId: string,
  decide: (doc: DocumentRecord) => Promise<Transition | undefined>,
  at: Date,
): Promise<DocumentRecord | undefined> {
  for (let attempt = 1; ; attempt++) {
    const doc = await store.getDocument(documentId);
    if (!doc) return undefined;
    const transition = await decide(doc);
    if (!transition) return doc;
    if (await applyTransition(doc, transition, at)) return transition.next;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`document ${documentId} kept changing; try again`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Uploads

export interface CreatedUpload {
  documentId: string;
  upload: UploadForm;
  expiresAt: string;
  maxBytes: number;
}

async function requirementFor(body: CreateDocumentBody): Promise<RequirementRule | undefined> {
  if (body.procedureCode === undefined) return undefined;
  const requirements = await store.getProcedureRequirements(body.procedureCode);
  if (!requirements) {
    throw new ValidationError([{ path: 'body.procedureCode', message: 'no published procedure has this code' }]);
  }
  if (body.requirementCode === undefined) return undefined;
  const requirement = requirements.find((r) => r.code === body.requirementCode);
  if (!requirement) {
    throw new ValidationError([{ path: 'body.requirementCode', message: 'not a requirement of this procedure' }]);
  }
  return requirement;
}

/** The applicant and the agencies of a dossier, from its view in the dossiers API (undefined: not shown). */
function dossierFromView(view: unknown): { applicantIdNumber: string; agencies: string[] } | undefined {
  const v = view as
    | {
        applicant?: { idNumber?: unknown };
        agencyCode?: unknown;
        currentAgencyCode?: unknown;
        receivingAgencyCode?: unknown;
      }
    | undefined;
  const idNumber = v?.applicant?.idNumber;
  if (typeof idNumber !== 'string') return undefined;
  const agencies = [v?.agencyCode, v?.currentAgencyCode, v?.receivingAgencyCode].filter(
    (code): code is string => typeof code === 'string',
  );
  return { applicantIdNumber: idNumber, agencies };
}

/** Opens an upload slot: the document in `pending`, and a presigned POST form into quarantine. */
export async function createUpload(who: Caller, body: CreateDocumentBody, at: Date): Promise<CreatedUpload> {
  const ownership = ownershipOfUpload(who, body);
  if (!ownership.ok) {
    if (ownership.reason === 'on-behalf-needs-digitized') {
      throw new ValidationError([{ path: 'body.digitized', message: 'must be true when uploading onBehalfOf' }]);
    }
    throw new ForbiddenError(
      ownership.reason === 'citizen-cannot-digitize'
        ? {
            vi: 'Chỉ cán bộ mới số hóa tài liệu thay người nộp.',
            en: 'Only officials digitize documents on behalf of applicants.',
          }
        : {
            vi: 'Chỉ công dân hoặc cán bộ của một cơ quan mới tải tài liệu lên.',
            en: "Only citizens and agencies' officials upload documents.",
          },
    );
  }
  const rule = uploadRuleFor(await requirementFor(body));
  const errors = checkDeclaredUpload(body, rule);
  if (errors.length > 0) throw new ValidationError(errors);
  let ownerIdNumber = ownership.ownerIdNumber;
  if (ownership.onBehalfOf !== undefined && body.dossierCode !== undefined) {
    // Into the applicant's store at once: only for a dossier of theirs the official's agency is on, as the
    // dossiers context shows it to this official (its access rules apply).
    const dossier = dossierFromView(await getAsCaller(`/dossiers/${encodeURIComponent(body.dossierCode)}`));
    if (!dossier || !mayDigitizeFor(who, ownership.onBehalfOf, dossier)) {
      throw new ForbiddenError({
        vi: 'Chỉ cán bộ của cơ quan giải quyết hoặc tiếp nhận hồ sơ của người nộp mới số hóa tài liệu vào kho của họ.',
        en: "Only officials of an agency on the applicant's dossier digitize documents into the applicant's store.",
      });
    }
    ownerIdNumber = ownership.onBehalfOf;
  }

  const documentId = randomUUID();
  const key = quarantineKey(documentId);
  const upload = await presignUpload({
    key,
    contentType: body.contentType,
    size: body.size,
    expiresSeconds: UPLOAD_EXPIRY_SECONDS,
  });
  const doc: DocumentRecord = {
    documentId,
    fileName: body.fileName,
    contentType: body.contentType,
    size: body.size,
    ...(body.sha256 !== undefined ? { declaredSha256: body.sha256 } : {}),
    ...(ownerIdNumber !== undefined ? { ownerIdNumber } : {}),
    ...(ownership.onBehalfOf !== undefined ? { onBehalfOf: ownership.onBehalfOf } : {}),
    ...(ownership.ownerAgencyCode !== undefined ? { ownerAgencyCode: ownership.ownerAgencyCode } : {}),
    uploadedBy: { sub: who.sub, kind: who.issuer, ...(who.agencyCode ? { agencyCode: who.agencyCode } : {}) },
    digitized: ownership.digitized,
    kind: 'upload',
    ...(body.requirementCode !== undefined ? { requirementCode: body.requirementCode } : {}),
    ...(body.procedureCode !== undefined ? { procedureCode: body.procedureCode } : {}),
    ...(body.dossierCode !== undefined ? { dossierCode: body.dossierCode } : {}),
    status: 'pending',
    scanStatus: malwareScanningEnabled() ? 'pending' : 'skipped (local)',
    storedAt: 'quarantine',
    objectKey: key,
    createdAt: at.toISOString(),
    uploadExpiresAt: new Date(at.getTime() + UPLOAD_EXPIRY_SECONDS * 1000).toISOString(),
    version: 1,
  };
  await transactWrite([store.putNewDocument(doc, at)]);
  return { documentId, upload, expiresAt: doc.uploadExpiresAt, maxBytes: rule.maxBytes };
}

export interface CompletionOutcome {
  documentId: string;
  status: 'clean' | 'rejected';
  reason?: DocumentRecord['reason'];
  detail?: string;
  scanStatus: DocumentRecord['scanStatus'];
  usable: boolean;
}

const outcomeOf = (doc: DocumentRecord, detail?: string): CompletionOutcome => ({
  documentId: doc.documentId,
  status: doc.status === 'clean' ? 'clean' : 'rejected',
  ...(doc.reason !== undefined ? { reason: doc.reason } : {}),
  ...(detail !== undefined ? { detail } : {}),
  scanStatus: doc.scanStatus,
  usable: isUsable(doc),
});

/**
 * Verifies the quarantined upload (size, real type by content, checksum). Clean → out of quarantine and
 * document.verified (on AWS once GuardDuty's verdict is clean too); rejected → deleted, reason kept,
 * document.rejected. Completing again returns the outcome already reached.
 */
export async function completeUpload(who: Caller, documentId: string, at: Date): Promise<CompletionOutcome> {
  const doc = await store.getDocument(documentId);
  if (!doc || !canComplete(who, doc)) throw notFound();
  if (doc.status !== 'pending') return outcomeOf(doc);

  let detail: string | undefined;
  const final = await transitionDocument(
    documentId,
    async (current) => {
      if (current.status !== 'pending') return undefined;
      const facts = await readObjectFacts(quarantineKey(documentId), SNIFF_BYTES);
      if (!facts) {
        throw new ConflictError('not-uploaded', {
          vi: 'Chưa có tệp nào được tải lên cho tài liệu này.',
          en: 'No file has been uploaded for this document yet.',
        });
      }
      const verification = verifyUpload(
        { size: current.size, contentType: current.contentType, sha256: current.declaredSha256 },
        facts,
        MAX_DOCUMENT_BYTES,
      );
      detail = verification.status === 'rejected' ? verification.detail : undefined;
      return onVerified(current, verification, facts, at.toISOString());
    },
    at,
  );
  if (!final) throw notFound();
  logger.info('document completed', { documentId, status: final.status, reason: final.reason });
  return outcomeOf(final, detail);
}

// ---------------------------------------------------------------------------------------------------------
// Reading (every access logged)

const logEntry = (who: Caller, action: AccessLogEntry['action'], at: Date): AccessLogEntry => ({
  at: at.toISOString(),
  action,
  by: { sub: who.sub, kind: who.issuer, ...(who.agencyCode ? { agencyCode: who.agencyCode } : {}) },
});

/**
 * Whether `who` may read it: its owner, an official of an agency of a dossier carrying it (canRead), or a leader
 * of an agency above one of those (#platform/agency-scope.ts; admins get no blanket access to people's documents).
 */
async function mayRead(who: Caller, doc: DocumentRecord, grants: readonly Grant[]): Promise<boolean> {
  if (canRead(who, doc, grants)) return true;
  if (who.issuer !== 'official') return false;
  const agencies = [doc.ownerAgencyCode, ...grants.map((g) => (g.kind === 'agency' ? g.agencyCode : undefined))];
  return mayOversee({ ...who, roles: who.roles.filter((role) => role !== 'admin') }, agencies);
}

async function readable(who: Caller, documentId: string): Promise<DocumentRecord> {
  const found = await store.getDocumentWithGrants(documentId);
  if (!found || !(await mayRead(who, found.doc, found.grants))) throw notFound();
  return found.doc;
}

export async function readDocument(who: Caller, documentId: string, at: Date): Promise<DocumentView> {
  const doc = await readable(who, documentId);
  await store.appendAccessLog(documentId, logEntry(who, 'metadata', at));
  return toView(doc);
}

/** A short-lived URL of the file, for a reader, once the document is usable. */
export async function contentUrl(who: Caller, documentId: string, at: Date): Promise<string> {
  const doc = await readable(who, documentId);
  if (!isUsable(doc)) {
    throw new ConflictError('document-not-usable', {
      vi: 'Tài liệu chưa được kiểm tra xong hoặc đã bị từ chối.',
      en: 'The document is not verified (or scanned) yet, or was rejected.',
    });
  }
  await store.appendAccessLog(documentId, logEntry(who, 'content', at));
  return presignDownload({
    key: doc.objectKey,
    fileName: doc.fileName,
    contentType: doc.contentType,
    expiresSeconds: DOWNLOAD_EXPIRY_SECONDS,
  });
}

/** The access log, for the document's owner only. */
export async function listAccesses(who: Caller, documentId: string, limit: number, cursor: string | undefined) {
  const found = await store.getDocumentWithGrants(documentId);
  if (!found || !(await mayRead(who, found.doc, found.grants))) throw notFound();
  if (!isOwner(who, found.doc)) throw new ForbiddenError();
  return store.listAccessLog(documentId, limit, cursor);
}

export async function listMyDocuments(idNumber: string, limit: number, cursor: string | undefined) {
  const page = await store.listStore(idNumber, limit, cursor);
  return { items: page.items.map(toView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

// ---------------------------------------------------------------------------------------------------------
// Dossier events: read grants for the handling agencies

/** Records that the agencies handling a dossier may read the documents it carries (applied once). */
export async function grantDossierAccess(consumer: string, event: EventEnvelope, at: Date): Promise<void> {
  const { dossier, details } = event.data as DossierEventData;
  const agencies = handlingAgencies({
    agencyCode: dossier.agencyCode,
    currentAgencyCode: dossier.currentAgencyCode,
    ...(dossier.receivingAgencyCode ? { receivingAgencyCode: dossier.receivingAgencyCode } : {}),
    ...(details?.toAgencyCode ? { toAgencyCode: details.toAgencyCode } : {}),
  });
  const docs = await store.getDocuments(dossier.documents.map((d) => d.documentId));
  const carried = docs.filter((doc) =>
    mayBeCarriedBy(doc, { applicantIdNumber: dossier.applicant.idNumber, agencies }),
  );
  if (carried.length < docs.length || docs.length < dossier.documents.length) {
    logger.warn('dossier names documents it may not carry; no access granted to them', {
      dossierCode: dossier.code,
      eventId: event.id,
    });
  }
  // Scans its agencies digitized for the applicant go into the applicant's store now (once; each its own write).
  for (const doc of carried) {
    if (doc.ownerIdNumber !== undefined || doc.onBehalfOf !== dossier.applicant.idNumber) continue;
    await transitionDocument(doc.documentId, async (current) => placeInStore(current, dossier.applicant.idNumber), at);
  }
  const grants = carried.flatMap((doc) =>
    agencies.map((agencyCode) => store.putGrant(doc.documentId, { kind: 'agency', agencyCode }, dossier.code, at)),
  );
  // Grants only add readers and writing one twice changes nothing, so large sets may span transactions;
  // the inbox item goes with the last one.
  const chunks: TransactItem[][] = [];
  for (let i = 0; i < grants.length; i += 90) chunks.push(grants.slice(i, i + 90));
  const last = chunks.pop() ?? [];
  for (const chunk of chunks) await transactWrite(chunk);
  const inbox = inboxPut(store.documentsTableName(), consumer, event.id, at);
  try {
    await transactWrite([inbox, ...last]);
  } catch (error) {
    if (conditionFailed(error, inbox)) return; // already applied
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Electronic results

/**
 * dossier.resolved with a result document: sign {dossierCode, number, signer, issuedBy, signedAt, sha256,
 * documentId} (canonical JSON), store the signature, give the applicant the result, publish
 * document.result_signed. Applied once per dossier.
 */
export async function signResult(consumer: string, event: EventEnvelope, signer: Signer, at: Date): Promise<void> {
  const { dossier, entry } = event.data as DossierEventData;
  const result = dossier.result;
  if (!result?.documentId) return;
  const context = { dossierCode: dossier.code, documentId: result.documentId, eventId: event.id };
  if (await store.getSignedResult(dossier.code)) return;

  const doc = await store.getDocument(result.documentId);
  const agencies = handlingAgencies({ agencyCode: dossier.agencyCode, currentAgencyCode: dossier.currentAgencyCode });
  if (entry.by.agencyCode) agencies.push(entry.by.agencyCode);
  if (!doc || doc.ownerAgencyCode === undefined || !agencies.includes(doc.ownerAgencyCode)) {
    // Not a file of the resolving agency: never sign it (operators see the error; retrying cannot help).
    logger.error('result document is missing or not the resolving agency’s; not signed', context);
    return;
  }
  if (doc.status === 'rejected') {
    logger.error('result document was rejected; not signed', context);
    return;
  }
  if (!isUsable(doc)) throw new Error(`result document ${doc.documentId} is not usable yet`); // retried later

  const fileSha256 = await objectSha256(doc.objectKey);
  if (fileSha256 === undefined || fileSha256 !== doc.sha256) {
    throw new Error(`result document ${doc.documentId} no longer matches the file that was verified`);
  }
  const fields: SignedResultFields = {
    dossierCode: dossier.code,
    number: result.number,
    signer: result.signer,
    issuedBy: result.issuedBy,
    signedAt: result.signedAt,
    sha256: fileSha256,
    documentId: doc.documentId,
  };
  const { signature, keyId } = await signer.sign(Buffer.from(resultPayload(fields), 'utf8'));
  const signed: store.SignedResult = {
    ...fields,
    signature: signature.toString('base64'),
    keyId,
    algorithm: RESULT_SIGNATURE_ALGORITHM,
    sealedAt: at.toISOString(),
  };
  const next: DocumentRecord = {
    ...doc,
    kind: 'result',
    dossierCode: dossier.code,
    result: {
      dossierCode: dossier.code,
      number: result.number,
      signer: result.signer,
      issuedBy: result.issuedBy,
      signedAt: result.signedAt,
      applicantIdNumber: dossier.applicant.idNumber,
    },
    version: doc.version + 1,
  };
  const data: ResultSignedData = {
    dossierCode: fields.dossierCode,
    documentId: fields.documentId,
    number: fields.number,
    signer: fields.signer,
    issuedBy: fields.issuedBy,
    signedAt: fields.signedAt,
    sha256: fields.sha256,
  };
  const inbox = inboxPut(store.documentsTableName(), consumer, event.id, at);
  const resultPut = store.putSignedResult(signed);
  try {
    await transactWrite([
      inbox,
      resultPut,
      store.putDocumentVersion(next, doc.version, at),
      store.putGrant(doc.documentId, { kind: 'citizen', idNumber: dossier.applicant.idNumber }, dossier.code, at),
      outboxPut(store.documentsTableName(), documentEvent('document.result_signed', next, data)),
    ]);
  } catch (error) {
    if (conditionFailed(error, inbox, resultPut)) return; // this event, or this dossier's result, already done
    throw error; // the document changed meanwhile: the queue retries
  }
  logger.info('result signed', context);
}

/** Recomputes the file's hash from storage and verifies the signature over the stored metadata. */
export async function verifyResult(dossierCode: string, verifier: SignatureVerifier): Promise<VerifyResultResponse> {
  const signed = await store.getSignedResult(dossierCode);
  if (!signed) {
    throw new NotFoundError({
      vi: 'Hồ sơ này không có kết quả điện tử đã ký.',
      en: 'This dossier has no signed electronic result.',
    });
  }
  const doc = await store.getDocument(signed.documentId);
  const fileSha256 = doc && doc.storedAt === 'clean' ? await objectSha256(doc.objectKey) : undefined;
  let valid = false;
  if (fileSha256 !== undefined) {
    const payload = resultPayload({
      dossierCode: signed.dossierCode,
      number: signed.number,
      signer: signed.signer,
      issuedBy: signed.issuedBy,
      signedAt: signed.signedAt,
      sha256: fileSha256,
      documentId: signed.documentId,
    });
    valid =
      signed.dossierCode === dossierCode &&
      (await verifier.verify(signed.keyId, Buffer.from(payload, 'utf8'), Buffer.from(signed.signature, 'base64')));
  }
  return {
    valid,
    dossierCode: signed.dossierCode,
    documentId: signed.documentId,
    number: signed.number,
    signer: signed.signer,
    issuedBy: signed.issuedBy,
    signedAt: signed.signedAt,
    sha256: signed.sha256,
    ...(fileSha256 !== undefined ? { fileSha256 } : {}),
    algorithm: signed.algorithm,
    keyId: signed.keyId,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Catalog read model: what each requirement accepts

export async function recordRequirements(
  consumer: string,
  event: EventEnvelope,
  procedure: { code: string; version: number; requirements: RequirementRule[] },
  at: Date,
): Promise<void> {
  const rules = procedure.requirements.map((r) => ({
    code: r.code,
    contentTypes: r.contentTypes,
    maxBytes: r.maxBytes,
  }));
  const inbox = inboxPut(store.documentsTableName(), consumer, event.id, at);
  const requirementsPut = store.putRequirements(procedure.code, procedure.version, rules);
  try {
    await transactWrite([inbox, requirementsPut]);
  } catch (error) {
    if (conditionFailed(error, inbox, requirementsPut)) return; // already applied, or an older version
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// GuardDuty Malware Protection for S3 verdicts (AWS only)

export async function applyScanVerdict(
  scanned: { bucket: string; key: string; etag: string; verdict: ScanVerdict },
  at: Date,
): Promise<void> {
  const prefix = 'quarantine/';
  if (scanned.bucket !== documentsBucketName() || !scanned.key.startsWith(prefix)) return;
  const documentId = scanned.key.slice(prefix.length);
  const final = await transitionDocument(documentId, async (doc) => onScanned(doc, scanned.verdict, scanned.etag), at);
  logger.info('malware scan verdict applied', { documentId, verdict: scanned.verdict, status: final?.status });
}
