/**
 * Files of dossiers forwarded by the national portal become documents of the applicant, like uploads: the
 * portal context fetched and staged them (portal.files_received, with a GET URL per file); here each one is
 * put into quarantine under the document id the portal chose, then verified by content and checksum by the
 * same rule as any upload (completeUpload). The outcome is the usual document.verified / document.rejected,
 * which the portal context and the dossiers context both follow. Idempotent: a document already past
 * `pending` is left alone; a replay of the event finds every document done.
 */
import { conditionFailed, transactWrite } from '#platform/dynamo.ts';
import type { EventEnvelope } from '#platform/events.ts';
import type { FilesReceivedData } from '#portal/events.ts';
import type { Caller } from './domain/access.ts';
import { type DocumentRecord, quarantineKey } from './domain/document.ts';
import { putQuarantinedObject } from './objects.ts';
import * as store from './store.ts';
import { completeUpload, malwareScanningEnabled, UPLOAD_EXPIRY_SECONDS } from './use-cases.ts';

/** Who "uploaded" a forwarded file: the national portal, acting as an agency-side system. */
export const PORTAL_UPLOADER: Caller = { sub: 'dvcqg', issuer: 'official', roles: [] };

const FETCH_TIMEOUT_MS = 30_000;

async function fetchStaged(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) {
    await response.body?.cancel();
    // Thrown: the message is retried (SQS), the staged file outlives the retries.
    throw new Error(`staged file answered HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

export async function takeInForwardedFiles(event: EventEnvelope, at: Date): Promise<void> {
  const data = event.data as FilesReceivedData;
  for (const file of data.files) {
    let doc = await store.getDocument(file.documentId);
    if (doc && doc.status !== 'pending') continue;
    if (!doc) {
      doc = {
        documentId: file.documentId,
        fileName: file.fileName,
        contentType: file.contentType,
        size: file.size,
        declaredSha256: file.sha256,
        ownerIdNumber: data.applicantIdNumber,
        uploadedBy: { sub: PORTAL_UPLOADER.sub, kind: PORTAL_UPLOADER.issuer },
        digitized: false,
        kind: 'upload',
        requirementCode: file.requirementCode,
        procedureCode: data.procedureCode,
        status: 'pending',
        scanStatus: malwareScanningEnabled() ? 'pending' : 'skipped (local)',
        storedAt: 'quarantine',
        objectKey: quarantineKey(file.documentId),
        createdAt: at.toISOString(),
        uploadExpiresAt: new Date(at.getTime() + UPLOAD_EXPIRY_SECONDS * 1000).toISOString(),
        version: 1,
      } satisfies DocumentRecord;
      const created = store.putNewDocument(doc, at);
      try {
        await transactWrite([created]);
      } catch (error) {
        if (!conditionFailed(error, created)) throw error;
        // Created by an earlier delivery of this event: go on with it.
      }
    }
    await putQuarantinedObject(quarantineKey(file.documentId), await fetchStaged(file.url), file.contentType);
    await completeUpload(PORTAL_UPLOADER, file.documentId, at);
  }
}
