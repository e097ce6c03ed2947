/** The documents context's published language. */
import type { EventEnvelope } from '#platform/events.ts';

export interface DocumentEventData {
  documentId: string;
  /** The citizen whose store it is in (absent for an official's scan not in the applicant's store yet). */
  ownerIdNumber?: string;
  /** The applicant an official digitized it for (`onBehalfOf`). */
  onBehalfOf?: string;
  ownerAgencyCode?: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  digitized: boolean;
  status: 'clean' | 'rejected';
  reason?: string;
  dossierCode?: string;
}

export interface ResultSignedData {
  dossierCode: string;
  documentId: string;
  number: string;
  signer: string;
  issuedBy: string;
  signedAt: string;
  sha256: string;
}

export const DOCUMENT_EVENT_TYPES = [
  'document.verified',
  'document.rejected',
  'document.reused',
  'document.result_signed',
] as const;
export type DocumentEventType = (typeof DOCUMENT_EVENT_TYPES)[number];
export type DocumentEvent = EventEnvelope<DocumentEventData | ResultSignedData, DocumentEventType>;
