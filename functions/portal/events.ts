/**
 * The portal context's published language: dossiers forwarded by the national portal (DVCQG) on their way in.
 *
 * - `portal.files_received`: the forwarded dossier's files were fetched from the portal, their checksums match,
 *   and they wait in the portal's staging bucket (`portal-intake`, key `stagingKey`). The documents context
 *   takes them in as uploads of the applicant under the given `documentId`s (verified by content like any
 *   upload) and answers with document.verified / document.rejected for those ids.
 * - `portal.dossier_forwarded`: every file is a verified document; the dossiers context creates the dossier
 *   through its submission rules (channel online, source dvcqg) and its `dossier.submitted` carries
 *   `nationalDossierId`.
 * - `portal.forward_rejected`: an official refused a forwarded dossier that could not be taken in, with the
 *   reason; the outbound sync tells the portal.
 */
import type { EventEnvelope } from '#platform/events.ts';

export interface StagedFile {
  documentId: string;
  fileName: string;
  requirementCode: string;
  contentType: string;
  size: number;
  sha256: string;
  stagingKey: string;
  /** A GET URL of the staged file, valid 12 hours (the staging bucket is the portal's; see decision 0007). */
  url: string;
}

export interface FilesReceivedData {
  nationalId: string;
  applicantIdNumber: string;
  procedureCode: string;
  files: StagedFile[];
}

export interface ForwardedSubmissionData {
  nationalId: string;
  procedureCode: string;
  agencyCode: string;
  applicant: {
    idNumber: string;
    fullName: string;
    type: 'citizen' | 'business';
    phone?: string;
    email?: string;
    address?: string;
  };
  formData: Record<string, unknown>;
  documents: { requirementCode: string; documentId: string }[];
  resultDelivery: 'online' | 'counter' | 'post';
  /** When the citizen submitted on DVCQG, if the portal said. */
  portalSubmittedAt?: string;
}

export interface ForwardRejectedData {
  nationalId: string;
  reason: string;
  rejectedBy: { sub: string; name?: string };
  /** Why it was held (unknown-procedure, unmapped-agency, file-unreachable, invalid-data, …). */
  heldFor?: string;
}

export const PORTAL_EVENT_TYPES = [
  'portal.files_received',
  'portal.dossier_forwarded',
  'portal.forward_rejected',
] as const;
export type PortalEventType = (typeof PORTAL_EVENT_TYPES)[number];

export type PortalEvent =
  | EventEnvelope<FilesReceivedData, 'portal.files_received'>
  | EventEnvelope<ForwardedSubmissionData, 'portal.dossier_forwarded'>
  | EventEnvelope<ForwardRejectedData, 'portal.forward_rejected'>;
